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
import type Database from 'better-sqlite3';
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

/**
 * The busy timeout of a write's BEGIN IMMEDIATE (beginWrite), shorter than
 * the statements': the server has one writer per file (the writer thread,
 * whose merges and checkpoints run between its writes), and readers in WAL
 * mode take no write lock, so what holds it is another process, briefly
 * (a connection's WAL recovery, as at the open) or for as long as an
 * operator's session stays in its transaction. The wait blocks the writer
 * thread, so every day's batches waited with it: measured 2026-12-07 with
 * another process in BEGIN IMMEDIATE on one day's open file, a batch for
 * that day answered 503 after 5.0 s and a batch for another day sent 0.5 s
 * later waited 4.6 s (200) behind it; each sender's retry (Retry-After: 5)
 * stalled ingest again. Now 1 s, as the open's: ~1.0 s and ~0.5 s.
 */
export const WRITE_LOCK_BUSY_MS = 1000;

/** Starts a write transaction on `db`, waiting WRITE_LOCK_BUSY_MS for another process's write lock (SQLITE_BUSY after: lockedPartitionError). */
export function beginWrite(db: Pick<Database.Database, 'pragma' | 'exec'>): void {
  db.pragma(`busy_timeout = ${WRITE_LOCK_BUSY_MS}`);
  try {
    db.exec('BEGIN IMMEDIATE');
  } finally {
    db.pragma(`busy_timeout = ${STATEMENT_BUSY_MS}`);
  }
}

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
