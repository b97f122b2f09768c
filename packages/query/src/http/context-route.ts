/**
 * GET /api/v1/context (README.md "HTTP API"): the events just before and
 * after one event from the same host and source, for the page's "lines
 * around this one". `ts`, the anchor's @timestamp, is required so that no
 * store has to look for the id through every day.
 *
 * What its reads left out (a partition locked, damaged or denied; an
 * Elasticsearch index whose shards failed) is said in `warnings`, as in a
 * search answer: the lines around an event with a day missing between
 * them looked like its neighbours.
 */
import './route-config.js';
import type { FastifyInstance } from 'fastify';
import { warningsField, type ContextRequest, type ContextResult, type LogReader, type TimeRange } from '../log-reader.js';
import { CONTEXT_SPAN_MS, findContext } from '../event-context.js';
import { collectingLeftOut, type LeftOutPartition } from '../read-left-out.js';
import { apiErrors } from './api-error.js';
import type { QueryGate } from './query-gate.js';
import { resolveTimeValue, WARNINGS_SCHEMA } from './time-range.js';

export interface ContextRouteOptions {
  reader: LogReader;
  now: () => number;
  gate: QueryGate;
  /** Largest `before` / `after`. */
  maxEvents: number;
}

interface ContextParams {
  id: string;
  ts: string;
  before?: number;
  after?: number;
}

const events = { type: 'array', items: { type: 'object', additionalProperties: true } } as const;

export function registerContextRoute(app: FastifyInstance, opts: ContextRouteOptions): void {
  app.get<{ Querystring: ContextParams }>('/api/v1/context', {
    config: { scope: 'read' as const, largest: { before: opts.maxEvents, after: opts.maxEvents } },
    schema: {
      summary: 'Events around one event, from the same host and source',
      description: 'Order is (@timestamp, event.id), as in search; before and after are both oldest first. An unknown id answers 404 LS_CONTEXT_NOT_FOUND.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'ts'],
        properties: {
          id: { type: 'string', minLength: 1, description: "The anchor's event.id" },
          ts: { type: 'string', minLength: 1, description: "The anchor's @timestamp, in any form from takes: ISO 8601, date math (now-1h), a duration before now (-1h, 1h) or an epoch number (seconds or ms)" },
          before: { type: 'integer', minimum: 0, description: `Older events (default 20; over ${opts.maxEvents} is a 400 naming the maximum)` },
          after: { type: 'integer', minimum: 0, description: `Newer events (default 20; over ${opts.maxEvents} is a 400 naming the maximum)` },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: { anchor: { type: 'object', additionalProperties: true }, before: events, after: events, warnings: WARNINGS_SCHEMA },
        },
      },
    },
  }, async (req) => {
    const now = opts.now();
    const p = req.query;
    for (const param of ['before', 'after'] as const) {
      const n = p[param];
      if (n !== undefined && n > opts.maxEvents) throw apiErrors.overMaximum(param, n, opts.maxEvents, `events on one side of the anchor; ask again around the ${param === 'before' ? 'oldest' : 'newest'} one`);
    }
    // As from and to read it (`-1h`, `now-1h`, epoch seconds or ms, ISO), not date math alone.
    const ts = resolveTimeValue('ts', p.ts, now, false);
    const want = { before: p.before ?? 20, after: p.after ?? 20 };
    const leftOut: LeftOutPartition[] = [];
    const result = await opts.gate.run((signal) => collectingLeftOut(leftOut, () => {
      const r: ContextRequest = { id: p.id, ts, ...want, now, signal };
      return opts.reader.context ? opts.reader.context(r) : findContext(opts.reader, r);
    }));
    if (!result) throw apiErrors.contextNotFound(p.id, p.ts);
    return { ...result, ...warningsField(opts.reader, reached(result, want), leftOut) };
  });
}

/**
 * The range the context's reads went through: to the furthest event given
 * on a side that got all it asked for, else as far as they look
 * (CONTEXT_SPAN_MS), every partition between read or left out; the anchor
 * itself on a side asked for none.
 */
function reached(result: ContextResult, want: { before: number; after: number }): TimeRange {
  const at = Date.parse(result.anchor['@timestamp']);
  const oldest = result.before[0];
  const newest = result.after[result.after.length - 1];
  return {
    from: want.before === 0 ? at : oldest && result.before.length >= want.before ? Date.parse(oldest['@timestamp']) : at - CONTEXT_SPAN_MS,
    to: want.after === 0 ? at : newest && result.after.length >= want.after ? Date.parse(newest['@timestamp']) : at + CONTEXT_SPAN_MS,
  };
}
