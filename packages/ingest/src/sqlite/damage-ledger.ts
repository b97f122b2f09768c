/**
 * What one thread of an embedded store knows of its partitions' damage
 * (partitioned-store.ts keeps one): the files found damaged inside and by
 * which identity, the files that would not open, which files were checked
 * whole and found sound; the checks a failed read or write has run, the
 * refusal of a write's share for a damaged day, and the list of files a
 * read leaves out (unreadablePartitions).
 */
import type { WriteResult } from '../store/log-store.js';
import { isStoreError, storeErrorDetail, type StoreError } from '../store/store-error.js';
import type { PartitionHandle, PartitionPool, PooledDb } from './partition-pool.js';
import { headerDamage, partitionsByDay } from './partition-folder.js';
import { AccessCheck } from './denied-partition.js';
import { leaveOutLocked } from './locked-partition.js';
import { leftOutList } from '@logship/query/core';
import { damageDetail, damagedWriteError, damageReason, fileIdentity, fileSignature, quickCheck, type DamagedPartition } from './partition-damage.js';

/** A partition a read leaves out, why, and the code of that cause (an answer's warning carries it). */
export interface UnreadablePartition {
  partition: string;
  reason: string;
  code: 'LS_STORE_CORRUPT_PARTITION' | 'LS_STORE_PARTITION_DENIED';
}

/** What the ledger asks of its store. */
export interface DamageLedgerDeps<D extends PooledDb> {
  /** The store's pool (a getter: the subclass sets it after the base constructor). */
  pool(): PartitionPool<D>;
  /** Lists the partition folder again. */
  refresh(): void;
  /** What is wrong with a partition's contents that quick_check does not see (null: nothing). */
  contentCheck(h: PartitionHandle<D>): string | null;
}

export class DamageLedger<D extends PooledDb> {
  constructor(private readonly deps: DamageLedgerDeps<D>) {}

  /** Why the last write was refused here (null once one is not): readiness says it. */
  refusedDamaged: string | null = null;

  /** Partitions this thread opened, by name, with their file's signature then (opens). */
  private readonly openedAs = new Map<string, string>();
  /** Partition files found unreadable, by name, with the error and its code (damage, or this user denied the file). */
  private readonly unreadable = new Map<string, UnreadablePartition>();
  /**
   * Whether this process may read each file (denied()), asked again when the file changes. Read, not
   * write: a file it may read but not write is read (a read-only connection, partition-pool.ts), only
   * its writes refused.
   */
  private readonly access = new AccessCheck(undefined, 'read');
  /** Partitions whose contents contentCheck found whole, by name, with their file's signature then. */
  private readonly contentChecked = new Map<string, string>();
  /** Partitions a write's check (checkWrite) found sound, by name, with their file's and its WAL's signatures then. */
  private readonly writeChecked = new Map<string, string>();
  /** Whole-file checks run (quick_check, then the content check when it finds nothing), for tests. */
  checks = 0;
  /** Partitions damaged inside (a read's check, a write's, a merge, another thread), by name, with their file's identity then. */
  private readonly damaged = new Map<string, string>();

  private get pool(): PartitionPool<D> {
    return this.deps.pool();
  }

  /** Whether the partition was noted damaged (its file not compared: isDamaged does). */
  has(name: string): boolean {
    return this.damaged.has(name);
  }

  /**
   * `days` without the partitions found damaged, those this user may not
   * read (one it may read but not write is read: partition-pool.ts opens
   * it read-only), and those that will not open. A file denied is left
   * out though a connection opened before still reads it: the thread
   * answering the API, which names it in the answer's warnings, cannot
   * know which reader thread holds one.
   */
  readable(days: PartitionHandle<D>[][]): PartitionHandle<D>[][] {
    // Tried last to first: past the pool's cap, the connections left open
    // are those the read takes first, not the ones it comes to last.
    const readable = new Set<PartitionHandle<D>>();
    for (const h of days.flat().reverse()) if (!this.isDamaged(h) && !this.denied(h) && this.opens(h)) readable.add(h);
    return days.map((day) => day.filter((h) => readable.has(h))).filter((day) => day.length > 0);
  }

