/**
 * The partition folder, shared by the row store (sqlite-store.ts) and the
 * block store (blocks/block-store.ts): both keep one file per (UTC day,
 * class) in a folder, so listing it, measuring and deleting a partition's
 * files, probing the folder's health and deciding what a read may see are
 * the same code for both.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SortOrder } from '@logship/query/core';
import type { PartitionInfo, RetentionRunResult, StoreHealth } from '../store/log-store.js';
import { isStoreError, storeError } from '../store/store-error.js';
import { dataDirAdvice } from '../store/data-dir-advice.js';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import type { PartitionHandle, PartitionPool, PooledDb } from './partition-pool.js';
import { isCorruption } from './partition-damage.js';
import { accessDenied } from './denied-partition.js';
import { dayEndMs, dayStartMs, parsePartitionFileName, utcDay, type PartitionKey } from './partition-name.js';

/**
 * Creates the folder if need be and checks this process may read and write
 * it: without that no partition can be created, nor the server run. A
 * partition file in it this process may not read or write does not stop
 * it (deniedPartitionFiles says which).
 */
export function ensureFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK);
  } catch (err) {
    throw storeError('LS_STORE_DATA_DIR', `cannot use ${dir}: ${(err as Error).message}${dataDirAdvice(err)}`, err);
  }
}

/**
 * The partition files of `dir` (with their WAL and shared-memory files)
 * this process may not read and write, each as accessDenied says why (the
 * file, the OS's error, its owner and mode, this process's uid), in name
 * order: the start logs them and `serve --check` warns of them. Such a
 * file (left by a command run as another user, `sudo logship store
 * migrate`, a backup restored as root) refused the start from 2026-12-06
 * (LS_STORE_DATA_DIR), since it had let a server report ready while every
 * batch for its day answered 503 "attempt to write a readonly database"
 * with nothing saying why. Since 2026-12-07 a file denied is its day alone
 * (denied-partition.ts: left out of reads, or read read-only, with a
 * warning; its writes 503 naming it; taken back by a chown without a
 * restart), so one such file no longer takes the whole server down.
 */
export function deniedPartitionFiles(dir: string): string[] {
  // Not there yet (`serve --check` before the first start): nothing denied. Not listable: LS_STORE_DATA_DIR.
  if (!fs.existsSync(dir)) return [];
  const denied: string[] = [];
  for (const entry of listFolder(dir).sort()) {
    if (!parsePartitionFileName(entry)) continue;
    const why = accessDenied(path.join(dir, entry), 'write');
    if (why !== null) denied.push(why);
  }
  return denied;
}

/**
 * Syncs the pool's known partitions with the folder: picks up partitions
 * created by another process and closes those deleted by one (`logship
 * retention run` while the server runs).
 */
export function refreshPartitions<D extends PooledDb>(dir: string, pool: PartitionPool<D>): void {
  const names = new Set<string>();
  const entries = listFolder(dir);
  for (const entry of entries) {
    const key = parsePartitionFileName(entry);
    if (!key) continue;
    names.add(entry);
    pool.get(key);
  }
  for (const name of [...pool.known.keys()]) if (!names.has(name)) pool.forget(name);
}

/** The folder's entries; one that cannot be listed is LS_STORE_DATA_DIR. */
function listFolder(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    throw storeError('LS_STORE_DATA_DIR', `cannot list ${dir}: ${(err as Error).message}${dataDirAdvice(err)}`, err);
  }
}

/** Bytes of a partition file with its WAL and shared-memory side files. */
export function partitionBytes(dir: string, name: string): number {
  let bytes = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      bytes += fs.statSync(path.join(dir, name + suffix)).size;
    } catch {
      // side files come and go with checkpoints
    }
  }
  return bytes;
}

/**
 * Deletes a partition file and every side file SQLite may have left beside
 * it, side files first: a process killed between two removals then leaves
 * the expired database file, which the next run deletes, never side
 * files without their database, which nothing deleted
 * (orphan-side-files.ts removes those an older order left, at start).
 */
export function removePartitionFiles(dir: string, name: string): void {
  for (const suffix of ['-journal', '-wal', '-shm', '']) {
    fs.rmSync(path.join(dir, name + suffix), { force: true });
  }
}

/** The folder half of health(): can it be written, and is there room. */
export function probeFolder(dir: string, minFreeBytes: number): StoreHealth {
  // A probe write catches a directory that was removed or made read-only,
  // which an access() check alone would miss; free space is checked
  // because a full disk fails every write.
  const probe = path.join(dir, `.health-${process.pid}`);
  try {
    const fd = fs.openSync(probe, 'w');
    try {
      fs.writeSync(fd, 'ok');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.rmSync(probe, { force: true });
  } catch (err) {
    return { ok: false, reason: `data directory ${dir} is not writable: ${(err as Error).message}` };
  }
  // Low space is a warning, not a failure: readiness must agree with
  // ingest, and while the probe write above succeeds so do batches (after
  // a full disk was partly freed, ready said 503 while ingest answered 200).
  const stats = fs.statfsSync(dir);
  const free = stats.bavail * stats.bsize;
  if (free < minFreeBytes) {
    return { ok: true, warnings: [`data directory ${dir} has only ${free} bytes free (below ${minFreeBytes})`] };
  }
  return { ok: true };
}

/**
 * A write's failure with what the folder says on top, where SQLite's words
 * hide the cause: on a disk the kernel turned read-only (ext4's
 * `errors=remount-ro` after an I/O error) a commit fails with "disk I/O
 * error", SQLite keeping the errno to itself, while a probe write says
 * "EROFS: read-only file system", which is what the sender's 503 and the
 * operator's log should say. Other failures pass as they are.
 */
export function withFolderCause(err: unknown, dir: string): unknown {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !/^SQLITE_(IOERR|READONLY|CANTOPEN)/.test(code)) return err;
  const probe = probeFolder(dir, 0);
  if (probe.ok) return err;
  return Object.assign(new Error(`${(err as Error).message} (${probe.reason})`, { cause: err }), { code });
}

