import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { storeError } from '../store/store-error.js';
import { isCorruption } from './partition-damage.js';
import { syncPath } from '../store/sync-path.js';

export interface BackedUpFile {
  /** Path inside the data folder, e.g. `blocks/2026-11-23.errors.db`. */
  file: string;
  bytes: number;
  /** What `check` found damaged in the copy (it holds what the data folder's file does: restore that day from an earlier backup). */
  damaged?: string;
}

export interface BackupOptions {
  onFile?: (f: BackedUpFile) => void;
  /**
   * Checks each copied partition (`copy` its path, `file` as in
   * BackedUpFile) and says what is damaged in it, or null: VACUUM INTO
   * copies values as they are, so a file damaged inside its pages was
   * copied without a word, and a backup rotation could drop the last good
   * copy of that day.
   */
  check?: (copy: string, file: string) => string | null;
  /**
   * Called once the destination is known to be usable (not there yet, not
   * inside the data folder, its `.partial` folder made), before the first
   * file is copied: where the CLI says it is backing up, which it said
   * before refusing a bad destination.
   */
  onStart?: () => void;
}

/** Side files of a live SQLite database: VACUUM INTO reads through them, and a copy of them would not match its copied database. */
const SIDE_FILE = /-(wal|shm|journal)$/;
/** The store's own probe files (partition-folder.ts probeFolder), written and removed at once. */
const PROBE_FILE = /^\.health-\d+$/;

/**
 * Copies an embedded store's data folder (`<data>/blocks`, `<data>/sqlite`,
 * `<data>/rules`) to `dest` while a server may be writing to it, as a data
 * folder a server can be started on. Each partition is written with
 * SQLite's `VACUUM INTO`, which only reads its source: one read transaction,
 * so the copy holds every batch committed before it began and none half,
 * and ingest goes on (WAL readers block no writer; an online-backup copy
 * instead restarts whenever another process writes, which today's
 * partition does without pause). Other files are copied as they are.
 *
 * The copy goes to `<dest>.partial` and is renamed to `dest` once every
 * file and folder is fsynced, so a backup that was killed or failed never
 * looks complete; a later run removes the leftover. A partition removed by
 * retention between the listing and its copy is left out.
 */
export function backupDataFolder(dataDir: string, dest: string, opts: BackupOptions = {}): BackedUpFile[] {
  const from = path.resolve(dataDir);
  const to = path.resolve(dest);
  if (!fs.existsSync(from) || !fs.statSync(from).isDirectory()) {
    throw storeError('LS_STORE_DATA_DIR', `${from} is not a data folder`);
  }
  if (to === from || to.startsWith(from + path.sep)) {
    throw storeError('LS_STORE_BACKUP_FAILED', `${to} is inside the data folder ${from}`);
  }
  if (fs.existsSync(to)) throw storeError('LS_STORE_BACKUP_FAILED', `${to} exists already; give a new folder`);
  const partial = `${to}.partial`;
  const done: BackedUpFile[] = [];
  try {
    fs.rmSync(partial, { recursive: true, force: true });
    fs.mkdirSync(partial, { recursive: true });
    opts.onStart?.();
    copyFolder(from, partial, '', done, opts);
    syncPath(partial);
    fs.renameSync(partial, to);
    syncPath(path.dirname(to));
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('LS_')) throw err;
    throw storeError('LS_STORE_BACKUP_FAILED', (err as Error).message, err);
  }
  return done;
}

function copyFolder(from: string, to: string, rel: string, done: BackedUpFile[], opts: BackupOptions): void {
  const entries = fs.readdirSync(path.join(from, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const name = path.join(rel, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(path.join(to, name));
      copyFolder(from, to, name, done, opts);
      syncPath(path.join(to, name));
      continue;
    }
    if (!entry.isFile() || SIDE_FILE.test(entry.name) || PROBE_FILE.test(entry.name)) continue;
    const target = path.join(to, name);
    let damaged: string | null = null;
    if (entry.name.endsWith('.db')) {
      const copied = vacuumInto(path.join(from, name), target, name);
      if (copied === false) continue;
      damaged = copied ?? opts.check?.(target, name) ?? null;
    } else if (!copyFile(path.join(from, name), target)) {
      continue;
    }
    syncPath(target);
    const f: BackedUpFile = { file: name, bytes: fs.statSync(target).size, ...(damaged !== null ? { damaged } : {}) };
    done.push(f);
    opts.onFile?.(f);
  }
}

/**
 * False when the partition went away (retention) before it was opened;
 * null once copied. A file SQLite finds damaged (SQLITE_CORRUPT) cannot be
 * copied by VACUUM INTO, and that failed the whole backup without naming
 * it: it is copied byte for byte instead (without its -wal, whose pages a
 * server cannot apply to it either) and what SQLite said is returned, so
 * the other days are backed up and the damaged one named.
 */
function vacuumInto(src: string, target: string, name: string): false | string | null {
  let db: Database.Database;
  try {
    // Not read-only: a read-only connection cannot remove the -wal and -shm
    // files it creates on a folder no server has open, and left them behind.
    // timeout: a checkpoint or WAL recovery by the server holds a lock briefly.
    db = new Database(src, { fileMustExist: true, timeout: 10_000 });
  } catch (err) {
    if (!fs.existsSync(src)) return false;
    throw storeError('LS_STORE_CORRUPT_PARTITION', `${src}: ${(err as Error).message}`, err);
  }
  let reason: string;
  try {
    db.prepare('VACUUM INTO ?').run(target);
    return null;
  } catch (err) {
    if (!isCorruption(err)) throw storeError('LS_STORE_BACKUP_FAILED', `${name}: ${(err as Error).message}`, err);
    reason = (err as Error).message;
  } finally {
    db.close();
  }
  fs.rmSync(target, { force: true });
  fs.copyFileSync(src, target);
  return `${reason}; copied byte for byte, as SQLite cannot read it whole`;
}

function copyFile(src: string, target: string): boolean {
  try {
    fs.copyFileSync(src, target);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

