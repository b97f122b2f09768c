/**
 * `logship store migrate`: moves the events of row partitions (schema
 * versions 1–4, `<data>/sqlite/*.db`) into another store (the block store)
 * one partition at a time, oldest day first, then removes the partition.
 *
 * Crash safety without a journal of its own: the destination's write() is
 * durable and idempotent (exactly-once by (@timestamp, event.id), and by
 * event.id for receive-stamped events), so a run killed at any moment is
 * finished by running it again: pages already moved come back as
 * duplicates. A partition is removed only after all its events were
 * acknowledged, by renaming it out of the partition namespace first (one
 * atomic step, the directory fsync'd), so a kill between the rename and
 * the deletes leaves files no store reads, removed by the next run.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LogStore } from '../store/log-store.js';
import { PartitionDb } from './partition-db.js';
import type { StoredRow } from './event-row.js';
import { parsePartitionFileName } from './partition-name.js';
import { syncPath } from '../store/sync-path.js';

/** Events moved per write: large enough for big destination blocks, small enough for memory. */
export const MIGRATE_PAGE = 10_000;

const RETIRED = '.migrated';
const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

export interface MigrateProgress {
  partition: string;
  read: number;
  stored: number;
  duplicates: number;
  expired: number;
}

export interface MigrateResult {
  partitions: MigrateProgress[];
}

/** Row partition files in `dir`, oldest day first (nothing when there is no folder). */
export function rowPartitionFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((n) => parsePartitionFileName(n) !== null).sort();
}

export async function migrateRowPartitions(
  dir: string,
  dest: LogStore,
  opts: { now: number; page?: number; onPage?: (p: MigrateProgress) => void; onPartition?: (p: MigrateProgress) => void },
): Promise<MigrateResult> {
  removeRetiredPartitions(dir);
  const page = opts.page ?? MIGRATE_PAGE;
  const result: MigrateResult = { partitions: [] };
  for (const name of rowPartitionFiles(dir)) {
    const key = parsePartitionFileName(name);
    if (!key) continue;
    const progress: MigrateProgress = { partition: name, read: 0, stored: 0, duplicates: 0, expired: 0 };
    const db = new PartitionDb(path.join(dir, name), key, { create: false });
    try {
      let after = 0;
      for (;;) {
        const rows = db.all<StoredRow & { rid: number }>('SELECT * FROM events WHERE rid > ? ORDER BY rid LIMIT ?', [after, page]);
        if (rows.length === 0) break;
        after = rows[rows.length - 1]!.rid;
        const events = rows.map((r) => db.toEvent(r));
        const res = await dest.write(events, opts.now);
        if (res.errors.length > 0) {
          // Stored events always pass the checks; keep the partition rather than lose one.
          throw new Error(`${name}: the destination refused ${res.errors.length} events (first: ${res.errors[0]!.reason}); the partition is kept`);
        }
        progress.read += rows.length;
        progress.stored += res.stored;
        progress.duplicates += res.duplicates;
        progress.expired += res.expired;
        opts.onPage?.(progress);
      }
    } finally {
      db.close();
    }
    retire(dir, name);
    result.partitions.push(progress);
    opts.onPartition?.(progress);
  }
  return result;
}

/** Renames the partition out of the namespace (atomic), syncs the folder, then deletes. */
function retire(dir: string, name: string): void {
  const base = path.join(dir, name);
  // The WAL was checkpointed into the file when the connection closed; any
  // side file left is renamed with it so none is mistaken for another's.
  for (const suffix of SIDE_FILES) {
    try {
      fs.renameSync(base + suffix, base + RETIRED + suffix);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  syncPath(dir);
  removeRetiredPartitions(dir);
}

/**
 * Deletes partitions retired by a migration (renamed, not yet deleted): a
 * run killed between the two leaves them, and the next run removes them
 * even when nothing is left to migrate.
 */
export function removeRetiredPartitions(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const retired = names.filter((n) => n.includes(`.db${RETIRED}`));
  for (const n of retired) fs.rmSync(path.join(dir, n), { force: true });
  if (retired.length > 0) syncPath(dir);
}