/** A partition is expired when its last possible event is past the cutoff. */
export function isPartitionExpired(policy: RetentionPolicy, key: PartitionKey, at: number): boolean {
  return dayEndMs(key.day) < policy.cutoff(key.className, at);
}

/** The part of a request's range a partition may answer: its day, less what its class has expired. */
export function visibleRange(
  policy: RetentionPolicy,
  key: PartitionKey,
  req: { from: number; to: number },
  at: number,
): { from: number; to: number } | null {
  const from = Math.max(req.from, dayStartMs(key.day), policy.cutoff(key.className, at));
  const to = Math.min(req.to, dayEndMs(key.day));
  return from <= to ? { from, to } : null;
}

/** Known partitions overlapping the range, grouped by day, in walk order. */
export function partitionsByDay<D extends PooledDb>(
  known: Iterable<PartitionHandle<D>>,
  range: { from: number; to: number },
  sort: SortOrder,
): PartitionHandle<D>[][] {
  if (!(range.from <= range.to)) return [];
  const first = utcDay(Math.max(range.from, -8.64e15));
  const last = utcDay(Math.min(range.to, 8.64e15));
  const byDay = new Map<string, PartitionHandle<D>[]>();
  for (const p of known) {
    if (p.key.day < first || p.key.day > last) continue;
    const list = byDay.get(p.key.day);
    if (list) list.push(p);
    else byDay.set(p.key.day, [p]);
  }
  const days = [...byDay.keys()].sort();
  if (sort === 'desc') days.reverse();
  return days.map((d) => byDay.get(d) ?? []);
}

/** What partitions() reports of each known partition, by name. */
export function partitionInfos<D extends PooledDb & { stats(): { events: number; oldest: number | null } }>(
  dir: string,
  known: Iterable<PartitionHandle<D>>,
  expired: (key: PartitionKey) => boolean,
): PartitionInfo[] {
  const infos: PartitionInfo[] = [];
  for (const p of [...known].sort((a, b) => a.name.localeCompare(b.name))) {
    let stats: { events: number; oldest: number | null };
    try {
      stats = p.db.stats();
    } catch (err) {
      // A damaged file is still listed (its bytes count, retention drops it):
      // /metrics and `logship store` must not fail with it, nor with a file
      // another process holds locked (which was called damaged until 2026-12-07),
      // nor with one this user may not open (/metrics answered 503 with it).
      if (!isCorruption(err) && !isStoreError(err, 'LS_STORE_PARTITION_LOCKED') && !isStoreError(err, 'LS_STORE_PARTITION_DENIED')) throw err;
      stats = { events: 0, oldest: null };
    }
    infos.push({
      name: p.name,
      class: p.key.className,
      day: p.key.day,
      bytes: partitionBytes(dir, p.name),
      events: stats.events,
      oldest: stats.oldest,
      expired: expired(p.key),
    });
  }
  return infos;
}

/**
 * Deletes the partitions past retention at `at` on this thread (the
 * inline store's enforceRetention): each one's events and bytes measured
 * first (closing checkpoints and removes the WAL), its connection closed,
 * its files removed, the folder synced once.
 */
export function dropExpiredPartitions<D extends PooledDb & { stats(): { events: number } }>(
  dir: string,
  pool: PartitionPool<D>,
  expired: (key: PartitionKey) => boolean,
): RetentionRunResult {
  const result: RetentionRunResult = { partitionsDropped: [], eventsRemoved: 0, bytesRemoved: 0 };
  for (const p of [...pool.known.values()]) {
    if (!expired(p.key)) continue;
    let events = 0;
    try {
      events = p.db.stats().events;
    } catch (err) {
      // A damaged, locked or denied file past retention is dropped all the same; its events cannot be counted.
      if (!isCorruption(err) && !isStoreError(err, 'LS_STORE_PARTITION_LOCKED') && !isStoreError(err, 'LS_STORE_PARTITION_DENIED')) throw err;
    }
    const bytes = partitionBytes(dir, p.name);
    pool.forget(p.name);
    removePartitionFiles(dir, p.name);
    result.partitionsDropped.push(p.name);
    result.eventsRemoved += events;
    result.bytesRemoved += bytes;
  }
  if (result.partitionsDropped.length > 0) pool.syncDir();
  return result;
}

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Why a partition file cannot be a partition, judged from its first 16
 * bytes without opening it (a file overwritten, or a disk that returned
 * garbage), else undefined. A file shorter than that is not judged: a new
 * partition in WAL mode has no page in its main file until a checkpoint.
 */
export function headerDamage(file: string): string | undefined {
  const head = Buffer.alloc(16);
  try {
    const fd = fs.openSync(file, 'r');
    try {
      if (fs.readSync(fd, head, 0, 16, 0) < 16) return undefined;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  if (head.equals(SQLITE_HEADER)) return undefined;
  return `cannot open ${file}: the file does not start with SQLite's header (it is damaged, or not a partition)`;
}

/** The partition files of `dir` whose header is damaged (headerDamage), each with why: `serve --check` and the start report them. */
export function damagedPartitionFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => parsePartitionFileName(n) !== null).sort().flatMap((n) => headerDamage(path.join(dir, n)) ?? []);
}

/** Every day a partition name can hold (0000-01-01 to 9999-12-31): utcDay of ±8.64e15 gives six-digit years, which sort outside. */
export const ALL_DAYS = Object.freeze({ from: -62_167_219_200_000, to: 253_402_300_799_999 });
