import fs from 'node:fs';
import path from 'node:path';
import { parsePartitionFileName } from './partition-name.js';
import { syncPath } from '../store/sync-path.js';

const SIDE_FILE = /^(.+)-(wal|shm|journal)$/;

/**
 * Removes the side files (`-wal`, `-shm`, `-journal`) of partitions whose
 * database file is gone, and returns their names. Retention deletes a
 * partition's side files before its database file
 * (partition-folder.ts removePartitionFiles), but a process killed in an
 * older version's order (database first), or a partition moved aside
 * without its side files, left them behind for good: space no listing
 * counted, and files a check of the folder's permissions refused. (SQLite
 * discards a WAL it finds beside an empty database, so a later partition
 * of the same name started clean; that is not relied on for the rest.)
 *
 * Run it only while holding the data folder's lock, before any partition
 * is opened (`logship serve`, `store migrate`): beside a running server a
 * partition it creates between the listing and the removal would lose the
 * WAL it has just opened. A partition's database file always exists while
 * its side files are in use (SQLite creates it first), so a live
 * partition's WAL is never touched.
 */
export function removeOrphanSideFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return []; // no folder of that format
  }
  const present = new Set(names);
  const removed: string[] = [];
  for (const name of names.sort()) {
    const m = SIDE_FILE.exec(name);
    if (!m || !m[1] || parsePartitionFileName(m[1]) === null || present.has(m[1])) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    removed.push(name);
  }
  if (removed.length > 0) syncPath(dir);
  return removed;
}

