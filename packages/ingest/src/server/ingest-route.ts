import type { FastifyInstance } from 'fastify';
import type { LogEvent } from '@logship/query';
import type { LogStore, WriteResult } from '../store/log-store.js';
import type { IngestLimits } from '../config/server-config.js';
import { normalizeLine } from '../normalize/normalize-line.js';
import { isLogshipError } from '../errors/define-error.js';
import { errors } from './errors.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { readBody } from './read-body.js';
import { splitLines } from './split-lines.js';

/*
 * POST /api/v1/ingest
 *
 *   body ─ size limit ─ gunzip (output limit) ─ split lines ─┬─ normalizeLine ─► events ─► store.write ─┐
 *                                                            └─ malformed ─► errors[] (line, code) ◄─────┘
 *   answer { stored, duplicates, expired, errors } only after store.write resolved (durable).
 */

export interface IngestRouteOptions {
  store: Pick<LogStore, 'write'>;
  limits: IngestLimits;
  metrics: IngestMetrics;
  now: () => number;
  /** Told about committed events (the live tail, log_metrics): only the newly stored ones when the store says which. */
  onCommitted?: (events: LogEvent[]) => void;
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
  errors: LineError[];
}

const answerSchema = {
  type: 'object',
  required: ['stored', 'duplicates', 'expired', 'errors'],
  properties: {
    stored: { type: 'integer' },
    duplicates: { type: 'integer' },
    expired: { type: 'integer' },
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
  const { store, limits, metrics, now, onCommitted } = opts;

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
      const started = performance.now();
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const receivedAt = now();
      const events: LogEvent[] = [];
      const lineOf: number[] = [];
      const lineErrors: LineError[] = [];
      let received = 0;
      // Counted per batch, then added: a labelled counter per line is measurable at 50k lines/s.
      const byFormat = new Map<string, number>();

      for (const line of splitLines(body)) {
        received++;
        try {
          if (line.bytes > limits.max_line_bytes) throw errors.lineTooLong(line.bytes, limits.max_line_bytes);
          const { event, format } = normalizeLine(line.text, { now: receivedAt, limits, invalidUtf8: line.invalidUtf8 });
          events.push(event);
          lineOf.push(line.number);
          byFormat.set(format, (byFormat.get(format) ?? 0) + 1);
        } catch (err) {
          if (isLogshipError(err)) {
            lineErrors.push({ line: line.number, reason: err.message, code: err.code });
            continue;
          }
          // A bug in normalization must cost this line, not the batch: the
          // other lines are stored and the line is reported with a code.
          request.log.error({ err, line: line.number }, 'Normalizing an ingest line failed.');
          const failed = errors.lineFailed(err instanceof Error ? err.message : String(err));
          lineErrors.push({ line: line.number, reason: failed.message, code: failed.code });
        }
      }
      metrics.eventsReceived.inc(received);
      for (const [format, n] of byFormat) metrics.eventsByFormat.inc({ format }, n);

      let result: WriteResult = { stored: 0, duplicates: 0, expired: 0, errors: [] };
      if (events.length > 0) {
        try {
          result = await store.write(events, receivedAt);
        } catch (err) {
          request.log.error({ err }, 'The store failed to commit an ingest batch.');
          // Nothing was acknowledged, so agents spool and retry: after the
          // delay a retryable store error names (Elasticsearch answering 429
          // with its own), else 5 s.
          const hinted = isLogshipError(err) && err.retryable ? err.retryAfterS : undefined;
          void reply.header('retry-after', String(hinted !== undefined && hinted > 0 ? Math.ceil(hinted) : 5));
          throw errors.storeUnavailable((err as Error).message);
        }
      }
      for (const e of result.errors) {
        const rejected = errors.eventRejected(e.reason);
        lineErrors.push({ line: lineOf[e.index] ?? 0, reason: rejected.message, code: rejected.code });
      }
      lineErrors.sort((a, b) => a.line - b.line);
      if (onCommitted && result.stored > 0) {
        if (result.storedIndexes) {
          // Only the newly stored events: a retried batch is not shown twice.
          onCommitted(result.storedIndexes.length === events.length ? events : result.storedIndexes.map((i) => events[i] as LogEvent));
        } else {
          // A backend that does not say which events were new (both of ours
          // do): a batch mixing fresh and already-stored events may show a few
          // of the latter again. Events the store rejected are left out.
          const rejected = new Set(result.errors.map((e) => e.index));
          onCommitted(rejected.size === 0 ? events : events.filter((_, i) => !rejected.has(i)));
        }
      }
      for (const e of lineErrors) metrics.eventsRejected.inc({ reason: e.code });
      metrics.eventsStored.inc(result.stored);
      metrics.eventsDuplicate.inc(result.duplicates);
      metrics.eventsExpired.inc(result.expired);
      metrics.ingestDuration.observe((performance.now() - started) / 1000);
      return { stored: result.stored, duplicates: result.duplicates, expired: result.expired, errors: lineErrors };
    },
  );
}
