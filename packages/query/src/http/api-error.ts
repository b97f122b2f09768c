/**
 * Errors the query HTTP API answers with, made by the package's factory
 * (define-error.ts): each has a stable code, a message template and an HTTP
 * status; the JSON body is `{ "error": { "code", "message", ...details } }`.
 * docs/ERRORS.md lists exactly these codes; api-error.test.ts checks both
 * ways.
 */
import { CodedError, defineError, type ErrorFactory } from '../define-error.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { nearestName } from '../nearest-name.js';
import { API_WORDS, backwardsRange } from './backwards-range.js';
import { peerParamHint } from './peer-params.js';

export class ApiError extends CodedError {
  readonly details: Record<string, unknown>;

  constructor(factory: ErrorFactory, args: readonly unknown[], details: Record<string, unknown> = {}) {
    super(factory, factory.format(...args));
    this.name = 'ApiError';
    this.details = details;
  }

  toJSON(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

const API = {
  badRequest: defineError('LS_API_BAD_REQUEST', '%s', 400),
  badTime: defineError('LS_API_BAD_TIME', '"%s" is not a date or date math expression (%s): %s', 400),
  badRange: defineError('LS_API_BAD_RANGE', 'the time range is backwards: %s', 400),
  // `q=@nosuch` is a bad parameter of the request (400), as a syntax error in q is; the
  // route /api/v1/queries/NAME/search names a thing that is not there (404).
  unknownSavedQuery: defineError('LS_API_UNKNOWN_SAVED_QUERY', 'no saved query named "%s"', 400),
  savedQueryNotFound: defineError('LS_API_SAVED_QUERY_NOT_FOUND', 'no saved query named "%s"', 404),
  contextNotFound: defineError('LS_CONTEXT_NOT_FOUND', 'no event with event.id "%s" at %s', 404),
  badAggregation: defineError('LS_API_BAD_AGGREGATION', '%s', 400),
  tooManyQueries: defineError('LS_API_TOO_MANY_QUERIES', 'more than %s queries are running or waiting; retry shortly', 503, { retryable: true }),
  queryTimeout: defineError(
    'LS_API_QUERY_TIMEOUT',
    'the query did not finish within %s ms; narrow the time range or the query',
    503,
    { retryable: true },
  ),
  tooManyStreams: defineError('LS_API_TOO_MANY_STREAMS', 'at most %s tail streams are open at once', 503, { retryable: true }),
  tailTooSlow: defineError('LS_API_TAIL_TOO_SLOW', 'client too slow; reconnect with Last-Event-ID', null, { retryable: true }),
  notFound: defineError('LS_API_NOT_FOUND', 'no route %s %s', 404),
  methodNotAllowed: defineError('LS_API_METHOD_NOT_ALLOWED', '%s %s: this path takes %s', 405),
  badBody: defineError('LS_API_BAD_BODY', 'the request body cannot be read: %s', 400),
  unsupportedMediaType: defineError('LS_API_UNSUPPORTED_MEDIA_TYPE', 'Content-Type "%s" is not supported here; send application/json', 415),
  unsupportedEncoding: defineError('LS_API_UNSUPPORTED_ENCODING', 'Content-Encoding "%s" is not supported here; send the JSON body uncompressed', 415),
  bodyTooLarge: defineError('LS_API_BODY_TOO_LARGE', "the request body is over the server's limit", 413),
  headersTooLarge: defineError('LS_API_HEADERS_TOO_LARGE', "the request headers are over the server's limit", 431),
  pathTooLong: defineError('LS_API_PATH_TOO_LONG', 'a path parameter is over %s characters', 414),
  clientError: defineError('LS_API_CLIENT_ERROR', 'the request is not valid HTTP', 400),
  internal: defineError('LS_API_INTERNAL', 'internal error; see the server log', 500),
} as const;

/** Every code the query API answers with, and its HTTP status (null: sent as an `event: error` inside a tail stream). */
export const API_ERROR_CODES: Readonly<Record<string, number | null>> = Object.freeze(
  Object.fromEntries(Object.values(API).map((d) => [d.code, d.statusCode])),
);

function nearestSaved(name: string, known: Iterable<string>): { did_you_mean?: string } {
  const near = nearestName(name, known);
  return near === null ? {} : { did_you_mean: `@${near}` };
}

export const apiErrors = {
  badTime: (param: string, value: string, reason: string) => new ApiError(API.badTime, [param, value, reason], { param, value }),
  /** `to_default`: the request gave no `to` (now), and `from` is in the future. */
  badRange: (from: string, to: string, toDefaulted: boolean) =>
    new ApiError(API.badRange, [backwardsRange(from, to, toDefaulted, API_WORDS)], { from, to, ...(toDefaulted ? { to_default: true } : {}) }),
  /**
   * `did_you_mean`: the saved query nearest the name (`@eror` → `@errors`),
   * when one is close enough, by the nearest-name rule the page and the CLI
   * use for field names. Not in the message: the page adds its own.
   */
  unknownSavedQuery: (name: string, known: Iterable<string>) =>
    new ApiError(API.unknownSavedQuery, [name], { param: 'q', name, ...nearestSaved(name, known) }),
  savedQueryNotFound: (name: string, known: Iterable<string>) =>
    new ApiError(API.savedQueryNotFound, [name], { name, ...nearestSaved(name, known) }),
  contextNotFound: (id: string, ts: string) => new ApiError(API.contextNotFound, [id, ts], { id, ts }),
  badRequest: (message: string) => new ApiError(API.badRequest, [message]),
  /** An integer parameter not written in decimal digits (`limit=0x10`, `1e2`, `5.0`); `range` says what it takes. */
  badInteger: (param: string, value: string, range: string) =>
    new ApiError(API.badRequest, [`${param} "${value}" is not a whole number in decimal digits; ${param} takes digits only, ${range}`], { param, value }),
  /**
   * A number over what one answer holds (`limit=20000`), refused as
   * Elasticsearch refuses past max_result_window: a cut answered 200 read as
   * all there was. `how` says how to get more.
   */
  overMaximum: (param: string, value: number, maximum: number, how: string) =>
    new ApiError(API.badRequest, [`${param} ${value} is over ${maximum}, the most ${how}`], { param, maximum }),
  /** An aggregation that cannot be answered as asked; `allowed` says what can. */
  badAggregation: (message: string, details: Record<string, unknown>) => new ApiError(API.badAggregation, [message], details),
  tooManyQueries: (limit: number) => new ApiError(API.tooManyQueries, [limit], { retry_after_s: 1 }),
  queryTimeout: (timeoutMs: number) => new ApiError(API.queryTimeout, [timeoutMs], { timeout_ms: timeoutMs }),
  tooManyStreams: (limit: number) => new ApiError(API.tooManyStreams, [limit], { retry_after_s: 5 }),
  /** The `event: error` frame's data: `retryable` tells a reader that resuming the stream goes on. */
  tailTooSlow: () => ({ code: API.tailTooSlow.code, message: API.tailTooSlow.format(), retryable: API.tailTooSlow.retryable }),
  internal: () => new ApiError(API.internal, []).toJSON(),
  notFound: (method: string, url: string) => new ApiError(API.notFound, [method, url.split('?')[0]], { method }),
  /** A path a route has, asked with a method it does not take; `allow` is the `Allow` header's list. */
  methodNotAllowed: (method: string, url: string, allow: readonly string[]) =>
    new ApiError(API.methodNotAllowed, [method, url.split('?')[0], allow.join(', ')], { method, allow }),
  badBody: (reason: string) => new ApiError(API.badBody, [reason]),
  unsupportedMediaType: (type: string) => new ApiError(API.unsupportedMediaType, [type]),
  unsupportedEncoding: (encoding: string) => new ApiError(API.unsupportedEncoding, [encoding]),
  bodyTooLarge: () => new ApiError(API.bodyTooLarge, []),
} as const;

/**
 * The longest path parameter the server's router takes (fastify's
 * `routerOptions.maxParamLength`, which the server sets to this; its default
 * is 100): a field name in /api/v1/fields/NAME/values, a saved-query name.
 * Ingest caps no field name (only the line, `limits.max_line_bytes`), and
 * flattened nested JSON or OpenTelemetry attributes make names of hundreds
 * of characters that search and aggregate take; the longest query is the
 * bound, as a longer name could not be searched by name either.
 */
export const MAX_PATH_PARAM_LENGTH = DEFAULT_LIMITS.maxLength;

/**
 * Fastify's own 4xx errors (body parsing, media type, body size, a bad URL,
 * a path parameter too long) in our shape and codes, so a client reads one
 * format whatever refused its request. Null for anything else. The server
 * passes the router's own (bad URL, long parameter) here through fastify's
 * `frameworkErrors` option, as they reach no error handler.
 */
export function fromFastifyError(
  err: { code?: unknown; statusCode?: unknown; message: string; validation?: unknown; validationContext?: unknown },
  contentType?: string,
): ApiError | null {
  if (typeof err.code !== 'string' || !err.code.startsWith('FST_')) return null;
  if (typeof err.statusCode !== 'number' || err.statusCode < 400 || err.statusCode >= 500) return null;
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return apiErrors.unsupportedMediaType(contentType ?? '');
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return apiErrors.bodyTooLarge();
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return new ApiError(API.pathTooLong, [MAX_PATH_PARAM_LENGTH], { limit: MAX_PATH_PARAM_LENGTH });
  if (err.code.startsWith('FST_ERR_CTP_')) return apiErrors.badBody(err.message);
  return validationRefusal(err);
}

/** A request its route's schema refused, as LS_API_BAD_REQUEST; a parameter the route does not take is named. */
export function validationRefusal(err: { message: string; validation?: unknown; validationContext?: unknown }, query?: unknown): ApiError {
  // `?from=now-1h&from=now-2h` (a URL built by appending): ajv's "must be string, must be number, must match a schema in anyOf" named no cause.
  if (err.validationContext === 'querystring' && query !== null && typeof query === 'object') {
    const repeated = Object.entries(query).find(([, v]) => Array.isArray(v));
    if (repeated) return apiErrors.badRequest(`"${repeated[0]}" is given ${(repeated[1] as unknown[]).length} times; give each parameter once (${err.message})`);
  }
  const unknown = unknownParameter(err.validation);
  if (unknown === null) {
    // ajv's "must be equal to one of the allowed values" (`sort=newest`) named none of them.
    const allowed = allowedValues(err.validation);
    return apiErrors.badRequest(allowed === null ? err.message : `${err.message}: ${allowed.join(', ')}`);
  }
  const where = typeof err.validationContext === 'string' ? err.validationContext : 'the request';
  const peer = peerParamHint(unknown);
  return apiErrors.badRequest(`${where} has a parameter this route does not take: ${JSON.stringify(unknown)} (${err.message})${peer === null ? '' : `; ${peer}`}`);
}

/**
 * The name behind ajv's "must NOT have additional properties", which says
 * that one was refused but not which (`limt=5`); null for other failures.
 */
function unknownParameter(validation: unknown): string | null {
  if (!Array.isArray(validation)) return null;
  for (const v of validation as { keyword?: unknown; params?: { additionalProperty?: unknown } }[]) {
    if (v.keyword === 'additionalProperties' && typeof v.params?.additionalProperty === 'string') return v.params.additionalProperty;
  }
  return null;
}

/** The values an `enum` failure allows, or null for other failures. */
function allowedValues(validation: unknown): string[] | null {
  if (!Array.isArray(validation)) return null;
  for (const v of validation as { keyword?: unknown; params?: { allowedValues?: unknown } }[]) {
    if (v.keyword === 'enum' && Array.isArray(v.params?.allowedValues)) return v.params.allowedValues.map((a) => String(a));
  }
  return null;
}

/**
 * Answers an HTTP parse error on the raw socket (fastify's
 * `clientErrorHandler`: the request never became a request, so no route
 * or error handler sees it), in the same `{error:{code,message}}` shape.
 */
export function answerClientError(err: { code?: unknown }, socket: import('node:net').Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [answer, text] = err.code === 'HPE_HEADER_OVERFLOW'
    ? [new ApiError(API.headersTooLarge, []), 'Request Header Fields Too Large']
    : [new ApiError(API.clientError, []), 'Bad Request'];
  const status = answer.statusCode;
  const json = JSON.stringify(answer.toJSON());
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${text}\r\nContent-Length: ${Buffer.byteLength(json)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${json}`);
  }
  socket.destroy();
}
