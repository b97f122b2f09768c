import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errors, LogshipError } from '../errors.js';

/** What a protocol's error handler answers, in its own shape. */
export interface ProtocolErrorAnswer {
  status: number;
  code: string;
  message: string;
}

/**
 * The part every protocol's error handler shares (Loki push, Elasticsearch
 * bulk, OTLP/HTTP): the status (ours as coded; an uncoded 5xx is
 * LS_INGEST_INTERNAL, never a stack), the log line and Retry-After.
 *
 * A retryable answer (the store busy or full, the server shutting down)
 * is one warning without a stack, not an error: the sender retries and
 * nothing is lost; the store's failure itself is logged once where it
 * happened (ingest-batch.ts). It carries Retry-After, which Vector,
 * Filebeat, Promtail and the OTel exporters wait for before they retry;
 * the 503 answered while shutting down comes from a hook, before any
 * route could set it.
 */
export function protocolError(err: FastifyError, request: FastifyRequest, reply: FastifyReply, what: string): ProtocolErrorAnswer {
  const coded = err instanceof LogshipError || (typeof err.code === 'string' && (err.statusCode ?? 500) < 500);
  const status = coded && typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
  const retryable = err instanceof LogshipError && err.retryable;
  if (retryable && status >= 500) request.log.warn({ code: err.code, message: err.message }, `${what} answered with a retryable error.`);
  else if (status >= 500) request.log.error({ err }, `${what} failed.`);
  if (retryable && err.retryAfterS !== undefined && !reply.hasHeader('retry-after')) void reply.header('retry-after', String(Math.ceil(err.retryAfterS)));
  const shown = coded ? err : errors.internal();
  return { status, code: shown.code, message: shown.message };
}