  /** The range's partitions not noted damaged that a check finds damaged (after a read failed on damage). */
  checkRange(range: { from: number; to: number }): DamagedPartition[] {
    const found: DamagedPartition[] = [];
    for (const day of partitionsByDay(this.pool.known.values(), range, 'asc')) {
      for (const h of day) {
        if (this.damaged.has(h.name)) continue;
        this.checks++;
        const problem = quickCheck(h.file);
        if (problem !== null) found.push({ partition: h.name, reason: damageReason(h.file, problem) });
      }
    }
    if (found.length > 0) return found;
    // Damage SQLite's walk does not see (a block's bytes overwritten inside a
    // valid page, a row's doc that is not JSON) fails the store's own
    // decoding, or SQLite's JSON functions: the files' contents are read.
    for (const day of partitionsByDay(this.pool.known.values(), range, 'asc')) {
      for (const h of day) {
        if (this.damaged.has(h.name)) continue;
        // A file read whole once is not read again until it changes: the
        // range's healthy days would be decoded after every such failure.
        const signature = fileSignature(h.file);
        if (this.contentChecked.get(h.name) === signature) continue;
        const problem = this.deps.contentCheck(h);
        if (problem !== null) found.push({ partition: h.name, reason: damageReason(h.file, problem) });
        else this.contentChecked.set(h.name, signature);
      }
    }
    return found;
  }

  /**
   * The partition a write failed on damage in, when a check confirms it
   * (null: noted damaged before, or nothing found). A file checked whole
   * and found sound is not checked again until it or its WAL changes, as a
   * read's content check is not: a day whose writes kept failing for a
   * reason the checks do not confirm ran quick_check and the content check
   * at every batch, each of its retries. (The one such reason known, a file
   * another process holds locked, is no damage since 2026-12-07 and never
   * comes here: locked-partition.ts.)
   */
  checkWrite(name: string): DamagedPartition | null {
    if (this.damaged.has(name)) return null;
    this.deps.refresh();
    const h = this.pool.known.get(name);
    if (!h) return null;
    const signature = fileSignature(h.file);
    const checkedAs = `${signature} ${fileSignature(`${h.file}-wal`)}`;
    if (this.writeChecked.get(name) === checkedAs) return null;
    this.checks++;
    const problem = quickCheck(h.file) ?? (this.contentChecked.get(name) === signature ? null : this.deps.contentCheck(h));
    if (problem !== null) return { partition: name, reason: damageReason(h.file, problem) };
    this.writeChecked.set(name, checkedAs);
    this.contentChecked.set(name, signature);
    return null;
  }

  /**
   * Leaves these partitions out of reads, and names them in
   * unreadablePartitions, until their files are replaced (fileIdentity).
   * Returns them as noted, each with the identity of the file found so.
   */
  note(found: readonly DamagedPartition[]): DamagedPartition[] {
    // Another thread's finding (a reader thread's, a merge's) may name a
    // partition this thread has not listed yet (written by the writer
    // thread since this thread last read the folder): it was dropped, so
    // answers named no damage, the day's writes were taken and never found.
    if (found.some((d) => !this.pool.known.has(d.partition))) this.deps.refresh();
    const noted: DamagedPartition[] = [];
    for (const d of found) {
      const h = this.pool.known.get(d.partition);
      if (!h) continue;
      const identity = d.identity ?? fileIdentity(h.file);
      // The connection goes (not one holding a write): a file put back in its place is opened anew. The
      // handle stays: forgotten, the day's next write took it for a day without a file until the folder
      // was listed again, and was written (503 again, or acknowledged) into the damaged file.
      if (!this.pool.pinned(h)) this.pool.release(d.partition);
      this.damaged.set(d.partition, identity);
      this.unreadable.set(d.partition, { partition: d.partition, reason: d.reason, code: 'LS_STORE_CORRUPT_PARTITION' });
      noted.push({ partition: d.partition, reason: d.reason, identity });
    }
    return noted;
  }

  /** PartitionedStore.refuseDamaged: the groups of damaged days set aside, answered unavailable or refused whole. */
  refuse<G extends { name: string }>(prepared: { result: WriteResult; groups: G[] }, indexes: (group: G) => Iterable<number>, partial: boolean): void {
    this.refusedDamaged = null;
    if (this.damaged.size === 0) return;
    const kept: G[] = [];
    let refused: StoreError | null = null;
    for (const g of prepared.groups) {
      const h = this.pool.known.get(g.name);
      if (!h || !this.isDamaged(h)) {
        kept.push(g);
        continue;
      }
      const err = damagedWriteError(g.name, new Error(damageDetail(this.unreadable.get(g.name)?.reason ?? 'found damaged by a read')));
      refused ??= err;
      const unavailable = (prepared.result.unavailable ??= []);
      for (const index of indexes(g)) unavailable.push({ index, reason: storeErrorDetail(err) });
    }
    if (refused === null) return;
    if (kept.length === 0) {
      this.refusedDamaged = refused.message;
      if (!partial) throw refused;
      prepared.groups = kept;
      return;
    }
    // Readiness: the batch's other days were taken, so not "nothing of it was acknowledged".
    this.refusedDamaged = storeErrorDetail(refused);
    prepared.groups = kept;
  }

