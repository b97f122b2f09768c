/**
 * Errors the query HTTP API answers with. Each has a stable code and an HTTP
 * status; the JSON body is `{ "error": { "code", "message", ...details } }`.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly details: Record<string, unknown>;

  constructor(code: string, statusCode: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = statusCode;
    this.details = details;
  }

  toJSON(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

/**
 * Every code the query API answers with, and its HTTP status (null: sent as
 * an `event: error` inside a tail stream). docs/ERRORS.md lists exactly these;
 * api-error.test.ts checks both ways.
 */
export const API_ERROR_CODES = Object.freeze({
  LS_API_BAD_REQUEST: 400,
  LS_API_BAD_TIME: 400,
  LS_API_BAD_RANGE: 400,
  LS_API_UNKNOWN_SAVED_QUERY: 404,
  LS_CONTEXT_NOT_FOUND: 404,
  LS_API_TOO_MANY_QUERIES: 503,
  LS_API_QUERY_TIMEOUT: 503,
  LS_API_TOO_MANY_STREAMS: 503,
  LS_API_TAIL_TOO_SLOW: null,
  LS_API_INTERNAL: 500,
} as const);

export const apiErrors = {
  badTime: (param: string, value: string, reason: string) =>
    new ApiError('LS_API_BAD_TIME', 400, `"${param}" is not a date or date math expression (${value}): ${reason}`, { param, value }),
  badRange: (from: string, to: string) =>
    new ApiError('LS_API_BAD_RANGE', 400, `"from" (${from}) is after "to" (${to})`, { from, to }),
  unknownSavedQuery: (name: string) =>
    new ApiError('LS_API_UNKNOWN_SAVED_QUERY', 404, `no saved query named "${name}"`, { name }),
  contextNotFound: (id: string, ts: string) =>
    new ApiError('LS_CONTEXT_NOT_FOUND', 404, `no event with event.id "${id}" at ${ts}`, { id, ts }),
  badRequest: (message: string) => new ApiError('LS_API_BAD_REQUEST', 400, message),
  tooManyQueries: (limit: number) =>
    new ApiError('LS_API_TOO_MANY_QUERIES', 503, `more than ${limit} queries are running or waiting; retry shortly`, { retry_after_s: 1 }),
  queryTimeout: (timeoutMs: number) =>
    new ApiError('LS_API_QUERY_TIMEOUT', 503, `the query did not finish within ${timeoutMs} ms; narrow the time range or the query`, { timeout_ms: timeoutMs }),
  tooManyStreams: (limit: number) =>
    new ApiError('LS_API_TOO_MANY_STREAMS', 503, `at most ${limit} tail streams are open at once`, { retry_after_s: 5 }),
  tailTooSlow: () => ({ code: 'LS_API_TAIL_TOO_SLOW', message: 'client too slow; reconnect with Last-Event-ID' }),
  internal: () => ({ error: { code: 'LS_API_INTERNAL', message: 'internal error; see the server log' } }),
} as const;
