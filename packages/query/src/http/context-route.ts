/**
 * GET /api/v1/context (README.md "HTTP API"): the events just before and
 * after one event from the same host and source, for the page's "lines
 * around this one". `ts`, the anchor's @timestamp, is required so that no
 * store has to look for the id through every day.
 */
import './route-config.js';
import type { FastifyInstance } from 'fastify';
import { resolveDate } from '../date-math.js';
import type { ContextRequest, LogReader } from '../log-reader.js';
import { findContext } from '../event-context.js';
import { apiErrors } from './api-error.js';
import type { QueryGate } from './query-gate.js';

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
    config: { scope: 'read' as const },
    schema: {
      summary: 'Events around one event, from the same host and source',
      description: 'Order is (@timestamp, event.id), as in search; before and after are both oldest first. An unknown id answers 404 LS_CONTEXT_NOT_FOUND.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'ts'],
        properties: {
          id: { type: 'string', minLength: 1, description: "The anchor's event.id" },
          ts: { type: 'string', minLength: 1, description: "The anchor's @timestamp (ISO 8601 or epoch ms)" },
          before: { type: 'integer', minimum: 0, maximum: opts.maxEvents, description: `Older events (default 20, at most ${opts.maxEvents})` },
          after: { type: 'integer', minimum: 0, maximum: opts.maxEvents, description: `Newer events (default 20, at most ${opts.maxEvents})` },
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
    let ts: number;
    try {
      ts = resolveDate(p.ts, { now, roundUp: false });
    } catch (err) {
      throw apiErrors.badTime('ts', p.ts, err instanceof Error ? err.message : String(err));
    }
    const result = await opts.gate.run((signal) => {
      const r: ContextRequest = { id: p.id, ts, before: p.before ?? 20, after: p.after ?? 20, now, signal };
      return opts.reader.context ? opts.reader.context(r) : findContext(opts.reader, r);
    });
    if (!result) throw apiErrors.contextNotFound(p.id, p.ts);
    return result;
  });
}
