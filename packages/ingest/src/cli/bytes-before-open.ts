/**
 * What each partition of a data folder weighs on disk before a command
 * opens the store. Opening a SQLite partition that no server holds open
 * creates its `-shm` (32 KiB) and an empty `-wal`, and removes them at the
 * close: `retention status --data DIR` on a stopped store reported 32 KiB a
 * partition more than `ls` or `du` showed, and `retention run` that much
 * more freed. Measured first, the numbers are the folder's own; beside a
 * running server they include its side files, which are on disk as well.
 */
import fs from 'node:fs';
import { partitionBytes } from '../sqlite/partition-folder.js';
import { parsePartitionFileName } from '../sqlite/partition-name.js';

/** Each partition file's bytes with its side files, by file name; empty when the folder cannot be listed. */
export function bytesBeforeOpen(dir: string): Map<string, number> {
  const bytes = new Map<string, number>();
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return bytes;
  }
  for (const name of names) if (parsePartitionFileName(name) !== null) bytes.set(name, partitionBytes(dir, name));
  return bytes;
}
