/**
 * Errors raised by LogStore backends and retention, each with a stable code
 * (`LS_STORE_*`) so callers (the HTTP API, the CLI) can map them without
 * parsing messages. One factory, one table of codes.
 */
export const STORE_ERROR_CODES = {
  LS_STORE_DATA_DIR: 'The data directory is unusable',
  LS_STORE_CLOSED: 'The store is closed',
  LS_STORE_BAD_CURSOR: 'The cursor is malformed or belongs to another sort order',
  LS_STORE_BAD_REQUEST: 'The request is invalid',
  LS_STORE_RETENTION_CONFIG: 'The retention configuration is invalid',
  LS_STORE_CORRUPT_PARTITION: 'A partition file cannot be read',
  LS_STORE_WRITE_FAILED: 'The batch could not be committed; nothing of it was acknowledged, retry it',
  LS_STORE_QUERY_ABORTED: 'The query was aborted (its deadline passed or its caller gave up)',
  LS_STORE_QUERY_FAILED: 'The query could not be answered',
} as const;

export type StoreErrorCode = keyof typeof STORE_ERROR_CODES;

/**
 * The HTTP status each code answers with, so no store error reaching a
 * route falls through to 500: the caller's mistakes are 400, a closed or
 * failing store 503 (retry), our own bugs and broken files 500.
 */
export const STORE_ERROR_STATUS: Readonly<Record<StoreErrorCode, number>> = Object.freeze({
  LS_STORE_DATA_DIR: 500,
  LS_STORE_CLOSED: 503,
  LS_STORE_BAD_CURSOR: 400,
  LS_STORE_BAD_REQUEST: 400,
  LS_STORE_RETENTION_CONFIG: 500,
  LS_STORE_CORRUPT_PARTITION: 500,
  LS_STORE_WRITE_FAILED: 503,
  LS_STORE_QUERY_ABORTED: 503,
  LS_STORE_QUERY_FAILED: 500,
});

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly statusCode: number;
  constructor(code: StoreErrorCode, detail: string, options?: { cause?: unknown }) {
    super(`${STORE_ERROR_CODES[code]}: ${detail}`, options);
    this.name = 'StoreError';
    this.code = code;
    this.statusCode = STORE_ERROR_STATUS[code];
  }
}

export function storeError(code: StoreErrorCode, detail: string, cause?: unknown): StoreError {
  return new StoreError(code, detail, cause === undefined ? undefined : { cause });
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
