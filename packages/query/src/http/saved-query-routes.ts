import './route-config.js';
import type { FastifyInstance } from 'fastify';
import type { QueryNode } from '../ast.js';
import { apiErrors } from './api-error.js';
import type { QueryCompiler } from './query-compiler.js';
import { canonicalSortParam } from './sort-param.js';
import { SEARCH_PARAMS_SCHEMA, SEARCH_RESPONSE_SCHEMA, type SearchHandler, type SearchParams } from './search-route.js';

export interface SavedQueryRouteOptions {
  saved: ReadonlyMap<string, string>;
  compile: QueryCompiler;
  /** The search route's handler: one implementation of search (limits, range, cursor). */
  search: SearchHandler;
  /** Search's largest `limit`, which the search handler refuses past. */
  maxLimit: number;
}

/**
 * GET /api/v1/queries lists saved queries; GET /api/v1/queries/NAME/search
 * runs one with the search parameters, its `q` narrowing it: the saved
 * query AND q, as `q=@NAME AND (q)` would on /api/v1/search.
 */
export function registerSavedQueryRoutes(app: FastifyInstance, opts: SavedQueryRouteOptions): void {
  app.get('/api/v1/queries', {
    config: { scope: 'read' },
    schema: { summary: 'List saved queries' },
  }, async () => ({
    queries: [...opts.saved].map(([name, query]) => ({ name, query })),
  }));
  app.get<{ Params: { name: string }; Querystring: SearchParams }>('/api/v1/queries/:name/search', {
    config: { scope: 'read', largest: { limit: opts.maxLimit } },
    schema: {
      summary: 'Run a saved query',
      description: 'The search parameters; q, when given, is ANDed with the saved query.',
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', description: 'Saved query name' } } },
      querystring: SEARCH_PARAMS_SCHEMA,
      response: SEARCH_RESPONSE_SCHEMA,
    },
    preValidation: canonicalSortParam,
  }, async (req) => {
    const { name } = req.params;
    const text = opts.saved.get(name);
    if (text === undefined) throw apiErrors.savedQueryNotFound(name, opts.saved.keys());
    // The request's q is compiled on its own, so that a syntax error points
    // into it and it stays one operand of the AND, whatever it holds. The
    // saved text is compiled as it is, not as `@NAME`: a configured name
    // need not be a valid @reference (`5xx`).
    const savedQuery = opts.compile(text);
    const own = req.query.q ?? '';
    const query: QueryNode = own.trim() === ''
      ? savedQuery
      : { type: 'and', children: [savedQuery, opts.compile(own)], loc: { start: 0, end: own.length } };
    return opts.search(req.query, query);
  });
}
