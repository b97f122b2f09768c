import './route-config.js';
import type { FastifyInstance } from 'fastify';
import type { QueryNode } from '../ast.js';
import { warningsField, type AggregationSpec, type LogReader } from '../log-reader.js';
import { GroupByError, groupAggregate } from '../group-aggregate.js';
import { apiErrors } from './api-error.js';
import { resolveInterval } from './interval.js';
import { refuseQueryString, typedJsonBody } from './json-body.js';
import { commitMarkField, COMMIT_MARK_SCHEMA, readMarked, type CommitMarker } from './commit-mark.js';
import { collectingLeftOut } from '../read-left-out.js';
import type { QueryCompiler } from './query-compiler.js';
import type { QueryGate } from './query-gate.js';
import { TIME_PARAM, rangeAnswer, resolveTimeRange, timeText } from './time-range.js';

export interface AggregateRouteOptions {
  reader: LogReader;
  now: () => number;
  compile: QueryCompiler;
  gate: QueryGate;
  defaultFrom: string;
  maxTermsSize: number;
  /** The text fields (never number fields: stats and percentiles on them are refused). */
  textFields: readonly string[];
  /** The answer's `commit_mark` (commit-mark.ts). */
  commitMark: CommitMarker;
}

/** What percents takes, as a refusal says it. */
const PERCENTS_FORMS = ['a comma-separated string (50,95,99)', 'a list of numbers ([50, 95, 99])'] as const;

/** A percent as text: digits, optionally a fraction. */
const DECIMAL = /^\d+(?:\.\d+)?$/;

const AGGREGATION_TYPES = ['terms', 'date_histogram', 'stats', 'percentiles'] as const;

interface AggregateParams {
  q?: string;
  from?: string | number;
  to?: string | number;
  type: 'terms' | 'date_histogram' | 'stats' | 'percentiles';
  field?: string;
  size?: number;
  interval?: string;
  percents?: string | number[];
  by?: string;
  by_size?: number;
}

/** Groups a `by` aggregation may have: each is an aggregation of its own. */
export const MAX_GROUPS = 100;

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    q: { type: 'string' },
    from: TIME_PARAM,
    to: TIME_PARAM,
    // Checked in the handler, so that a wrong type is answered with the list (LS_API_BAD_AGGREGATION).
    type: { type: 'string', description: 'terms, date_histogram, stats or percentiles' },
    field: { type: 'string', description: 'Field to aggregate (terms, stats, percentiles)' },
    size: { type: 'integer', minimum: 1, description: 'terms: top N buckets (default 10; over the server\'s maximum, 1,000, is a 400 whatever the type)' },
    interval: {
      type: 'string',
      description: 'date_histogram: 30s, 1m, 1h, 1d or auto (default). Buckets are aligned to the UTC epoch at multiples of it: the first may start before from, '
        + 'the last end after to; every bucket holds part of the range and counts only the events inside it',
    },
    // Each form titled: a refusal says both (api-error.ts validationRefusal).
    percents: {
      anyOf: [
        { type: 'string', title: PERCENTS_FORMS[0] },
        { type: 'array', items: { type: 'number' }, title: PERCENTS_FORMS[1] },
      ],
      description: 'percentiles: comma-separated in a query string, a list of numbers in a JSON body (default 50,95,99)',
    },
    by: { type: 'string', description: 'The aggregation for each of this keyword field\'s top values (groups)' },
    by_size: { type: 'integer', minimum: 1, description: `by: how many groups, the field's most frequent values (default 10, at most ${MAX_GROUPS})` },
  },
} as const;

const AGGREGATE_DESCRIPTION = `The aggregation, with range, took_ms, warnings when a partition was left out (damaged, or one the server may not open), and commit_mark: ${COMMIT_MARK_SCHEMA.description}. `
  + 'With by: {by, groups: [{key, count, result}], other_count, missing_count}, groups by count, descending. The groups, other_count and missing_count '
  + 'come from a terms read of the by field, the results from one read of every group after it: during live ingest a result may hold events the terms read '
  + 'did not see. A date_histogram group\'s count is its buckets\' sum, so it agrees with its result; other types keep the terms count (a stats or '
  + 'percentiles count is of numeric values, terms count an array under each element)';

