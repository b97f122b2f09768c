import type { FastifyInstance } from 'fastify';
import type { LogEvent } from '@logship/query';
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
  onCommitted?: (events: LogEvent[]) => void;
  /** Zone for offset-less times of lines without `@timezone` (server `ingest.default_timezone`). */
  defaultTimeZone?: string;
}

export interface LineError {
  line: number;
  reason: string;
  code: string;
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
        properties: { line: { type: 'integer' }, reason: { type: 'string' }, code: { type: 'string' } },
      },
    },
  },
} as const;

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
      config: { scope: 'write' },
      schema: {
        summary: 'Ingest NDJSON events (optionally Content-Encoding: gzip); answers after the batch is committed',
        response: { 200: answerSchema },
      },
    },
    async (request, reply): Promise<IngestAnswer> => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const items: IngestItem[] = [];
      for (const line of lineSpans(body)) items.push({ kind: 'line', ref: line.number, body, start: line.start, end: line.end });
      let outcome;
      try {
        outcome = await ingestBatch({ ...ctx, log: request.log }, 'native', items);
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
        errors: outcome.errors.map((e) => ({ line: e.ref, reason: e.reason, code: e.code })),
      };
    },
  );
}
