/**
 * The one way the query package defines an error: a stable code, a message
 * template, an HTTP status and whether trying again later can help (the
 * fastify `FST_ERR_*` pattern). Query-language errors (`LS_QUERY_*`,
 * errors.ts) and the HTTP API's (`LS_API_*`, http/api-error.ts) are made
 * with it, so every error a route meets carries the status it answers with.
 */

export interface ErrorDefinition {
  readonly code: string;
  /** Message with `%s` placeholders filled in order by the factory's arguments. */
  readonly template: string;
  /** HTTP status it answers with; null for one only ever sent inside a stream (`event: error`). */
  readonly statusCode: number | null;
  /** Trying the same request again later can succeed (too busy, timed out). */
  readonly retryable: boolean;
}

/** Base of every error this package throws. */
export class CodedError extends Error {
  readonly code: string;
  /** HTTP status the API answers with (500 for a stream-only code met outside a stream). */
  readonly statusCode: number;
  readonly retryable: boolean;

  constructor(def: ErrorDefinition, message: string) {
    super(message);
    this.name = 'CodedError';
    this.code = def.code;
    this.statusCode = def.statusCode ?? 500;
    this.retryable = def.retryable;
  }
}

export interface ErrorFactory extends ErrorDefinition {
  (...args: unknown[]): CodedError;
  /** The message the template makes of these arguments (for subclasses that build their own instances). */
  format(...args: unknown[]): string;
}

const definitions = new Map<string, ErrorDefinition>();

/** Defines a code once; the returned function builds instances of it. */
export function defineError(
  code: string,
  template: string,
  httpStatus: number | null,
  options: { retryable?: boolean } = {},
): ErrorFactory {
  if (definitions.has(code)) throw new Error(`duplicate error code ${code}`);
  const def: ErrorDefinition = Object.freeze({ code, template, statusCode: httpStatus, retryable: options.retryable ?? false });
  definitions.set(code, def);
  const format = (...args: unknown[]): string => {
    let i = 0;
    return template.replace(/%s/g, () => (i < args.length ? String(args[i++]) : '%s'));
  };
  return Object.assign((...args: unknown[]) => new CodedError(def, format(...args)), def, { format });
}

/** Every code defined so far. */
export function listErrorDefinitions(): ErrorDefinition[] {
  return [...definitions.values()];
}

/** The definition of a code (errors rebuilt after crossing a thread). */
export function errorDefinition(code: string): ErrorDefinition | undefined {
  return definitions.get(code);
}
