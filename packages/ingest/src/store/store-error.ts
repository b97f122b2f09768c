/**
 * Errors raised by LogStore backends and retention, each with a stable code
 * (`LS_STORE_*`, shared by SQLite and Elasticsearch), an HTTP status and
 * whether a retry can help, made by the package's one factory
 * (errors/define-error.ts). Callers (the HTTP API, the CLI) answer them as
 * they are: the caller's mistakes are 400, a closed or failing store 503
 * (retryable), broken files and our own bugs 500.
 */
import { defineError, isLogshipError, type ErrorFactory, type LogshipError } from '../errors/define-error.js';

const STORE_ERRORS = {
  LS_STORE_DATA_DIR: defineError('LS_STORE_DATA_DIR', 'The data directory is unusable: %s', 500),
  LS_STORE_CLOSED: defineError('LS_STORE_CLOSED', 'The store is closed: %s', 503, { retryable: true }),
  LS_STORE_BAD_CURSOR: defineError('LS_STORE_BAD_CURSOR', 'The cursor is malformed or belongs to another query or sort order: %s', 400),
  LS_STORE_BAD_REQUEST: defineError('LS_STORE_BAD_REQUEST', 'The request is invalid: %s', 400),
  // The query package's TOO_MANY_TERMS (terms-limit.ts): the fields API falls back on sampling.
  LS_STORE_TOO_MANY_TERMS: defineError('LS_STORE_TOO_MANY_TERMS', 'Too many distinct values to count exactly: %s', 400),
  LS_STORE_RETENTION_CONFIG: defineError('LS_STORE_RETENTION_CONFIG', 'The retention configuration is invalid: %s', 500),
  LS_STORE_CORRUPT_PARTITION: defineError('LS_STORE_CORRUPT_PARTITION', 'A partition file cannot be read: %s', 500),
  LS_STORE_WRITE_FAILED: defineError(
    'LS_STORE_WRITE_FAILED',
    'The batch could not be committed; nothing of it was acknowledged, retry it: %s',
    503,
    { retryable: true },
  ),
  LS_STORE_QUERY_ABORTED: defineError(
    'LS_STORE_QUERY_ABORTED',
    'The query was aborted (its deadline passed or its caller gave up): %s',
    503,
    { retryable: true },
  ),
  // The process's open-file limit, not the request: once descriptors are
  // free again, or the limit is raised, the same request succeeds (so 503,
  // retryable).
  LS_STORE_NO_DESCRIPTORS: defineError(
    'LS_STORE_NO_DESCRIPTORS',
    'The server has no file descriptor left to open a partition with: %s',
    503,
    { retryable: true },
  ),
  // Another process holds a partition file locked (an sqlite3 session left
  // in a transaction, a connection in exclusive locking mode, a backup
  // tool): the file is sound and the same request succeeds once it lets go
  // (so 503, retryable), where it was named damaged and the operator told
  // to move a sound file aside.
  LS_STORE_PARTITION_LOCKED: defineError(
    'LS_STORE_PARTITION_LOCKED',
    'A partition file is held by another process: %s',
    503,
    { retryable: true },
  ),
  // A partition file (or its -wal/-shm) the server's user may not read or
  // write: left by a command run as root, a restore, a chmod. The file is
  // sound and nothing the client sent is wrong; the same request succeeds
  // once the operator gives the file back (chown), so 503 and retryable, as
  // for a locked file, where it was named damaged and never taken again
  // until a restart.
  LS_STORE_PARTITION_DENIED: defineError(
    'LS_STORE_PARTITION_DENIED',
    'A partition file may not be opened by the server\'s user: %s',
    503,
    { retryable: true },
  ),
  LS_STORE_QUERY_FAILED: defineError('LS_STORE_QUERY_FAILED', 'The query could not be answered: %s', 500),
  LS_STORE_BACKUP_FAILED: defineError('LS_STORE_BACKUP_FAILED', 'The backup could not be written: %s', 500),
} as const satisfies Record<string, ErrorFactory>;

export type StoreErrorCode = keyof typeof STORE_ERRORS;

/** A LogshipError whose code is one of the store's. */
export type StoreError = LogshipError & { readonly code: StoreErrorCode };

/** The store's codes and their definitions (docs/SQLITE_STORE.md lists the same). */
export const STORE_ERROR_CODES: Readonly<Record<StoreErrorCode, ErrorFactory>> = STORE_ERRORS;

export function storeError(code: StoreErrorCode, detail: string, cause?: unknown): StoreError {
  return STORE_ERRORS[code].withCause({ cause }, detail) as StoreError;
}

/**
 * A failure while writing (disk full, I/O error, a locked file) as
 * LS_STORE_WRITE_FAILED with the driver's error as cause; store errors
 * pass as they are. Both stores' writers reject a batch's writes with it.
 */
export function asWriteError(err: unknown): unknown {
  if (isStoreError(err)) return err;
  return storeError('LS_STORE_WRITE_FAILED', err instanceof Error ? err.message : String(err), err);
}

/**
 * What a store error says beyond its code's own words: the driver's
 * message of an LS_STORE_WRITE_FAILED, say. An error quoting it (the
 * ingest route's LS_INGEST_STORE_UNAVAILABLE) would otherwise say both
 * codes' sentences. Works on errors rebuilt from another thread, which
 * keep the message but not the cause.
 */
export function storeErrorDetail(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (!isStoreError(err)) return message;
  const { template } = STORE_ERRORS[err.code];
  const at = template.indexOf('%s');
  const prefix = template.slice(0, at);
  return at === template.length - 2 && message.startsWith(prefix) && message.length > prefix.length ? message.slice(prefix.length) : message;
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return isLogshipError(err) && Object.hasOwn(STORE_ERRORS, err.code) && (code === undefined || err.code === code);
}

/**
 * A refused write that committed part of its batch nonetheless (the row
 * store's group commit keeps the rows a write put in the other partitions'
 * transactions when one partition fails; either store's partitions commit
 * one by one): the indexes of those newly stored events, ascending. The
 * sender resends the whole batch and that part comes back as duplicates, so
 * the caller tells the live feed of it now or never (ingest-batch.ts).
 */
export function committedOf(err: unknown): readonly number[] {
  const indexes = (err as { committedIndexes?: unknown } | null)?.committedIndexes;
  return Array.isArray(indexes) ? (indexes as number[]) : [];
}

/** `err` (a copy: one failure rejects every write of a group commit) carrying the events its write committed (committedOf). */
export function withCommitted(err: unknown, indexes: readonly number[]): unknown {
  if (indexes.length === 0 || !(err instanceof Error)) return err;
  const copy = Object.create(Object.getPrototypeOf(err) as object, Object.getOwnPropertyDescriptors(err)) as Error;
  return Object.assign(copy, { committedIndexes: [...indexes].sort((a, b) => a - b) });
}
