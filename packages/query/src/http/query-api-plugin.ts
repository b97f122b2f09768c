/**
 * The query HTTP API as a fastify plugin. The server (packages/ingest)
 * registers it next to the ingest route; its auth hook reads each route's
 * `config.scope` ('read' here).
 *
 *   GET|POST /api/v1/search      q, from, to, limit, sort, fields, cursor
 *   GET|POST /api/v1/aggregate   q, from, to, type, field, size, interval, percents
 *   GET      /api/v1/tail        q, after / Last-Event-ID → server-sent events
 *   GET      /api/v1/queries     saved queries (built-in + configured)
 *   GET      /api/v1/queries/:name/search   the saved query AND q; search's other parameters
 *   GET      /api/v1/fields      q, from, to → field names, types, counts
 *   GET      /api/v1/fields/:name/values   q, from, to, size → top values
 *   GET      /api/v1/context     id, ts, before, after → events around one
 */
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { LogReader } from '../log-reader.js';
import { DEFAULT_TEXT_FIELDS } from '../fields.js';
import { ApiError, apiErrors, fromFastifyError, validationRefusal } from './api-error.js';
import { registerAggregateRoute } from './aggregate-route.js';
import { registerContextRoute } from './context-route.js';
import { registerFieldsRoutes } from './fields-route.js';
import { checkIntegerParams } from './integer-params.js';
import { commitMarker } from './commit-mark.js';
import { makeQueryCompiler } from './query-compiler.js';
import { registerSavedQueryRoutes } from './saved-query-routes.js';
import { savedQueryMap } from './saved-queries.js';
import { registerSearchRoute } from './search-route.js';
import { QueryGate } from './query-gate.js';
import type { LiveFeed } from './live-feed.js';
import { registerTailRoute } from './tail-route.js';

export interface QueryApiOptions {
  reader: LogReader;
  /** The clock for `now` in date math; injectable for tests. */
  now?: () => number;
  /** User-defined saved queries; they override built-ins of the same name. */
  savedQueries?: Record<string, string>;
  defaultLimit?: number;
  maxLimit?: number;
  /** Default start of the time range when `from` is not given. */
  defaultFrom?: string;
  /** Newly committed events, for /api/v1/tail; without it the route is absent. */
  feed?: LiveFeed;
  tailHeartbeatMs?: number;
  /** How long one tail stream lasts before it ends with `event: end` (default an hour, as Loki's tail_max_duration); 0: no limit. */
  tailMaxDurationMs?: number;
  /** How long a reader of a tail the server closed has to take what was written for it (default 60 s); then its connection is dropped. */
  tailLingerMs?: number;
  /** Events in each of the (at most 100) pages of a resumed tail's replay from the store (default 1,000). */
  tailReplayPageSize?: number;
  /** Searches and aggregations running at once (default 4), and waiting (default 64). */
  maxConcurrentQueries?: number;
  maxQueuedQueries?: number;
  /** Per-query deadline in ms, queueing included (default 30 000): then 503 LS_API_QUERY_TIMEOUT. */
  queryTimeoutMs?: number;
  /**
   * The text fields free text searches (server `search.text_fields`),
   * for what the plugin matches itself (tail) and tells (the fields
   * answer's `text_fields`); the reader has its own.
   */
  textFields?: readonly string[];
}

