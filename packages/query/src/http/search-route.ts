import './route-config.js';
import type { FastifyInstance } from 'fastify';
import type { QueryNode } from '../ast.js';
import { warningsField, type LogReader, type SortOrder } from '../log-reader.js';
import { RANGE_SCHEMA, TIME_PARAM, WARNINGS_SCHEMA, rangeAnswer, resolveTimeRange, timeText } from './time-range.js';
import { commitMarkField, COMMIT_MARK_SCHEMA, readMarked, type CommitMarker } from './commit-mark.js';
import type { QueryCompiler } from './query-compiler.js';
import { refuseQueryString, typedJsonBody } from './json-body.js';
import { apiErrors } from './api-error.js';
import type { QueryGate } from './query-gate.js';
import { canonicalSortParam } from './sort-param.js';

export interface SearchRouteOptions {
  reader: LogReader;
  now: () => number;
  compile: QueryCompiler;
  gate: QueryGate;
  defaultLimit: number;
  maxLimit: number;
  defaultFrom: string;
  /** The answer's `commit_mark` (commit-mark.ts). */
  commitMark: CommitMarker;
}

export interface SearchParams {
  q?: string;
  from?: string | number;
  to?: string | number;
  limit?: number;
  sort?: SortOrder;
  fields?: string | string[];
  cursor?: string;
}

/** The parameters, as query string (GET) or JSON body (POST); the saved-query route takes them too. */
export const SEARCH_PARAMS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', description: 'Query in the logship language; empty or * matches everything' },
    from: {
      ...TIME_PARAM,
      description: "Start of the time range: ISO date, epoch ms or date math (default: the query's own @timestamp bound, else now-15m)",
    },
    to: { ...TIME_PARAM, description: "End of the time range, inclusive (default: the query's own @timestamp bound, else now)" },
    limit: { type: 'integer', minimum: 1, description: 'Maximum hits (default 100; over the server\'s maximum, 10,000, is a 400: page on with cursor)' },
    sort: { type: 'string', enum: ['desc', 'asc'], description: 'By @timestamp (default desc: newest first); any case, and @timestamp:desc, are taken' },
    fields: {
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      description: 'Projection: comma-separated field names to return (with @timestamp and event.id); * for every field (the default)',
    },
    cursor: { type: 'string', description: 'next_cursor of the previous page' },
  },
} as const;

export const SEARCH_RESPONSE_SCHEMA = {
  200: {
    type: 'object',
    properties: {
      hits: { type: 'array', items: { type: 'object', additionalProperties: true } },
      total: {
        type: 'object',
        properties: { value: { type: 'integer' }, relation: { type: 'string', enum: ['eq', 'gte'] } },
      },
      range: RANGE_SCHEMA,
      took_ms: { type: 'number' },
      next_cursor: { type: ['string', 'null'] },
      commit_mark: COMMIT_MARK_SCHEMA,
      warnings: WARNINGS_SCHEMA,
    },
  },
} as const;

/** Runs a search of an already compiled query with the other parameters of the request. */
export type SearchHandler = (params: SearchParams, query: QueryNode) => Promise<Record<string, unknown>>;

/**
 * GET and POST /api/v1/search: the same parameters as query string or JSON
 * body. Returns the handler, for the saved-query route to run its query.
 */
export function registerSearchRoute(app: FastifyInstance, opts: SearchRouteOptions): SearchHandler {
  const handler: SearchHandler = async (params, query) => {
    const started = performance.now();
    if (params.limit !== undefined && params.limit > opts.maxLimit) {
      throw apiErrors.overMaximum('limit', params.limit, opts.maxLimit, `events one page holds; ask for at most ${opts.maxLimit} and page on with next_cursor`);
    }
    const now = opts.now();
    const range = resolveTimeRange(timeText(params.from), timeText(params.to), now, opts.defaultFrom, query);
    const fields = typeof params.fields === 'string'
      ? params.fields.split(',').map((f) => f.trim()).filter(Boolean)
      : params.fields;
    // `*` is every field (the CLI's --fields *, Elasticsearch's _source), not a field named "*".
    const projected = fields && fields.length > 0 && !fields.includes('*');
    const { result, mark, leftOut } = await readMarked(opts.gate, opts.commitMark, (signal) => opts.reader.search({
      query,
      ...range,
      limit: params.limit ?? opts.defaultLimit,
      sort: params.sort ?? 'desc',
      cursor: params.cursor ?? null,
      ...(projected ? { fields } : {}),
      now,
      signal,
    }));
    return {
      hits: result.hits,
      total: result.total,
      range: rangeAnswer(range),
      took_ms: Math.round((performance.now() - started) * 100) / 100,
      next_cursor: result.next_cursor,
      ...commitMarkField(mark),
      ...warningsField(opts.reader, range, leftOut),
    };
  };
  const common = { config: { scope: 'read' as const, largest: { limit: opts.maxLimit } }, schema: { response: SEARCH_RESPONSE_SCHEMA } };
  app.get<{ Querystring: SearchParams }>('/api/v1/search', {
    ...common,
    schema: { ...common.schema, querystring: SEARCH_PARAMS_SCHEMA, summary: 'Search events' },
    preValidation: canonicalSortParam,
  }, (req) => handler(req.query, opts.compile(req.query.q ?? '')));
  app.post<{ Body: SearchParams }>('/api/v1/search', {
    ...common,
    schema: { ...common.schema, body: SEARCH_PARAMS_SCHEMA, summary: 'Search events (parameters as JSON body)' },
    preValidation: [refuseQueryString, canonicalSortParam],
    validatorCompiler: typedJsonBody,
  }, (req) => {
    const params = req.body ?? {};
    return handler(params, opts.compile(params.q ?? ''));
  });
  return handler;
}
