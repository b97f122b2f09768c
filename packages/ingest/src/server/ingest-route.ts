import type { FastifyInstance } from 'fastify';
import type { OpenApiExtra } from '@logship/query';
import type { LogEvent } from '@logship/query/core';
import type { LogStore } from '../store/log-store.js';
import type { IngestLimits } from '../config/server-config.js';
import { ingestBatch, retryAfterSOf, type IngestContext, type IngestItem } from './ingest-batch.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { readBody } from './read-body.js';
import { lineSpans } from './split-lines.js';

/*
 * POST /api/v1/ingest
 *
 *   body ─ size limit ─ gunzip (output limit) ─ split lines ─► ingestBatch (ingest-batch.ts: normalize,
 *   store.write, metrics) ─► answer { stored, duplicates, expired, dropped, errors } only once durable.
 */

export interface IngestRouteOptions {
  store: Pick<LogStore, 'write'>;
  limits: IngestLimits;
  metrics: IngestMetrics;
  now: () => number;
  /** Told about committed events (the live tail, log_metrics): only the newly stored ones when the store says which. */
  onCommitted?: (events: LogEvent[], times: number[]) => void;
  /** Zone for offset-less times of lines without `@timezone` (server `ingest.default_timezone`). */
  defaultTimeZone?: string;
}

export interface LineError {
  line: number;
  reason: string;
  code: string;
  /** The line was not stored for now (its day's partition cannot take writes): send it again later; the other errors are permanent. */
  retryable?: true;
}

export interface IngestAnswer {
  stored: number;
  duplicates: number;
  expired: number;
  /** Events an `ingest.drop` rule kept out of the store (taken: not to be sent again). */
  dropped: number;
  errors: LineError[];
}

const answerSchema = {
  type: 'object',
  required: ['stored', 'duplicates', 'expired', 'dropped', 'errors'],
  properties: {
    stored: { type: 'integer' },
    duplicates: { type: 'integer' },
    expired: { type: 'integer' },
    dropped: { type: 'integer' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['line', 'reason', 'code'],
        properties: { line: { type: 'integer' }, reason: { type: 'string' }, code: { type: 'string' }, retryable: { type: 'boolean' } },
      },
    },
  },
} as const;

/**
 * The body, for the document only (the route reads it raw, above): without
 * it the document showed a POST that takes nothing, and a client generated
 * from it sent none.
 */
const INGEST_OPENAPI: OpenApiExtra = {
  // text/plain as well: a type any client can send text in (the route reads every type as NDJSON).
  consumes: ['application/x-ndjson', 'text/plain'],
  // No body is a batch of no lines: 200, nothing stored.
  bodyRequired: false,
  body: {
    type: 'string',
    description: 'NDJSON: one event object per line (docs/WIRE.md), read as NDJSON whatever Content-Type says; '
      + 'optionally Content-Encoding: gzip, deflate, zstd or snappy',
  },
  // A request header (the agent sends it); no answer carries it.
  headers: {
    'x-logship-partial': {
      type: 'string',
      description: 'retryable (among comma-separated values, any case): when some lines could not be stored but may be '
        + 'sent again, answer 200 naming them (retryable: true) instead of a 503 for the whole batch',
    },
  },
};

/**
 * The request header by which a sender says it retries the lines an answer
 * marks `retryable` (the agent sends it). Without it such lines make the
 * request a 503, as a 200 would be taken as done by any other sender.
 */
export const PARTIAL_HEADER = 'x-logship-partial';

/** `retryable` among the header's comma-separated values, in any case. */
function acceptsRetryableLines(value: string | string[] | undefined): boolean {
  if (value === undefined) return false;
  const all = Array.isArray(value) ? value.join(',') : value;
  return all.split(',').some((v) => v.trim().toLowerCase() === 'retryable');
}

export async function ingestRoute(app: FastifyInstance, opts: IngestRouteOptions): Promise<void> {
  const { limits } = opts;
  const ctx: Omit<IngestContext, 'log'> = opts;

  // The body is NDJSON whatever Content-Type says (curl sends form-urlencoded
  // by default); it is read raw so size limits apply before anything is parsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    readBody(payload, request.headers, limits).then(
      (body) => done(null, body),
      (err: Error) => done(err, undefined),
    );
  });

  app.post(
    '/api/v1/ingest',
    {
      config: { scope: 'write', openapi: INGEST_OPENAPI },
      schema: {
        summary: 'Ingest NDJSON events (optionally Content-Encoding: gzip); answers after the batch is committed',
        response: { 200: answerSchema },
      },
    },
    async (request, reply): Promise<IngestAnswer> => {
      const body = arrayAsLines(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
      const items: IngestItem[] = [];
      for (const line of lineSpans(body)) items.push({ kind: 'line', ref: line.number, body, start: line.start, end: line.end });
      let outcome;
      try {
        outcome = await ingestBatch({ ...ctx, log: request.log }, 'native', items, { retryableLines: acceptsRetryableLines(request.headers[PARTIAL_HEADER]) });
      } catch (err) {
        const retryAfterS = retryAfterSOf(err);
        if (retryAfterS !== undefined) void reply.header('retry-after', String(retryAfterS));
        throw err;
      }
      return {
        stored: outcome.stored,
        duplicates: outcome.duplicates,
        expired: outcome.expired,
        dropped: outcome.dropped,
        errors: outcome.errors.map((e) => ({ line: e.ref, reason: e.reason, code: e.code, ...(e.retryable ? { retryable: true as const } : {}) })),
      };
    },
  );
}

/**
 * A body that is one JSON array of objects, as Fluent Bit's http output
 * (`format json`) and Vector's http sink with the json codec send their
 * batches, is read as one line an element: every element was refused as
 * "JSON but not an object (got array)". Error line numbers are then the
 * elements' (1-based). A pretty-printed object is one line too
 * (prettyObjectAsLine). Anything else (NDJSON, a line that is an array
 * among others) is the body as sent.
 */
function arrayAsLines(body: Buffer): Buffer {
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i] === 0x7b) return prettyObjectAsLine(body, i);
  if (body[i] !== 0x5b) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e))) return body;
  return Buffer.from(parsed.map((e) => JSON.stringify(e)).join('\n') + '\n', 'utf8');
}

/**
 * A body that is one JSON object written over several lines (`curl -d
 * @event.json` of a pretty-printed file, `jq .` output) is that one
 * event: read line by line, each of its lines was refused as not JSON and
 * nothing was stored. Only when its first line does not end the object
 * (an NDJSON line ends with `}`), so NDJSON is never parsed twice.
 */
function prettyObjectAsLine(body: Buffer, start: number): Buffer {
  const lf = body.indexOf(0x0a, start);
  if (lf === -1) return body;
  let end = lf;
  while (end > start && (body[end - 1] === 0x20 || body[end - 1] === 0x0d || body[end - 1] === 0x09)) end--;
  if (body[end - 1] === 0x7d) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return body;
  return Buffer.from(JSON.stringify(parsed) + '\n', 'utf8');
}
