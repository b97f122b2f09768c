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
  /**
   * `to_default`: the request gave no `to` (now), and `from` is in the future.
   * `param` is `from`, the one to change (the message names both): a later
   * `from` or a `to` left out is what makes a range backwards more often
   * than a `to` typed too early, and a client marks one field.
   */
  badRange: (from: string, to: string, toDefaulted: boolean) =>
    new ApiError(API.badRange, [backwardsRange(from, to, toDefaulted, API_WORDS)], { param: 'from', from, to, ...(toDefaulted ? { to_default: true } : {}) }),
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
  /** A parameter the route refused, named in `param` (and its `value`, when one was given), as the handlers' own refusals name theirs. */
  badParameter: (param: string, message: string, value?: unknown) =>
    new ApiError(API.badRequest, [message], { param, ...(value === undefined ? {} : { value }) }),
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
  request?: RefusedRequest,
): ApiError | null {
  if (typeof err.code !== 'string' || !err.code.startsWith('FST_')) return null;
  if (typeof err.statusCode !== 'number' || err.statusCode < 400 || err.statusCode >= 500) return null;
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return apiErrors.unsupportedMediaType(contentType ?? '');
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return apiErrors.bodyTooLarge();
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return new ApiError(API.pathTooLong, [MAX_PATH_PARAM_LENGTH], { limit: MAX_PATH_PARAM_LENGTH });
  if (err.code.startsWith('FST_ERR_CTP_')) return apiErrors.badBody(err.message);
  return validationRefusal(err, request);
}

/** What a refused request held: the part the schema checked, and that part's schema (for names and descriptions). */
export interface RefusedRequest {
  query?: unknown;
  body?: unknown;
  params?: unknown;
  routeOptions?: { schema?: unknown };
}

interface AjvError {
  keyword?: unknown;
  instancePath?: unknown;
  message?: unknown;
  params?: Record<string, unknown>;
}

/** ajv's validationContext → the request's part and the route schema's key for it. */
const PARTS: Readonly<Record<string, readonly ['query' | 'body' | 'params', string, string]>> = {
  querystring: ['query', 'querystring', 'the query string'],
  body: ['body', 'body', 'the body'],
  params: ['params', 'params', 'the path'],
};

const TYPE_WORDS: Readonly<Record<string, string>> = {
  integer: 'a whole number', number: 'a number', string: 'a string', boolean: 'true or false', object: 'an object', array: 'a list', null: 'null',
};

/** A parameter's forms in words, when its schema is an anyOf whose branches each have a `title`. */
function formTitles(schema: unknown): string[] | null {
  const branches = (schema as { anyOf?: unknown } | undefined)?.anyOf;
  if (!Array.isArray(branches) || branches.length === 0) return null;
  const titles = branches.map((b) => (b as { title?: unknown }).title);
  return titles.every((t): t is string => typeof t === 'string') ? titles : null;
}

/** `a`, `a or b`, `a, b or c`. */
function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/**
 * A request its route's schema refused, as LS_API_BAD_REQUEST in words and
 * with the `param` at fault: ajv's own ("querystring/sort must be equal to
 * one of the allowed values", "querystring must have required property
 * 'ts'") named the schema, not the parameter, and no `param` came with
 * them, where the handlers' refusals (limit, from, interval) have both.
 * Every route's schema refusal comes here: the query API's error handler
 * and the server's (fromFastifyError).
 */
