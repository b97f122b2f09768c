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

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, detail: string, options?: { cause?: unknown }) {
    super(`${STORE_ERROR_CODES[code]}: ${detail}`, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

export function storeError(code: StoreErrorCode, detail: string, cause?: unknown): StoreError {
  return new StoreError(code, detail, cause === undefined ? undefined : { cause });
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
