/**
 * Errors the Elasticsearch backend raises that the shared store codes
 * (`LS_STORE_*`, store-contract/store-error.ts) do not cover, each with a
 * stable `LS_ES_*` code and whether trying again later can help — the ingest
 * route turns a retryable store error into 503 + Retry-After so agents spool
 * instead of dropping.
 */
export const ES_ERROR_CODES = {
  LS_ES_UNAVAILABLE: { message: 'Elasticsearch is unreachable or overloaded', retryable: true },
  LS_ES_BAD_OPTIONS: { message: 'The Elasticsearch store options are invalid', retryable: false },
  LS_ES_TEMPLATE: { message: 'The index template could not be installed', retryable: false },
  LS_ES_AUTH: { message: 'Elasticsearch refused the credentials or their privileges', retryable: false },
  LS_ES_TLS: { message: "Elasticsearch's TLS certificate is not trusted", retryable: false },
  LS_ES_REQUEST: { message: 'Elasticsearch rejected a request', retryable: false },
} as const;

export type EsErrorCode = keyof typeof ES_ERROR_CODES;

export class EsStoreError extends Error {
  readonly code: EsErrorCode;
  readonly retryable: boolean;
  /** Seconds a client should wait before retrying (only when retryable). */
  readonly retryAfterS: number | undefined;

  constructor(code: EsErrorCode, detail: string, options?: { cause?: unknown; retryAfterS?: number }) {
    super(`${ES_ERROR_CODES[code].message}: ${detail}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EsStoreError';
    this.code = code;
    this.retryable = ES_ERROR_CODES[code].retryable;
    this.retryAfterS = this.retryable ? (options?.retryAfterS ?? 5) : undefined;
  }
}

export function esError(code: EsErrorCode, detail: string, cause?: unknown): EsStoreError {
  return new EsStoreError(code, detail, cause === undefined ? undefined : { cause });
}

export function isEsError(err: unknown, code?: EsErrorCode): err is EsStoreError {
  return err instanceof EsStoreError && (code === undefined || err.code === code);
}
