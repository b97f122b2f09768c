import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { parseListen } from '../../../config/parse-listen.js';
import type { Authorize } from '../../auth-hook.js';
import { errors, LogshipError } from '../../errors.js';
import type { TlsCredentials } from '../../tls-credentials.js';
import type { IngestContext } from '../../ingest-batch.js';
import { ingestBatch } from '../../ingest-batch.js';
import { decodeOtlpLogs } from './decode-otlp-logs.js';
import { ExportLogsServiceResponse } from './otlp-proto.js';
import { grpcStatusError } from './grpc-status-error.js';
import { otlpPartialSuccess } from './otlp-partial-success.js';

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
      const authorization = call.metadata.get('authorization')[0];
      const refusal = authorize?.(typeof authorization === 'string' ? authorization : undefined, 'write', peerHost(call.getPeer()));
      if (refusal) {
        // The rate limiter's wait is in the Retry-After it gives HTTP; the error's own hint is a default.
        const wait = Number(refusal.headers['retry-after']);
        callback(grpcStatusError(refusal.error, refusal.error.retryable && wait > 0 ? wait : undefined));
        return;
      }
      void exportLogs(call.request).then(
        (response) => callback(null, response),
        (err: unknown) => {
          const coded = err instanceof LogshipError ? err : errors.internal();
          if (!(err instanceof LogshipError)) ctx.log.error({ err }, 'OTLP/gRPC export failed.');
          callback(grpcStatusError(coded));
        },
      );
    },
  };
  server.addService(service, impl);

  async function exportLogs(body: Buffer): Promise<Buffer> {
    const items = decodeOtlpLogs(body, 'protobuf');
    const outcome = await ingestBatch(ctx, 'otlp', items);
    const partialSuccess = otlpPartialSuccess(outcome);
    const value = partialSuccess ? { partialSuccess } : {};
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
