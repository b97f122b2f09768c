import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../errors.js';
import type { IngestContext } from '../../ingest-batch.js';
import { ingestBatch } from '../../ingest-batch.js';
import { protocolError } from '../protocol-error.js';
import { otlpLogsOpenApi } from '../protocol-openapi.js';
import { acceptRawBodies, bodyOf, mediaType } from '../raw-body.js';
import { decodeOtlpLogs, type OtlpEncoding } from './decode-otlp-logs.js';
import { ExportLogsServiceResponse, RpcStatus } from './otlp-proto.js';
import { otlpPartialSuccess } from './otlp-partial-success.js';

/*
 * POST /v1/logs (OTLP/HTTP, the path OpenTelemetry exporters and the
 * Collector's otlphttp exporter default to): decode-otlp-logs ─► ingestBatch
 * ─► ExportLogsServiceResponse, with partial_success counting rejected
 * records. Answers and errors are in the request's encoding (protobuf or
 * JSON); errors are a google.rpc.Status, as the OTLP spec asks, and 429/503
 * carry Retry-After, which exporters honour.
 */

export interface OtlpRouteOptions {
  ctx: Omit<IngestContext, 'log'>;
}

const JSON_TYPE = 'application/json';
const PROTO_TYPE = 'application/x-protobuf';

function encodingOf(request: FastifyRequest): OtlpEncoding | undefined {
  const type = mediaType(request.headers['content-type']);
  if (type === JSON_TYPE) return 'json';
  if (type === PROTO_TYPE || type === 'application/protobuf') return 'protobuf';
  return undefined;
}

/** gRPC status codes the OTLP spec pairs with HTTP statuses. */
function rpcCode(status: number): number {
  if (status === 401) return 16; // UNAUTHENTICATED
  if (status === 403) return 7; // PERMISSION_DENIED
  if (status === 413 || status === 429) return 8; // RESOURCE_EXHAUSTED
  if (status === 503) return 14; // UNAVAILABLE
  if (status >= 500) return 13; // INTERNAL
  return 3; // INVALID_ARGUMENT
}

function send(reply: FastifyReply, encoding: OtlpEncoding, type: typeof ExportLogsServiceResponse, value: Record<string, unknown>): FastifyReply {
  if (encoding === 'json') return reply.type(JSON_TYPE).send(value);
  return reply.type(PROTO_TYPE).send(Buffer.from(type.encode(type.fromObject(value)).finish()));
}

function otlpErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, code, message } = protocolError(err, request, reply, 'OTLP logs export');
  void send(reply.status(status), encodingOf(request) ?? 'json', RpcStatus, { code: rpcCode(status), message: `${code}: ${message}` });
}

export async function otlpRoute(app: FastifyInstance, opts: OtlpRouteOptions): Promise<void> {
  acceptRawBodies(app, opts.ctx.limits);
  app.setErrorHandler(otlpErrorHandler);

  // /otlp/v1/logs is where Loki 3 takes OTLP: a Collector or Alloy exporter
  // whose endpoint is `http://loki:3100/otlp` needs only its host changed.
  for (const url of ['/v1/logs', '/otlp/v1/logs']) {
    app.post(
      url,
      {
        config: { scope: 'write', openapi: otlpLogsOpenApi },
        schema: { summary: 'OTLP/HTTP logs export: protobuf or JSON (optionally gzip); answers once committed', tags: ['protocols'] },
      },
      async (request, reply) => {
        const encoding = encodingOf(request);
        if (!encoding) throw errors.unsupportedContentType(mediaType(request.headers['content-type']), `${PROTO_TYPE} or ${JSON_TYPE}`);
        const items = decodeOtlpLogs(bodyOf(request.body), encoding);
        const outcome = await ingestBatch({ ...opts.ctx, log: request.log }, 'otlp', items);
        const partialSuccess = otlpPartialSuccess(outcome);
        return send(reply, encoding, ExportLogsServiceResponse, partialSuccess ? { partialSuccess } : {});
      },
    );
  }
}
