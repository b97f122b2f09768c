import './route-config.js';
import type { FastifyInstance } from 'fastify';
import type { AggregationSpec, LogReader } from '../log-reader.js';
import { apiErrors } from './api-error.js';
import { resolveInterval } from './interval.js';
import type { QueryCompiler } from './query-compiler.js';
import type { QueryGate } from './query-gate.js';
import { rangeAnswer, resolveTimeRange } from './time-range.js';

export interface AggregateRouteOptions {
  reader: LogReader;
  now: () => number;
  compile: QueryCompiler;
  gate: QueryGate;
  defaultFrom: string;
  maxTermsSize: number;
}

interface AggregateParams {
  q?: string;
  from?: string;
  to?: string;
  type: 'terms' | 'date_histogram' | 'stats' | 'percentiles';
  field?: string;
  size?: number;
  interval?: string;
  percents?: string | number[];
}

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    q: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    type: { type: 'string', enum: ['terms', 'date_histogram', 'stats', 'percentiles'] },
    field: { type: 'string', description: 'Field to aggregate (terms, stats, percentiles)' },
    size: { type: 'integer', minimum: 1, description: 'terms: top N buckets (default 10)' },
    interval: { type: 'string', description: 'date_histogram: 30s, 1m, 1h, 1d or auto (default)' },
    percents: {
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'number' } }],
      description: 'percentiles: comma-separated (default 50,95,99)',
    },
  },
} as const;

/** GET and POST /api/v1/aggregate: terms, date_histogram, stats, percentiles. */
export function registerAggregateRoute(app: FastifyInstance, opts: AggregateRouteOptions): void {
  const handler = async (p: AggregateParams) => {
    const started = performance.now();
    const now = opts.now();
    const query = opts.compile(p.q ?? '');
    const range = resolveTimeRange(p.from, p.to, now, opts.defaultFrom, query);
    const agg = toSpec(p, range.to - range.from, opts.maxTermsSize);
    const result = await opts.gate.run((signal) => opts.reader.aggregate({ query, ...range, agg, now, signal }));
    return { ...result, range: rangeAnswer(range), took_ms: Math.round((performance.now() - started) * 100) / 100 };
  };
  const config = { scope: 'read' as const };
  app.get<{ Querystring: AggregateParams }>('/api/v1/aggregate', {
    config, schema: { querystring: paramsSchema, summary: 'Aggregate events' },
  }, (req) => handler(req.query));
  app.post<{ Body: AggregateParams }>('/api/v1/aggregate', {
    config, schema: { body: paramsSchema, summary: 'Aggregate events (parameters as JSON body)' },
  }, (req) => handler(req.body));
}

function needField(p: AggregateParams): string {
  if (!p.field) throw apiErrors.badRequest(`aggregation "${p.type}" needs a "field"`);
  return p.field;
}

function toSpec(p: AggregateParams, rangeMs: number, maxTermsSize: number): AggregationSpec {
  switch (p.type) {
    case 'terms':
      return { type: 'terms', field: needField(p), size: Math.min(p.size ?? 10, maxTermsSize) };
    case 'date_histogram':
      return { type: 'date_histogram', interval_ms: resolveInterval(p.interval, rangeMs) };
    case 'stats':
      return { type: 'stats', field: needField(p) };
    case 'percentiles': {
      const percents = typeof p.percents === 'string'
        ? p.percents.split(',').map((x) => Number(x.trim()))
        : (p.percents ?? [50, 95, 99]);
      if (percents.length === 0 || percents.some((x) => !Number.isFinite(x) || x < 0 || x > 100)) {
        throw apiErrors.badRequest('percents must be numbers between 0 and 100');
      }
      return { type: 'percentiles', field: needField(p), percents };
    }
  }
}
