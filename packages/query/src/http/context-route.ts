/**
 * GET /api/v1/context (README.md "HTTP API"): the events just before and
 * after one event from the same host and source, for the page's "lines
 * around this one". `ts`, the anchor's @timestamp, is required so that no
 * store has to look for the id through every day.
 */
import './route-config.js';
import type { FastifyInstance } from 'fastify';
import type { ContextRequest, LogReader } from '../log-reader.js';
import { findContext } from '../event-context.js';
import { apiErrors } from './api-error.js';
import type { QueryGate } from './query-gate.js';
import { resolveTimeValue } from './time-range.js';

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
          properties: { anchor: { type: 'object', additionalProperties: true }, before: events, after: events },
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
    const result = await opts.gate.run((signal) => {
      const r: ContextRequest = { id: p.id, ts, before: p.before ?? 20, after: p.after ?? 20, now, signal };
      return opts.reader.context ? opts.reader.context(r) : findContext(opts.reader, r);
    });
    if (!result) throw apiErrors.contextNotFound(p.id, p.ts);
    return result;
  });
}
