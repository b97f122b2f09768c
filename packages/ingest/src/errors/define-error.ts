/**
 * The one way ingest defines an error: a stable code, a message template, an
 * HTTP status and whether trying again later can help (the fastify
 * `FST_ERR_*` pattern, with Vector's retryable/permanent split). Every room
 * of the package defines its codes with it, next to the code that raises
 * them:
 *
 *   normalize/normalize-errors.ts  LS_INGEST_LINE_NOT_*   (per line)
 *   config/config-errors.ts        LS_CONFIG_*
 *   store/store-error.ts           LS_STORE_*             (both backends)
 *   elasticsearch/es-error.ts      LS_ES_*
 *   server/errors.ts               LS_INGEST_*, LS_AUTH_*, LS_CLI_*
 *
 * Every error carries its status, so an HTTP route answers it as it is and
 * nothing coded falls through to 500; the ingest route reads `retryable` to
 * tell agents to come back (503 + Retry-After). The docs list the same codes
 * (errors/error-docs.test.ts keeps them in sync both ways).
 */

export interface ErrorDefinition {
  readonly code: string;
  /** Message with `%s` placeholders filled in order by the factory's arguments. */
  readonly template: string;
  /**
   * HTTP status when the error answers a request. A start-up code (the
   * server's config and TLS files) never does; its 500 is what it would be
   * if it ever did (the server's own setup at fault, not the request).
   */
  readonly statusCode: number;
  /** Raised only while the process starts (or reloads on SIGHUP), never as an answer: docs/ERRORS.md says `start-up`. */
  readonly startupOnly: boolean;
  /** Trying the same thing again later can succeed (the store was down, overloaded, closed). */
  readonly retryable: boolean;
}

export interface ErrorOptions {
  retryable?: boolean;
}

export class LogshipError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly retryable: boolean;
  /** Seconds a client should wait before retrying; set only when retryable (default 5). */
  readonly retryAfterS: number | undefined;

  /**
   * The factory's arguments, for a caller that adds to a message (the server
   * config puts a key's line and column after the key an LS_CONFIG_INVALID
   * names). Not enumerable: a logged error does not repeat its message in parts.
   */
  declare readonly args: readonly unknown[];

  constructor(def: ErrorDefinition, message: string, options?: { cause?: unknown; retryAfterS?: number; args?: readonly unknown[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, 'args', { value: options?.args ?? [], enumerable: false });
    this.name = 'LogshipError';
    this.code = def.code;
    this.statusCode = def.statusCode;
    this.retryable = def.retryable;
    this.retryAfterS = def.retryable ? (options?.retryAfterS ?? 5) : undefined;
  }
}

/** Builds instances of one code; carries the definition for lookups (`errors.x.code`). */
export interface ErrorFactory extends ErrorDefinition {
  (...args: unknown[]): LogshipError;
  /** With a cause (and, for retryable codes, a Retry-After hint). */
  withCause(options: { cause?: unknown; retryAfterS?: number }, ...args: unknown[]): LogshipError;
}

const definitions = new Map<string, ErrorDefinition>();

/** Defines a code once; the returned function builds instances of it. `'start-up'`: it never answers a request. */
export function defineError(code: string, template: string, httpStatus: number | 'start-up', options: ErrorOptions = {}): ErrorFactory {
  if (definitions.has(code)) throw new Error(`duplicate error code ${code}`);
  const startupOnly = httpStatus === 'start-up';
  const def: ErrorDefinition = Object.freeze({
    code,
    template,
    statusCode: startupOnly ? 500 : httpStatus,
    startupOnly,
    retryable: options.retryable ?? false,
  });
  definitions.set(code, def);
  const make = (...args: unknown[]): LogshipError => new LogshipError(def, format(template, args), { args });
  const withCause = (opts: { cause?: unknown; retryAfterS?: number }, ...args: unknown[]): LogshipError =>
    new LogshipError(def, format(template, args), { ...opts, args });
  return Object.assign(make, def, { withCause });
}

function format(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%s/g, () => (i < args.length ? String(args[i++]) : '%s'));
}

/** Every code defined so far (each room's definitions register when their module loads). */
export function listErrorDefinitions(): ErrorDefinition[] {
  return [...definitions.values()];
}

/** The definition of a code, for errors that crossed a thread as plain data. */
export function errorDefinition(code: string): ErrorDefinition | undefined {
  return definitions.get(code);
}

export function isLogshipError(err: unknown, code?: string): err is LogshipError {
  return err instanceof LogshipError && (code === undefined || err.code === code);
}