  /** Whether the partition was found damaged and its file is still the same. */
  private isDamaged(h: PartitionHandle<D>): boolean {
    const identity = this.damaged.get(h.name);
    if (identity === undefined) return false;
    if (identity === fileIdentity(h.file)) return true;
    this.damaged.delete(h.name);
    this.unreadable.delete(h.name);
    return false;
  }

  /**
   * Opens a partition for a read; false (and remembered) when its file
   * cannot be read. A file this thread opened before and that has not
   * changed since is not opened again only to be tried: a read over more
   * partitions than the pool keeps open (a year of days) opened every one
   * of them here and then again as it read them.
   */
  private opens(h: PartitionHandle<D>): boolean {
    if (h.current !== null) return true;
    const signature = fileSignature(h.file);
    if (this.openedAs.get(h.name) === signature) return true;
    if (this.damagedHeader(h)) return false;
    try {
      void h.db;
      this.unreadable.delete(h.name);
      this.openedAs.set(h.name, signature);
      return true;
    } catch (err) {
      // Locked by another process (its open waited OPEN_BUSY_MS): left out of this read alone, when its
      // owner can say so (locked-partition.ts); nothing remembered, the next read tries the file again.
      const list = leftOutList();
      if (list && isStoreError(err, 'LS_STORE_PARTITION_LOCKED')) {
        leaveOutLocked(list, h.name, h.file, err.cause ?? err);
        return false;
      }
      const code = isStoreError(err, 'LS_STORE_CORRUPT_PARTITION') ? 'LS_STORE_CORRUPT_PARTITION' : isStoreError(err, 'LS_STORE_PARTITION_DENIED') ? 'LS_STORE_PARTITION_DENIED' : null;
      if (code === null) throw err;
      this.unreadable.set(h.name, { partition: h.name, reason: (err as Error).message, code });
      return false;
    }
  }

  /**
   * Whether this process may not read or write the partition's file
   * (denied-partition.ts), remembered so until it may: no damage, so
   * nothing is noted, and the day is read again once the file is given
   * back. Asked of every file a read or an answer's warnings cover, with
   * access(2) without opening it (AccessCheck: again only when the file
   * changed), so the thread answering the API knows it of files its
   * reader threads could not open.
   */
  private denied(h: PartitionHandle<D>): boolean {
    const denied = this.access.denied(h.file);
    if (denied !== null) {
      this.unreadable.set(h.name, { partition: h.name, reason: `${denied}; its day is read again once the file is given back to the server's user (chown)`, code: 'LS_STORE_PARTITION_DENIED' });
      return true;
    }
    if (this.unreadable.get(h.name)?.code === 'LS_STORE_PARTITION_DENIED') this.unreadable.delete(h.name);
    return false;
  }

  /**
   * Whether the file's first 16 bytes are not SQLite's header (a file
   * overwritten, or a disk that returned garbage): checked without opening
   * it, so the thread answering the API can tell without a connection.
   * A file shorter than that is not judged: a new partition in WAL mode has
   * no page in its main file until a checkpoint.
   */
  private damagedHeader(h: PartitionHandle<D>): boolean {
    const damage = headerDamage(h.file);
    if (damage === undefined) return false;
    this.unreadable.set(h.name, { partition: h.name, reason: damage, code: 'LS_STORE_CORRUPT_PARTITION' });
    return true;
  }

  /**
   * The partitions in `range` whose files cannot be read, each with why:
   * searches over the range skip them (daysInRange). Known here from the
   * file headers and permissions, and from the connections this thread
   * failed to open. `code` says why: LS_STORE_CORRUPT_PARTITION (damaged,
   * to be replaced) or LS_STORE_PARTITION_DENIED (this user may not open
   * it, to be given back).
   */
  unreadablePartitions(range: { from: number; to: number }): UnreadablePartition[] {
    const out: UnreadablePartition[] = [];
    for (const day of partitionsByDay(this.pool.known.values(), range, 'asc')) {
      for (const h of day) {
        if (!this.isDamaged(h) && !(h.current === null && this.damagedHeader(h))) this.denied(h);
        const unreadable = this.unreadable.get(h.name);
        if (unreadable !== undefined) out.push({ ...unreadable });
      }
    }
    return out;
  }
}
