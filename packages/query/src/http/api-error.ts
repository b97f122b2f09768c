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
  LS_API_TOO_MANY_QUERIES: 503,
  LS_API_QUERY_TIMEOUT: 503,
  LS_API_TOO_MANY_STREAMS: 503,
  LS_API_TAIL_TOO_SLOW: null,
  LS_API_NOT_FOUND: 404,
  LS_API_BAD_BODY: 400,
  LS_API_UNSUPPORTED_MEDIA_TYPE: 415,
  LS_API_BODY_TOO_LARGE: 413,
  LS_API_HEADERS_TOO_LARGE: 431,
  LS_API_CLIENT_ERROR: 400,
  LS_API_INTERNAL: 500,
} as const);

export const apiErrors = {
  badTime: (param: string, value: string, reason: string) =>
    new ApiError('LS_API_BAD_TIME', 400, `"${param}" is not a date or date math expression (${value}): ${reason}`, { param, value }),
  badRange: (from: string, to: string) =>
    new ApiError('LS_API_BAD_RANGE', 400, `"from" (${from}) is after "to" (${to})`, { from, to }),
  unknownSavedQuery: (name: string) =>
    new ApiError('LS_API_UNKNOWN_SAVED_QUERY', 404, `no saved query named "${name}"`, { name }),
  badRequest: (message: string) => new ApiError('LS_API_BAD_REQUEST', 400, message),
  tooManyQueries: (limit: number) =>
    new ApiError('LS_API_TOO_MANY_QUERIES', 503, `more than ${limit} queries are running or waiting; retry shortly`, { retry_after_s: 1 }),
  queryTimeout: (timeoutMs: number) =>
    new ApiError('LS_API_QUERY_TIMEOUT', 503, `the query did not finish within ${timeoutMs} ms; narrow the time range or the query`, { timeout_ms: timeoutMs }),
  tooManyStreams: (limit: number) =>
    new ApiError('LS_API_TOO_MANY_STREAMS', 503, `at most ${limit} tail streams are open at once`, { retry_after_s: 5 }),
  tailTooSlow: () => ({ code: 'LS_API_TAIL_TOO_SLOW', message: 'client too slow; reconnect with Last-Event-ID' }),
  internal: () => ({ error: { code: 'LS_API_INTERNAL', message: 'internal error; see the server log' } }),
  notFound: (method: string, url: string) =>
    new ApiError('LS_API_NOT_FOUND', 404, `no route ${method} ${url.split('?')[0]}`, { method }),
  badBody: (reason: string) => new ApiError('LS_API_BAD_BODY', 400, `the request body cannot be read: ${reason}`),
  unsupportedMediaType: (type: string) =>
    new ApiError('LS_API_UNSUPPORTED_MEDIA_TYPE', 415, `Content-Type "${type}" is not supported here; send application/json`),
  bodyTooLarge: () => new ApiError('LS_API_BODY_TOO_LARGE', 413, 'the request body is over the server\'s limit'),
} as const;

/**
 * Fastify's own 4xx errors (body parsing, media type, body size, a bad URL)
 * in our shape and codes, so a client reads one format whatever refused its
 * request. Null for anything else.
 */
export function fromFastifyError(err: { code?: unknown; statusCode?: unknown; message: string }, contentType?: string): ApiError | null {
  if (typeof err.code !== 'string' || !err.code.startsWith('FST_')) return null;
  if (typeof err.statusCode !== 'number' || err.statusCode < 400 || err.statusCode >= 500) return null;
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return apiErrors.unsupportedMediaType(contentType ?? '');
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return apiErrors.bodyTooLarge();
  if (err.code.startsWith('FST_ERR_CTP_') || err.statusCode === 400) return apiErrors.badBody(err.message);
  return new ApiError('LS_API_BAD_REQUEST', 400, err.message);
}

/**
 * Answers an HTTP parse error on the raw socket (fastify's
 * `clientErrorHandler`: the request never became a request, so no route
 * or error handler sees it), in the same `{error:{code,message}}` shape.
 */
export function answerClientError(err: { code?: unknown }, socket: import('node:net').Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, text, body] = err.code === 'HPE_HEADER_OVERFLOW'
    ? [431, 'Request Header Fields Too Large', { code: 'LS_API_HEADERS_TOO_LARGE', message: 'the request headers are over the server\'s limit' }]
    : [400, 'Bad Request', { code: 'LS_API_CLIENT_ERROR', message: 'the request is not valid HTTP' }];
  const json = JSON.stringify({ error: body });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${text}\r\nContent-Length: ${Buffer.byteLength(json)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${json}`);
  }
  socket.destroy();
}