export function validationRefusal(err: { message: string; validation?: unknown; validationContext?: unknown }, request: RefusedRequest = {}): ApiError {
  const context = typeof err.validationContext === 'string' ? err.validationContext : '';
  const [key, schemaKey, where] = PARTS[context] ?? [undefined, undefined, 'the request'];
  const input = key === undefined ? undefined : request[key];
  const given = input !== null && typeof input === 'object' ? input as Record<string, unknown> : {};
  const schema = schemaKey === undefined ? undefined : (request.routeOptions?.schema as Record<string, { properties?: Record<string, { description?: unknown }> }> | undefined)?.[schemaKey];
  const properties = schema?.properties ?? {};
  // `?from=now-1h&from=now-2h` (a URL built by appending): ajv's "must be string, must be number, must match a schema in anyOf" named no cause.
  if (context === 'querystring') {
    const repeated = Object.entries(given).find(([, v]) => Array.isArray(v));
    if (repeated) return apiErrors.badParameter(repeated[0], `"${repeated[0]}" is given ${(repeated[1] as unknown[]).length} times; give each parameter once`);
  }
  const errors = (Array.isArray(err.validation) ? err.validation : []) as AjvError[];
  // ajv's "must NOT have additional properties" says that one was refused, not which (`limt=5`).
  const extra = errors.find((v) => v.keyword === 'additionalProperties' && typeof v.params?.additionalProperty === 'string');
  if (extra !== undefined) {
    const name = extra.params!.additionalProperty as string;
    const peer = peerParamHint(name);
    const near = peer === null ? nearestName(name, Object.keys(properties)) : null;
    const also = peer !== null ? `; ${peer}` : near !== null ? `; did you mean "${near}"?` : '';
    const takes = Object.keys(properties).length > 0 ? ` (it takes ${Object.keys(properties).join(', ')})` : '';
    return apiErrors.badParameter(name, `${context === '' ? 'the request' : context} has a parameter this route does not take: ${JSON.stringify(name)}${takes}${also}`);
  }
  const first = errors[0];
  if (first === undefined) return apiErrors.badRequest(err.message);
  const path = typeof first.instancePath === 'string' ? first.instancePath.split('/').filter(Boolean) : [];
  const param = first.keyword === 'required' && typeof first.params?.missingProperty === 'string'
    ? [...path, first.params.missingProperty].join('.')
    : path.join('.');
  if (param === '') return apiErrors.badRequest(`${where} ${typeof first.message === 'string' ? first.message : 'is not valid'}`);
  const top = param.split('.')[0]!;
  const value = path.length === 1 ? given[top] : undefined;
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
  const description = typeof properties[top]?.description === 'string' ? properties[top]!.description as string : '';
  const limit = first.params?.limit;
  let words: string;
  switch (first.keyword) {
    case 'required':
      words = `${param} is required${description === '' ? '' : `: ${description.charAt(0).toLowerCase()}${description.slice(1)}`}`;
      break;
    case 'enum': {
      const allowed = Array.isArray(first.params?.allowedValues) ? first.params.allowedValues.map((a) => String(a)) : [];
      words = `${param} is ${orList(allowed)}, not${shown === '' ? ' that' : shown}`;
      break;
    }
    case 'type':
    case 'anyOf':
    case 'oneOf': {
      // Forms with a `title` each are said by them, the whole value shown:
      // `percents: ["50"]` failed its list's item type, and only the other
      // form was said ("percents must be a string").
      const forms = formTitles(properties[top]);
      if (forms !== null) {
        const whole = given[top] === undefined ? '' : ` ${JSON.stringify(given[top])}`;
        return apiErrors.badParameter(top, `${top} must be ${orList(forms)}, not${whole === '' ? ' that' : whole}`, given[top]);
      }
      // An anyOf of types (`from`: a string or a number) reports each branch's type before itself.
      const types = errors.filter((v) => v.keyword === 'type' && v.instancePath === first.instancePath).flatMap((v) => String(v.params?.type ?? '').split(','));
      words = `${param} must be ${types.length > 0 ? orList([...new Set(types)].map((t) => TYPE_WORDS[t] ?? t)) : 'of another form'}, not${shown === '' ? ' that' : shown}`;
      break;
    }
    case 'minLength':
      words = limit === 1 ? `${param} is empty; give it a value or leave it out` : `${param} is shorter than ${String(limit)} characters`;
      break;
    case 'maxLength':
      words = `${param} is longer than ${String(limit)} characters`;
      break;
    case 'minimum':
    case 'maximum':
      words = `${param} must be ${first.keyword === 'minimum' ? '>=' : '<='} ${String(limit)}, not${shown === '' ? ' that' : shown}`;
      break;
    default:
      words = `${param}${shown} ${typeof first.message === 'string' ? first.message : 'is not valid'}`;
  }
  return apiErrors.badParameter(param, words, value);
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