export const queryApiPlugin: FastifyPluginAsync<QueryApiOptions> = async (app, opts) => {
  const now = opts.now ?? Date.now;
  const saved = savedQueryMap(opts.savedQueries);
  const compile = makeQueryCompiler(saved);
  const defaultFrom = opts.defaultFrom ?? 'now-15m';
  app.setErrorHandler(queryErrorHandler);
  // Before any route: each integer in a query string is decimal digits, not whatever `+text` reads.
  checkIntegerParams(app);
  // The API's JSON bodies are small, and fastify's parser reads them as they
  // are: a gzip body failed as bad JSON, and a plain one labelled gzip was
  // read as plain. A body-carrying request that says it is encoded is
  // refused by name instead (ingest routes, which gunzip, are not here).
  app.addHook('onRequest', async (request) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding === undefined || encoding === '' || encoding === 'identity') return;
    if (request.method === 'GET' || request.method === 'HEAD') return;
    throw apiErrors.unsupportedEncoding(encoding);
  });
  const gate = new QueryGate({
    maxConcurrent: opts.maxConcurrentQueries ?? 4,
    maxQueued: opts.maxQueuedQueries ?? 64,
    timeoutMs: opts.queryTimeoutMs ?? 30_000,
  });
  const maxLimit = opts.maxLimit ?? 10_000;
  // The answers' commit_mark: only with a feed, whose events the page adds to them.
  const commitMark = commitMarker(opts.feed, opts.reader);
  const search = registerSearchRoute(app, {
    reader: opts.reader, now, compile, defaultFrom, gate, commitMark,
    defaultLimit: opts.defaultLimit ?? 100,
    maxLimit,
  });
  registerAggregateRoute(app, {
    reader: opts.reader, now, compile, defaultFrom, gate, maxTermsSize: 1000, commitMark,
    textFields: opts.textFields ?? DEFAULT_TEXT_FIELDS,
  });
  registerFieldsRoutes(app, { reader: opts.reader, now, compile, defaultFrom, gate, maxValues: 1000, commitMark, textFields: opts.textFields ?? DEFAULT_TEXT_FIELDS });
  registerContextRoute(app, { reader: opts.reader, now, gate, maxEvents: 500 });
  registerSavedQueryRoutes(app, { saved, compile, search, maxLimit });
  if (opts.feed) {
    registerTailRoute(app, {
      reader: opts.reader, feed: opts.feed, now, compile,
      ...(opts.textFields ? { textFields: opts.textFields } : {}),
      heartbeatMs: opts.tailHeartbeatMs ?? 15_000, maxQueue: 10_000, maxStreams: 100,
      maxDurationMs: opts.tailMaxDurationMs ?? 3_600_000, lingerMs: opts.tailLingerMs ?? 60_000,
      replayPageSize: opts.tailReplayPageSize ?? 1_000,
    });
  }
};

interface CodedShape {
  code?: unknown;
  statusCode?: unknown;
  retryAfterS?: unknown;
  message: string;
}

/** Query errors (syntax, limits, unsupported) carry their position fields; they are the user's mistake: 400. */
const QUERY_ERROR_FIELDS = ['offset', 'line', 'column', 'expected', 'found', 'caret', 'limit'] as const;

/** A store's refusal of one parameter, named in `param` as the routes' own refusals name theirs. */
const STORE_PARAMS: Readonly<Record<string, string>> = { LS_STORE_BAD_CURSOR: 'cursor' };

export function queryErrorHandler(this: FastifyInstance, err: FastifyError | Error, _req: unknown, reply: import('fastify').FastifyReply): void {
  if (err instanceof ApiError) {
    const retry = err.details.retry_after_s;
    if (typeof retry === 'number') void reply.header('retry-after', String(retry));
    void reply.status(err.statusCode).send(err.toJSON());
    return;
  }
  const coded = err as CodedShape;
  if (typeof coded.code === 'string' && coded.code.startsWith('LS_QUERY_')) {
    const details: Record<string, unknown> = {};
    for (const k of QUERY_ERROR_FIELDS) {
      const v = (err as unknown as Record<string, unknown>)[k];
      if (v !== undefined) details[k] = v;
    }
    // Every query this API parses is its `q` (a saved query's text is checked as the config loads).
    void reply.status(400).send({ error: { code: coded.code, message: err.message, param: 'q', ...details } });
    return;
  }
  if ('validation' in err && err.validation) {
    void reply.status(400).send(validationRefusal(err, reply.request).toJSON());
    return;
  }
  const refused = fromFastifyError(coded, reply.request.headers['content-type']);
  if (refused) {
    void reply.status(refused.statusCode).send(refused.toJSON());
    return;
  }
  // Coded errors of the server's own rooms (a store's LS_STORE_*, LS_ES_*) carry their status.
  if (typeof coded.code === 'string' && coded.code.startsWith('LS_') && typeof coded.statusCode === 'number') {
    if (typeof coded.retryAfterS === 'number') void reply.header('retry-after', String(Math.ceil(coded.retryAfterS)));
    // A 500 the operator cannot see in the log (a corrupt partition file,
    // a failing query) is one no one fixes: server errors are logged with
    // their stack; a 503 (busy, timed out, shutting down) as a warning.
    if (coded.statusCode === 503) reply.log.warn({ code: coded.code, message: err.message }, 'Query API request answered 503.');
    else if (coded.statusCode >= 500) reply.log.error({ err }, 'Query API request failed.');
    const param = STORE_PARAMS[coded.code];
    void reply.status(coded.statusCode).send({ error: { code: coded.code, message: err.message, ...(param !== undefined ? { param } : {}) } });
    return;
  }
  this.log.error({ err }, 'query API request failed');
  void reply.status(500).send(apiErrors.internal());
}
