import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { parseListen } from '../../../config/parse-listen.js';
import type { Authorize } from '../../auth-hook.js';
import { errors, LogshipError } from '../../errors.js';
import type { TlsCredentials } from '../../tls-credentials.js';
import type { IngestContext } from '../../ingest-batch.js';
import { ingestBatch } from '../../ingest-batch.js';
import { decodeOtlpLogs } from './decode-otlp-logs.js';
import { ExportLogsServiceResponse } from './otlp-proto.js';

/*
 * OTLP/gRPC logs (off unless `otlp.grpc_listen` is set): the Collector's
 * `otlp` exporter and SDKs with the grpc exporter.
 *
 *   LogsService/Export (raw protobuf bytes) ─► decode-otlp-logs ─► ingestBatch ─► ExportLogsServiceResponse
 *
 * The message bytes are the same ExportLogsServiceRequest as OTLP/HTTP, so
 * grpc-js is given pass-through (de)serializers and the HTTP route's decoder
 * does the work. Tokens come from the `authorization` metadata and are
 * checked by the HTTP routes' own check (same tokens, same rate limits).
 * gzip-compressed messages are inflated by grpc-js; the message size limit
 * is `limits.max_body_bytes`.
 */

const EXPORT_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

export interface OtlpGrpcServer {
  /** Bound `host:port` (port 0 resolved). */
  address: string;
  close(): Promise<void>;
}

/** gRPC status for our HTTP statuses, as the OTLP spec pairs them. */
function grpcCode(httpStatus: number): status {
  if (httpStatus === 401) return status.UNAUTHENTICATED;
  if (httpStatus === 403) return status.PERMISSION_DENIED;
  if (httpStatus === 413 || httpStatus === 429) return status.RESOURCE_EXHAUSTED;
  if (httpStatus === 415 || httpStatus === 400) return status.INVALID_ARGUMENT;
  if (httpStatus === 503) return status.UNAVAILABLE;
  return status.INTERNAL;
}

/**
 * `tls`: the server's `tls` block, read and checked (with its client CA,
 * exporters need a certificate that CA signed). grpc-js cannot swap the
 * certificate of a bound server, so this listener keeps the one it started
 * with until a restart.
 */
export async function startOtlpGrpcServer(listen: string, ctx: IngestContext, authorize: Authorize | undefined, tls?: TlsCredentials): Promise<OtlpGrpcServer> {
  const { host, port } = parseListen(listen);
  const server = new Server({
    'grpc.max_receive_message_length': ctx.limits.max_body_bytes,
  });
  const service = {
    Export: {
      path: EXPORT_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    },
  };
  const impl: UntypedServiceImplementation = {
    Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      void exportLogs(call.request, call.metadata.get('authorization')[0], peerHost(call.getPeer())).then(
        (response) => callback(null, response),
        (err: unknown) => {
          const coded = err instanceof LogshipError ? err : errors.internal();
          if (!(err instanceof LogshipError)) ctx.log.error({ err }, 'OTLP/gRPC export failed.');
          callback({ code: grpcCode(coded.statusCode), details: `${coded.code}: ${coded.message}` });
        },
      );
    },
  };
  server.addService(service, impl);

  async function exportLogs(body: Buffer, authorization: unknown, client: string): Promise<Buffer> {
    const refusal = authorize?.(typeof authorization === 'string' ? authorization : undefined, 'write', client);
    if (refusal) throw refusal.error;
    const items = decodeOtlpLogs(body, 'protobuf');
    const outcome = await ingestBatch(ctx, 'otlp', items);
    const value =
      outcome.errors.length === 0
        ? {}
        : {
            partialSuccess: {
              rejectedLogRecords: outcome.errors.length,
              errorMessage: outcome.errors.slice(0, 5).map((e) => `record ${e.ref}: ${e.code}: ${e.reason}`).join('; '),
            },
          };
    return Buffer.from(ExportLogsServiceResponse.encode(ExportLogsServiceResponse.fromObject(value)).finish());
  }

  const bound = await new Promise<number>((resolve, reject) => {
    const creds = tls
      ? ServerCredentials.createSsl((tls.context.ca as Buffer | undefined) ?? null,
        [{ cert_chain: tls.context.cert as Buffer, private_key: tls.context.key as Buffer }], tls.context.ca !== undefined)
      : ServerCredentials.createInsecure();
    server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, creds, (err, p) => (err ? reject(err) : resolve(p)));
  });
  return {
    address: `${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        // In-flight exports finish (they answer only once committed); a stuck one is cut after 10 s.
        const timer = setTimeout(() => server.forceShutdown(), 10_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

/** `ipv4:127.0.0.1:5000` → `127.0.0.1`: failed authentications are counted per address, not per connection. */
function peerHost(peer: string): string {
  return peer.replace(/^(?:ipv4:|ipv6:)/, '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
}
