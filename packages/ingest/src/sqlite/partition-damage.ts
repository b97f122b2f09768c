/**
 * Damage inside a partition file that still opens (pages overwritten by a
 * disk or a copy gone wrong): SQLite reports it only when a read reaches
 * the damaged page, as SQLITE_CORRUPT, in the middle of a query that may
 * span many partitions and does not say which file it was reading.
 * partitioned-store.ts then checks the partitions of the query's range
 * (PRAGMA quick_check, a walk of every page without reading the rows'
 * values), leaves the damaged ones out and runs the query again.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { isStoreError, storeError, type StoreError } from '../store/store-error.js';

/** A partition found damaged, and why. */
export interface DamagedPartition {
  partition: string;
  reason: string;
}

/**
 * Whether `err` says a file is damaged (SQLite's SQLITE_CORRUPT*,
 * SQLITE_NOTADB, the store's own code, or SQLite's JSON functions reading
 * a row's `doc` that is not JSON: the store writes only JSON there).
 */
export function isCorruption(err: unknown): boolean {
  if (isStoreError(err, 'LS_STORE_CORRUPT_PARTITION')) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_ERROR' && err instanceof Error && err.message === 'malformed JSON') return true;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** What SQLite's quick_check finds wrong with the file (null: nothing), on a connection of its own. */
export function quickCheck(file: string): string | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((m) => m !== 'ok');
    return problems.length === 0 ? null : problems.slice(0, 3).join('; ');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') return null;
    // The check could not open the file: that says nothing of the file, and
    // noted as damage it left the day out of every search until a restart.
    const exhausted = noDescriptorError(file, err);
    if (exhausted) throw exhausted;
    return (err as Error).message;
  } finally {
    db?.close();
  }
}

/**
 * The error for a file that cannot be opened because the process is out of
 * file descriptors (EMFILE, or ENFILE for the whole system), null when
 * opening it works or fails otherwise. SQLite says "unable to open database
 * file" for that as for a file that is not a database; this is no damage, so
 * it is a plain error with the errno's code (a write answers it 503 and is
 * retried; nothing is noted damaged), telling what to raise.
 */
export function noDescriptorError(file: string, cause: unknown): Error | null {
  let code: string | undefined;
  try {
    fs.closeSync(fs.openSync(file, 'r'));
    return null;
  } catch (err) {
    code = (err as NodeJS.ErrnoException).code;
  }
  if (code !== 'EMFILE' && code !== 'ENFILE') return null;
  const message = `cannot open ${file}: the process has no file descriptor left (${code}); raise its limit (ulimit -n, systemd LimitNOFILE)`;
  return Object.assign(new Error(message, { cause }), { code });
}

/** Identifies the file's contents as they were when found damaged: a file restored or rewritten is read again. */
export function fileSignature(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** Said by a write that failed on a damaged file: what readiness repeats (writer-thread.ts). */
export const DAMAGED_WRITE = 'is damaged inside';

/**
 * A write that reached a damaged page of `partition`: every batch for its
 * day fails the same way (503, retried by senders) until the file is
 * replaced, so the error names the file and what to do.
 */
export function damagedWriteError(partition: string, err: unknown): StoreError {
  const why = err instanceof Error ? err.message : String(err);
  return storeError('LS_STORE_WRITE_FAILED', `the partition ${partition} ${DAMAGED_WRITE} (${why}): writes to its day fail until it is replaced; stop the server, restore it from a backup or move it aside, and start again (a new file takes the day's events)`, err);
}
