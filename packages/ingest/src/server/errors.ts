/**
 * Every error the ingest server, its config loader and its CLI raise has a
 * stable code, made here by one factory with a message template and an HTTP
 * status (the fastify `FST_ERR_*` pattern). docs/ERRORS.md lists the same
 * codes; errors.test.ts keeps the two in sync both ways.
 */

export interface ErrorDefinition {
  code: string;
  /** Message with `%s` placeholders filled in order by the factory's arguments. */
  template: string;
  /** HTTP status when the error answers a request. */
  statusCode: number;
}

export class LogshipError extends Error {
  readonly code: string;
  readonly statusCode: number;

  constructor(def: ErrorDefinition, args: readonly unknown[]) {
    super(format(def.template, args));
    this.name = 'LogshipError';
    this.code = def.code;
    this.statusCode = def.statusCode;
  }
}

const definitions = new Map<string, ErrorDefinition>();

/** Defines a code once; the returned function builds instances of it. */
function defineError(code: string, template: string, statusCode: number) {
  if (definitions.has(code)) throw new Error(`duplicate error code ${code}`);
  const def: ErrorDefinition = Object.freeze({ code, template, statusCode });
  definitions.set(code, def);
  const make = (...args: unknown[]): LogshipError => new LogshipError(def, args);
  return Object.assign(make, { code, statusCode });
}

function format(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%s/g, () => (i < args.length ? String(args[i++]) : '%s'));
}

/** All codes this factory knows (docs/ERRORS.md must list exactly these for our prefixes). */
export function listErrorDefinitions(): ErrorDefinition[] {
  return [...definitions.values()];
}

/** The prefixes this factory owns in docs/ERRORS.md; other rooms append their own. */
export const OWNED_ERROR_PREFIXES = ['LS_INGEST_', 'LS_CONFIG_', 'LS_AUTH_', 'LS_CLI_'] as const;

export const errors = {
  // Request-level ingest failures (the whole batch is refused).
  bodyTooLarge: defineError('LS_INGEST_BODY_TOO_LARGE', 'request body exceeds %s bytes', 413),
  decompressedTooLarge: defineError(
    'LS_INGEST_DECOMPRESSED_TOO_LARGE',
    'decompressed request body exceeds %s bytes',
    413,
  ),
  badGzip: defineError('LS_INGEST_BAD_GZIP', 'request body is not valid gzip: %s', 400),
  unsupportedEncoding: defineError(
    'LS_INGEST_UNSUPPORTED_ENCODING',
    'Content-Encoding "%s" is not supported (use gzip or none)',
    415,
  ),
  storeUnavailable: defineError('LS_INGEST_STORE_UNAVAILABLE', 'the store could not commit the batch: %s', 503),
  internal: defineError('LS_INGEST_INTERNAL', 'internal error; see the server log', 500),
  shuttingDown: defineError('LS_INGEST_SHUTTING_DOWN', 'the server is shutting down', 503),
  // Line-level ingest failures (reported in the answer; the rest of the batch is stored).
  lineNotJson: defineError('LS_INGEST_LINE_NOT_JSON', 'line is not valid JSON: %s', 400),
  lineNotObject: defineError('LS_INGEST_LINE_NOT_OBJECT', 'line is JSON but not an object (got %s)', 400),
  lineTooLong: defineError('LS_INGEST_LINE_TOO_LONG', 'line is %s bytes, over the %s byte limit', 400),
  lineFailed: defineError('LS_INGEST_LINE_FAILED', 'the line could not be normalized: %s', 400),
  eventRejected: defineError('LS_INGEST_EVENT_REJECTED', 'the store rejected the event: %s', 400),

  // Auth.
  missingToken: defineError('LS_AUTH_MISSING_TOKEN', 'this endpoint needs "Authorization: Bearer TOKEN"', 401),
  invalidToken: defineError('LS_AUTH_INVALID_TOKEN', 'the token is not known', 401),
  forbiddenScope: defineError('LS_AUTH_FORBIDDEN_SCOPE', 'token "%s" lacks the "%s" scope', 403),
  rateLimited: defineError('LS_AUTH_RATE_LIMITED', 'token "%s" is over its rate limit; retry in %s s', 429),
  tooManyAuthFailures: defineError(
    'LS_AUTH_TOO_MANY_FAILURES',
    'too many requests without a valid token from %s; retry in %s s',
    429,
  ),

  // Config.
  configRead: defineError('LS_CONFIG_READ_FAILED', 'cannot read config file %s: %s', 500),
  configSyntax: defineError('LS_CONFIG_YAML_SYNTAX', 'config file %s is not valid YAML: %s', 500),
  configUnknownKey: defineError('LS_CONFIG_UNKNOWN_KEY', 'unknown config key "%s"', 500),
  configInvalid: defineError('LS_CONFIG_INVALID', 'config value at "%s" %s', 500),
  configEnvMissing: defineError(
    'LS_CONFIG_ENV_MISSING',
    'config value at "%s" refers to environment variable %s, which is not set',
    500,
  ),
  configListen: defineError('LS_CONFIG_BAD_LISTEN', 'listen address "%s" is not HOST:PORT', 500),
  configNoTokensPublic: defineError(
    'LS_CONFIG_PUBLIC_WITHOUT_TOKENS',
    'refusing to listen on %s without auth tokens: configure auth.tokens or listen on a loopback address',
    500,
  ),

  // CLI.
  cliUsage: defineError('LS_CLI_USAGE', '%s', 400),
} as const;
