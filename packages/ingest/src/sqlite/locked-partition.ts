/**
 * A partition file another process holds locked: an operator's `sqlite3`
 * session left in a transaction, a connection in `locking_mode =
 * EXCLUSIVE`, a backup tool. SQLite says SQLITE_BUSY ("database is
 * locked") when the busy timeout runs out, at the open's first pragma or
 * at a write's BEGIN IMMEDIATE. Until 2026-12-07 the open's failure was
 * called damage (LS_STORE_CORRUPT_PARTITION, "cannot open …: database is
 * locked"): a write answered "the partition … is damaged inside", told the
 * operator to move a sound file aside, and had the file checked whole;
 * a read left the day out with a corrupt-partition warning. It is
 * LS_STORE_PARTITION_LOCKED now (503, retryable, naming the file), and
 * nothing is checked or noted.
 */
import { storeError, type StoreError } from '../store/store-error.js';

/**
 * The busy timeout a partition's connection opens with (its pragmas and a
 * new file's schema), before the statements' own 5 s: what legitimately
 * holds a lock at an open is brief (another connection's WAL recovery,
 * which reads a WAL the store checkpoints every 32 MiB; a checkpoint; a
 * new file turned to WAL),
 * while a file another process holds stays locked for minutes. With 5 s,
 * tried twice by the pool and then checked whole, a write to a locked day
 * took ~20 s to answer; now one open waits this long. A slower recovery
 * misjudged as a lock costs a sender one retry, which the answer asks for.
 */
export const OPEN_BUSY_MS = 1000;

/** The busy timeout of a partition's connection once open: another connection of the server's (a checkpoint, a CLI) holding it is waited for. */
export const STATEMENT_BUSY_MS = 5000;

/** Whether `err` is SQLite saying another connection holds the file locked (SQLITE_BUSY*, SQLITE_LOCKED*). */
export function isLocked(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** The error for `file` held locked by another process, saying so and what to look for. */
export function lockedPartitionError(file: string, cause: unknown): StoreError {
  const sqlite = cause instanceof Error ? cause.message : String(cause);
  return storeError(
    'LS_STORE_PARTITION_LOCKED',
    `${file} is locked by another process (SQLite: ${sqlite}): an sqlite3 session left in a transaction, a connection in exclusive locking mode or a backup tool holds it; its day is written and read again once that process lets go of the file (fuser or lsof names it)`,
    cause,
  );
}
