import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { LogshipError } from '../../errors.js';
import { RetryInfo, RpcStatus } from './otlp-proto.js';

/** gRPC status for our HTTP statuses, as the OTLP spec pairs them. */
export function grpcCode(httpStatus: number): status {
  if (httpStatus === 401) return status.UNAUTHENTICATED;
  if (httpStatus === 403) return status.PERMISSION_DENIED;
  if (httpStatus === 413 || httpStatus === 429) return status.RESOURCE_EXHAUSTED;
  if (httpStatus === 415 || httpStatus === 400) return status.INVALID_ARGUMENT;
  if (httpStatus === 503) return status.UNAVAILABLE;
  return status.INTERNAL;
}

/**
 * The gRPC error an export is refused with. A retryable one (rate limit,
 * store busy) carries a google.rpc.RetryInfo in grpc-status-details-bin:
 * the Collector's otlp exporter retries RESOURCE_EXHAUSTED only when the
 * status has one (the OTLP spec's throttling signal), and drops the data
 * as a permanent error without it; with UNAVAILABLE it waits the delay.
 * `retryAfterS` overrides the error's own hint (the rate limiter knows
 * the real wait).
 */
export function grpcStatusError(err: LogshipError, retryAfterS = err.retryable ? err.retryAfterS : undefined): Partial<ServiceError> {
  const code = grpcCode(err.statusCode);
  const details = `${err.code}: ${err.message}`;
  if (retryAfterS === undefined) return { code, details };
  const retryInfo = RetryInfo.encode(RetryInfo.fromObject({ retryDelay: { seconds: Math.max(1, Math.ceil(retryAfterS)) } })).finish();
  const statusProto = RpcStatus.encode(
    RpcStatus.fromObject({ code, message: details, details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: retryInfo }] }),
  ).finish();
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(statusProto));
  return { code, details, metadata };
}
