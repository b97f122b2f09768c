/**
 * Damage inside a partition file that still opens (pages overwritten by a
 * disk or a copy gone wrong): SQLite reports it only when a read reaches
 * the damaged page, as SQLITE_CORRUPT, in the middle of a query that may
 * span many partitions and does not say which file it was reading.
 * partitioned-store.ts then checks (damage-ledger.ts checkRange) the partitions of the query's range
 * (PRAGMA quick_check, a walk of every page without reading the rows'
 * values), leaves the damaged ones out and runs the query again.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { isStoreError, storeError, storeErrorDetail, type StoreError } from '../store/store-error.js';

/** A partition found damaged, and why. */
export interface DamagedPartition {
  partition: string;
  reason: string;
  /** The file's fileIdentity when it was found so (set when another thread is told: that file, not whatever is there by then). */
  identity?: string;
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
 * opening it fails otherwise. SQLite says "unable to open database file"
 * (SQLITE_CANTOPEN) for that as for a file it may not read; this is no
 * damage, so it is LS_STORE_NO_DESCRIPTORS (503: a write is retried, a
 * search can be asked again; nothing is noted damaged), telling what to
 * raise. A search over more days does not need more: each thread keeps at
 * most its pool's cap of partitions open (partition-pool.ts), a cap that
 * leaves half the limit to the rest, so what is left short is the process
 * (connections, other files) or a limit too low for even the cap.
 *
 * Opening the file again tells EMFILE, but other threads close files all
 * the time (a wide search's other lane failing, the pool trimmed), so by
 * then a descriptor may be free: a regular file SQLite could not open that
 * this process may read and write, in a folder it may write (its -wal and
 * -shm), has no other cause left, and is answered the same.
 */
export function noDescriptorError(file: string, cause: unknown): Error | null {
  let code: string | undefined;
  try {
    fs.closeSync(fs.openSync(file, 'r'));
  } catch (err) {
    code = (err as NodeJS.ErrnoException).code;
  }
  if (code === 'EMFILE') {
    return storeError('LS_STORE_NO_DESCRIPTORS', `cannot open ${file} (EMFILE: the process is at its limit of open files, held by its connections and files besides the few partitions each thread keeps open); raise the limit (ulimit -n, systemd LimitNOFILE)`, cause);
  }
  if (code === 'ENFILE') {
    return storeError('LS_STORE_NO_DESCRIPTORS', `cannot open ${file} (ENFILE: the system's table of open files is full); close files in other processes or raise the system's limit (fs.file-max)`, cause);
  }
  if (code !== undefined || (cause as { code?: unknown } | null)?.code !== 'SQLITE_CANTOPEN' || !openableFile(file)) return null;
  return storeError('LS_STORE_NO_DESCRIPTORS', `cannot open ${file} (SQLite: unable to open database file; the file and its folder are readable and writable, so the process ran short of file descriptors, held by its connections and files besides the few partitions each thread keeps open); raise the limit (ulimit -n, systemd LimitNOFILE)`, cause);
}

/** A regular file this process may read and write, in a folder it may write. */
function openableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
    fs.accessSync(path.dirname(file), fs.constants.W_OK | fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Identifies the file's contents as they are (inode, size, mtime): a file written since is checked or opened again. */
export function fileSignature(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/**
 * Identifies the file itself (device, inode, birth time), not its
 * contents: what replacing it changes (moved aside, a backup moved in, a
 * new file made by a write after it was deleted), and what a checkpoint of
 * its WAL does not. Damage was remembered by the file's size and mtime
 * (fileSignature) until 2026-12-07, and the store's own checkpoint made
 * it be forgotten: a reader thread closing the last connection to a file
 * a merge had found damaged folded the WAL's last commits into it, and
 * the day was searched and written again, its writes acknowledged into
 * the file to be moved aside. The birth time tells a new file that took a
 * deleted one's inode number from it (where statx is missing, libuv gives
 * the ctime instead, and a checkpoint changes it: the old behaviour). A
 * file copied over in place keeps its identity: it is read again after a
 * restart, which the documented fix (stop, restore, start) has anyway.
 */
export function fileIdentity(file: string): string {
  try {
    const st = fs.statSync(file, { bigint: true });
    return `${st.dev}:${st.ino}:${st.birthtimeNs}`;
  } catch {
    return 'missing';
  }
}

/** Said by a write that failed on a damaged file: what readiness repeats (writer-thread.ts). */
export const DAMAGED_WRITE = 'is damaged inside';

/**
 * Why a partition is damaged, said once: `<file> is damaged inside: <what>`.
 * `problem` is SQLite's text or the store's error, whose code's own
 * sentence ("A partition file cannot be read: ") and the file's path are
 * left out of <what>: quoted whole, an answer's warning read "… is damaged
 * inside: A partition file cannot be read: block 7 of … lacks its column".
 */
export function damageReason(file: string, problem: unknown): string {
  const what = typeof problem === 'string' ? problem : storeErrorDetail(problem);
  return `${file} ${DAMAGED_WRITE}: ${what.replaceAll(` of ${file}`, '').replaceAll(`${file}: `, '')}`;
}

/** The <what> of a damageReason (a reason made otherwise is returned whole). */
export function damageDetail(reason: string): string {
  const at = reason.indexOf(` ${DAMAGED_WRITE}: `);
  return at < 0 ? reason : reason.slice(at + DAMAGED_WRITE.length + 3);
}

/**
 * A write that reached a damaged page of `partition`: every batch for its
 * day fails the same way (503, retried by senders) until the file is
 * replaced, so the error names the file and what to do.
 */
export function damagedWriteError(partition: string, err: unknown): StoreError {
  const why = storeErrorDetail(err);
  return storeError('LS_STORE_WRITE_FAILED', `the partition ${partition} ${DAMAGED_WRITE} (${why}): writes to its day fail until it is replaced; stop the server, restore it from a backup or move it aside, and start again (a new file takes the day's events)`, err);
}

/** The partition a damagedWriteError names, from either thread (errors cross threads as their message), or null. */
export function damagedWritePartition(err: unknown): string | null {
  if (!isStoreError(err, 'LS_STORE_WRITE_FAILED')) return null;
  return new RegExp(`the partition (\\S+) ${DAMAGED_WRITE} \\(`).exec(err.message)?.[1] ?? null;
}

/**
 * Partitions a write's dedupe probe could not read (the day before, other
 * classes of the day: where a retry's copies may be), checked as a read's
 * failure has them checked (quick_check, then `contentCheck`): damage
 * confirmed is handed to `note` once per file (its fileIdentity) and the
 * probe goes on without it. Its events are out of every read, so a retry's
 * copy stored beside them loses nothing; failing instead made every write
 * of the day after a damaged one 503 until the file was replaced.
 */
export class ProbedDamage<H extends { name: string; file: string }> {
  private readonly found = new Map<string, string>();

  constructor(
    private readonly contentCheck: (h: H) => string | null,
    private readonly note: (found: DamagedPartition) => void,
  ) {}

  /** Whether `h`, whose probe failed on damage, is damaged inside (noted so). */
  damaged(h: H): boolean {
    const identity = fileIdentity(h.file);
    if (this.found.get(h.name) === identity) return true;
    const problem = quickCheck(h.file) ?? this.contentCheck(h);
    if (problem === null) return false;
    this.found.set(h.name, identity);
    this.note({ partition: h.name, reason: damageReason(h.file, problem), identity });
    return true;
  }
}
