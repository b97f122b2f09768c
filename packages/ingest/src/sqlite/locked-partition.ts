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
import Database from 'better-sqlite3';
import { addLeftOut, type LeftOutPartition } from '@logship/query/core';
import { isStoreError, storeError, storeErrorDetail, type StoreError } from '../store/store-error.js';

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

/*
 * Reads. A read meeting a locked file waits as a write does (the open's
 * OPEN_BUSY_MS; a statement on a connection opened before the lock, the
 * statements' STATEMENT_BUSY_MS), then, when its owner can say what it
 * left out (@logship/query read-left-out.ts: the HTTP API's reads), leaves
 * that partition out and answers the rest of the range, the file named in
 * the answer's warnings with this code, as a damaged or denied file is.
 * Until 2026-12-07 a locked file failed the whole search, aggregation or
 * fields answer with a 503, though every other day could be read. A read
 * whose owner cannot say so (a store opened by a CLI command; the ruler
 * keeps a list, rules/rule-left-out.ts) still fails with the error: an answer short of a day without a
 * word would be taken for the whole.
 */

/** Whether `err` is a read's failure on a lock: an open's (LS_STORE_PARTITION_LOCKED) or a statement's (SQLITE_BUSY). */
export function isLockFailure(err: unknown): boolean {
  return isStoreError(err, 'LS_STORE_PARTITION_LOCKED') || isLocked(err);
}

/**
 * The error another process's lock on `file` raises now, or null when a
 * read may go on (no lock, or a failure that is not one: a file that
 * will not open says so at the read's own open). A connection of its own,
 * not the pool's: a read's statement that met the lock does not say on
 * which of the range's files, and the pool's connections wait
 * STATEMENT_BUSY_MS; this one waits nothing.
 */
export function heldByAnother(file: string): unknown {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, readonly: true, timeout: 0 });
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return null;
  } catch (err) {
    return isLocked(err) ? err : null;
  } finally {
    db?.close();
  }
}

/** The partitions of a read `list` leaves out as locked, by name. */
export function lockedNames(list: readonly LeftOutPartition[] | undefined): ReadonlySet<string> {
  return new Set((list ?? []).filter((p) => p.code === 'LS_STORE_PARTITION_LOCKED').map((p) => p.partition));
}

/** Notes `file` (partition `name`) in `list` as left out of the read, locked (cause: the SQLite error). */
export function leaveOutLocked(list: LeftOutPartition[], name: string, file: string, cause: unknown): void {
  const err = lockedPartitionError(file, cause);
  addLeftOut(list, [{ partition: name, reason: storeErrorDetail(err), code: err.code }]);
}

/**
 * After a read failed on a lock: notes in `list` each of `files` another
 * process holds locked now (heldByAnother), not noted before. Returns how
 * many it noted; 0 (the lock went meanwhile, or the failure is not one a
 * file of the range explains) leaves the failure the read's own.
 */
export function leaveOutLockedFiles(list: LeftOutPartition[], files: Iterable<{ name: string; file: string }>): number {
  const known = lockedNames(list);
  let noted = 0;
  for (const { name, file } of files) {
    if (known.has(name)) continue;
    const cause = heldByAnother(file);
    if (cause === null) continue;
    leaveOutLocked(list, name, file, cause);
    noted++;
  }
  return noted;
}

/** The error a read answers when every partition of its range it could have read is locked: the first of them, as its open said. */
export function allLockedError(list: readonly LeftOutPartition[], names: Iterable<string>): StoreError | null {
  const locked = lockedNames(list);
  for (const name of names) {
    if (!locked.has(name)) continue;
    const entry = list.find((p) => p.partition === name);
    if (entry) return storeError('LS_STORE_PARTITION_LOCKED', entry.reason);
  }
  return null;
}