/** GET and POST /api/v1/aggregate: terms, date_histogram, stats, percentiles; with `by`, one per group (group-aggregate.ts). */
export function registerAggregateRoute(app: FastifyInstance, opts: AggregateRouteOptions): void {
  const handler = async (p: AggregateParams) => {
    const started = performance.now();
    const now = opts.now();
    const query = opts.compile(p.q ?? '');
    const range = resolveTimeRange(timeText(p.from), timeText(p.to), now, opts.defaultFrom, query);
    const agg = toSpec(p, range.to - range.from, opts.maxTermsSize);
    if ((agg.type === 'stats' || agg.type === 'percentiles') && (agg.field === 'message' || opts.textFields.includes(agg.field))) {
      throw notANumber(agg.type, agg.field, `"${agg.field}" is a text field`);
    }
    if (p.by !== undefined) {
      if (p.by_size !== undefined && p.by_size > MAX_GROUPS) {
        throw apiErrors.overMaximum('by_size', p.by_size, MAX_GROUPS, 'groups one aggregation answers; narrow the query to the groups you will show');
      }
      const by = { field: p.by, size: p.by_size ?? 10 };
      const { result: grouped, mark: groupedMark, leftOut: groupedLeftOut } = await readMarked(opts.gate, opts.commitMark, (signal) =>
        groupAggregate(opts.reader, { query, ...range, agg, now, signal }, by, opts.textFields).catch((err: unknown) => {
          throw err instanceof GroupByError ? apiErrors.badAggregation(err.message, { param: 'by', by: p.by }) : err;
        }),
      );
      return {
        type: agg.type, ...grouped, range: rangeAnswer(range), took_ms: Math.round((performance.now() - started) * 100) / 100,
        ...commitMarkField(groupedMark), ...warningsField(opts.reader, range, groupedLeftOut),
      };
    }
    if (p.by_size !== undefined) throw apiErrors.badParameter('by', 'by_size needs by, the field to group by');
    const { result, mark, leftOut } = await readMarked(opts.gate, opts.commitMark, (signal) => opts.reader.aggregate({ query, ...range, agg, now, signal }));
    if ((result.type === 'stats' || result.type === 'percentiles') && result.count === 0 && 'field' in agg) {
      // Nothing numeric: say so when the field is there but holds something else. The
      // field itself (`f:[* TO *]`), not `_exists_:f`, which counts the fields under it too.
      const exists: QueryNode = { type: 'range', field: agg.field, lower: null, upper: null, loc: { start: 0, end: 0 } };
      // With the read's list of what it left out: a locked day it left out is left out here too, not a 503 (read-left-out.ts).
      const present = await opts.gate.run((signal) =>
        collectingLeftOut(leftOut, () => opts.reader.count({ query: { type: 'and', children: [query, exists], loc: query.loc }, ...range, now, signal })),
      );
      if (present > 0) throw notANumber(agg.type, agg.field, `"${agg.field}" has ${present} values in the range and none is a number`);
    }
    return { ...result, range: rangeAnswer(range), took_ms: Math.round((performance.now() - started) * 100) / 100, ...commitMarkField(mark), ...warningsField(opts.reader, range, leftOut) };
  };
  const config = {
    scope: 'read' as const,
    largest: { size: opts.maxTermsSize, by_size: MAX_GROUPS },
    // The document names the four types the handler takes (it refuses others itself, with the list).
    openapi: { params: { type: { enum: [...AGGREGATION_TYPES] } } },
  };
  app.get<{ Querystring: AggregateParams }>('/api/v1/aggregate', {
    config, schema: { querystring: paramsSchema, summary: 'Aggregate events', description: AGGREGATE_DESCRIPTION },
  }, (req) => handler(req.query));
  app.post<{ Body: AggregateParams }>('/api/v1/aggregate', {
    config, schema: { body: paramsSchema, summary: 'Aggregate events (parameters as JSON body)', description: AGGREGATE_DESCRIPTION },
    preValidation: refuseQueryString,
    validatorCompiler: typedJsonBody,
  }, (req) => handler(req.body));
}

function needField(p: AggregateParams): string {
  if (!p.field) throw apiErrors.badParameter('field', `aggregation "${p.type}" needs a "field"`);
  return p.field;
}

function notANumber(type: string, field: string, why: string): Error {
  return apiErrors.badAggregation(`${type} needs a number field: ${why}; terms gives its top values`, {
    param: 'field',
    field,
    allowed: ['terms'],
  });
}

function toSpec(p: AggregateParams, rangeMs: number, maxTermsSize: number): AggregationSpec {
  if (!(AGGREGATION_TYPES as readonly string[]).includes(p.type)) {
    throw apiErrors.badAggregation(`"${p.type}" is not an aggregation type; use one of ${AGGREGATION_TYPES.join(', ')}`, {
      param: 'type',
      type: p.type,
      allowed: [...AGGREGATION_TYPES],
    });
  }
  // Whatever the type: the document gives size its maximum on every request,
  // and a date_histogram that took size=5000 answered 200 where that says 400.
  if (p.size !== undefined && p.size > maxTermsSize) {
    throw apiErrors.overMaximum('size', p.size, maxTermsSize, 'values terms answers (other_count counts the rest)');
  }
  switch (p.type) {
    case 'terms':
      return { type: 'terms', field: needField(p), size: p.size ?? 10 };
    case 'date_histogram':
      return { type: 'date_histogram', interval_ms: resolveInterval(p.interval, rangeMs) };
    case 'stats':
      return { type: 'stats', field: needField(p) };
    case 'percentiles': {
      // Each item must be written as a decimal: Number() takes '' (and so
      // `percents=` or `50,,99`) as 0, and hex or exponents as numbers.
      const percents = typeof p.percents === 'string'
        ? p.percents.split(',').map((x) => (DECIMAL.test(x.trim()) ? Number(x.trim()) : NaN))
        : (p.percents ?? [50, 95, 99]);
      if (percents.length === 0 || percents.some((x) => !Number.isFinite(x) || x < 0 || x > 100)) {
        throw apiErrors.badParameter('percents', `percents must be numbers from 0 to 100, as ${PERCENTS_FORMS.join(' or ')}, not ${JSON.stringify(p.percents)}`, p.percents);
      }
      return { type: 'percentiles', field: needField(p), percents };
    }
  }
}
