/**
 * What both embedded stores share (the row store, sqlite-store.ts; the block
 * store, blocks/block-store.ts): a folder of partition files by (UTC day,
 * retention class) held in a pool, the retention policy that hides expired
 * events and drops whole files, the writer and reader threads, health and
 * close. Each store brings its partitions' format, its writes and its reads.
 */
import path from 'node:path';
import { leftOutList, noteReadCut, resolveTextFields, wantsReadCut, type SortOrder } from '@logship/query/core';
import type { PartitionInfo, RetentionRunResult, StoreBackgroundEvent, StoreHealth, WriteResult } from '../store/log-store.js';
import { storeError } from '../store/store-error.js';
import type { RetentionConfig } from '../retention/retention-config.js';
import { createRetentionPolicy, type ClassMatcherFactory, type RetentionPolicy } from '../retention/retention-policy.js';
import type { PartitionHandle, PartitionPool, PooledDb } from './partition-pool.js';
import type { WriterThread } from './writer-thread.js';
import type { ReaderPool } from './reader-pool.js';
import type { PartitionKey } from './partition-name.js';
import {
  deniedPartitionFiles,
  dropExpiredPartitions,
  ensureFolder,
  isPartitionExpired,
  partitionInfos,
  partitionsByDay,
  probeFolder,
  refreshPartitions,
  visibleRange,
} from './partition-folder.js';
import { classFingerprintOf } from './class-fingerprint.js';
import { damagedWritePartition, isCorruption, type DamagedPartition } from './partition-damage.js';
import { DamageLedger, type UnreadablePartition } from './damage-ledger.js';
import { classMatcherFor, MIN_FREE_BYTES } from './store-limits.js';
import { allLockedError, isLockFailure, leaveOutLockedFiles, lockedNames } from './locked-partition.js';
import { CommitCount, type LaneCut } from './commit-count.js';

/** The options every embedded store takes. */
export interface PartitionedStoreOptions {
  /** The server's data directory; a store's partitions live in a folder of it. */
  dataDir: string;
  retention: RetentionConfig;
  now?: () => number;
  /** Compiles a retention class query into a predicate (default: parse + compileMatcher). */
  classMatcher?: ClassMatcherFactory;
  /** Write on a worker thread rather than the calling thread; needs the default class matcher (functions cannot cross threads). */
  writerThread?: boolean;
  /** Worker threads answering reads (0: the calling thread reads). */
  readerThreads?: number;
  /** The text fields (server `search.text_fields`; default the query package's DEFAULT_TEXT_FIELDS). */
  textFields?: readonly string[];
  /** Free space below which health() warns (default MIN_FREE_BYTES). */
  minFreeBytes?: number;
  /** Connections each thread keeps open at most (default OPEN_PARTITIONS, partition-pool.ts; tests lower it). */
  maxOpenPartitions?: number;
  /** The count of events committed (commit-count.ts) the store's threads share: the main thread's store makes it, its writer and reader threads get it. */
  commitCount?: SharedArrayBuffer;
}

/** What close() ends: the store's inline writes (BatchWriter, BlockWriter). */
interface InlineWrites {
  flush(): void;
  stop(): void;
}

/** What the shared methods ask of a partition: the pool's close, and counts for partitions() and retention. */
export type StoreDb = PooledDb & {
  stats(): { events: number; oldest: number | null };
  /** Begins a read transaction, its snapshot taken now; false when the connection is in a transaction already (not this read's). */
  beginRead(): boolean;
  /** Ends what beginRead began (nothing when the pool closed the connection since). */
  endRead(): void;
};

export abstract class PartitionedStore<D extends StoreDb, W> {
  readonly dir: string;
  protected readonly clock: () => number;
  protected readonly minFreeBytes: number;
  protected readonly policy: RetentionPolicy;
  /** Identifies the class list (names and queries) events are classified with. */
  protected readonly classFingerprint: string;
  protected readonly textFields: readonly string[];
  /** Reader threads asked for: 0 reads on the calling thread. */
  protected readonly readerThreads: number;
  /** Set by the subclass's constructor: its pool opens its own partition format. */
  protected abstract readonly pool: PartitionPool<D>;
  protected abstract readonly writes: InlineWrites;
  protected closed = false;
  protected writer: WriterThread<W> | null = null;
  protected readers: ReaderPool | null = null;
  /** Events committed, shared with the writer and reader threads (commit-count.ts). */
  protected readonly commits: CommitCount;

  protected constructor(folder: string, opts: PartitionedStoreOptions) {
    this.dir = path.join(opts.dataDir, folder);
    this.clock = opts.now ?? Date.now;
    this.minFreeBytes = opts.minFreeBytes ?? MIN_FREE_BYTES;
    this.classFingerprint = classFingerprintOf(opts.retention);
    this.textFields = resolveTextFields(opts.textFields);
    this.policy = createRetentionPolicy(opts.retention, opts.classMatcher ?? classMatcherFor(this.clock, this.textFields));
    if (opts.writerThread && opts.classMatcher) {
      throw storeError('LS_STORE_BAD_REQUEST', 'a custom class matcher cannot be used with a writer thread');
    }
    const readerThreads = opts.readerThreads ?? 0;
    if (!Number.isInteger(readerThreads) || readerThreads < 0) {
      throw storeError('LS_STORE_BAD_REQUEST', `readerThreads must be a non-negative integer, got ${readerThreads}`);
    }
    this.readerThreads = readerThreads;
    this.commits = new CommitCount(opts.commitCount);
  }

  /** The reader threads (they start with the first queries, reader-pool.ts) and the writer thread, each null when not asked for. */
  protected abstract newThreads(): { readers: ReaderPool | null; writer: WriterThread<W> | null };

  /** Starts the writer thread, when configured (after init()). */
  async start(): Promise<void> {
    const { readers, writer } = this.newThreads();
    this.readers = readers;
    if (!writer) return;
    try {
      await writer.started();
    } catch (err) {
      await writer.close().catch(() => undefined);
      await this.readers?.close().catch(() => undefined);
      throw err;
    }
    this.writer = writer;
  }

  /**
   * Makes the folder and lists it. `checkFiles` (the store's opening, on
   * the main thread) notes the partition files this user may not read or
   * write (deniedAtStart), for the start to say so; the server starts all
   * the same, each such day treated as one denied while it runs
   * (denied-partition.ts). A reader thread, started by the first queries,
   * skips that.
   */
  init(checkFiles = true): void {
    ensureFolder(this.dir);
    if (checkFiles) this.denied = deniedPartitionFiles(this.dir);
    this.refresh();
  }

  private denied: string[] = [];

  /** The partition files this user could not read or write when the store opened, each with why (deniedPartitionFiles). */
  deniedAtStart(): string[] {
    return [...this.denied];
  }

  async partitions(now?: number): Promise<PartitionInfo[]> {
    this.assertOpen();
    const at = now ?? this.clock();
    this.refresh();
    return partitionInfos(this.dir, this.pool.known.values(), (key) => this.isExpired(key, at));
  }

  async enforceRetention(now?: number): Promise<RetentionRunResult> {
    this.assertOpen();
    const at = now ?? this.clock();
    this.refresh();
    if (this.writer) {
      // The writer thread deletes the files; this thread's readers let go first.
      for (const p of [...this.pool.known.values()]) if (this.isExpired(p.key, at)) this.pool.forget(p.name);
      const result = await this.writer.enforceRetention(at);
      this.refresh();
      this.readers?.refreshAll();
      return result;
    }
    const result = dropExpiredPartitions(this.dir, this.pool, (key) => this.isExpired(key, at));
    // Reader threads let go of the deleted files now, not at their next query.
    if (result.partitionsDropped.length > 0) this.readers?.refreshAll();
    return result;
  }

  async health(): Promise<StoreHealth> {
    if (this.closed) return { ok: false, reason: 'the store is closed' };
    const writerFailure = this.writer?.failure ?? this.writer?.damagedWrite ?? this.damage.refusedDamaged;
    if (writerFailure) return { ok: false, reason: writerFailure };
    return probeFolder(this.dir, this.minFreeBytes);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Writes already accepted are committed (and answered) before closing.
    this.writes.flush();
    this.writes.stop();
    this.stopBackground();
    this.closed = true;
    if (this.readers) await this.readers.close();
    if (this.writer) await this.writer.close();
    this.pool.closeAll();
    this.pool.known.clear();
  }

  /** What else runs on this thread and stops before the store closes (the block store's merges). */
  protected stopBackground(): void {}

  /** Re-reads the partition folder now (reader threads, after retention). */
  syncPartitions(): void {
    if (!this.closed) this.refresh();
  }

  protected isExpired(key: PartitionKey, at: number): boolean {
    return isPartitionExpired(this.policy, key, at);
  }

  /** The part of `req`'s range a partition may answer for at `at` (null: none, its events have expired). */
  protected visibleRange(p: PartitionHandle<D>, req: { from: number; to: number }, at: number): { from: number; to: number } | null {
    return visibleRange(this.policy, p.key, req, at);
  }

  /** Open partitions overlapping the range, grouped by day, in walk order. */
  protected daysInRange(range: { from: number; to: number }, sort: SortOrder): PartitionHandle<D>[][] {
    this.refresh();
    const all = partitionsByDay(this.pool.known.values(), range, sort);
    // A cut read reads the partitions it took its snapshots of: one made since holds only later commits.
    const cutTo = this.cutTo;
    const days = cutTo === null ? all : all.map((day) => day.filter((h) => cutTo.has(h.name))).filter((day) => day.length > 0);
    // A damaged partition file is left out, not the search failed (500):
    // the rest of the range is answered, and the query API says which
    // files were skipped (unreadablePartitions), as Elasticsearch answers
    // with the shards it could read and a note of the failed ones. So is a
    // file another process holds locked, for this read (locked-partition.ts).
    const list = leftOutList();
    const locked = lockedNames(list);
    const readable = this.damage.readable(locked.size === 0 ? days : days.map((day) => day.filter((h) => !locked.has(h.name))).filter((day) => day.length > 0));
    // Every partition of the range it could have read locked: the read
    // fails (503, retryable), as before. An answer of nothing but warnings
    // reads as "no events" to whoever does not look at them (a dashboard,
    // an alert on absence, a script), where the lock is gone in moments and
    // a retry answers it whole; Elasticsearch answers "all shards failed"
    // (503) alike, and partial results only when some shard answered.
    if (readable.length === 0 && list) {
      const err = allLockedError(list, days.flat().map((h) => h.name));
      if (err) throw err;
    }
    return readable;
  }

  /** The partitions a cut read took its snapshots of (null: no cut read runs); one field, as reads run synchronously. */
  private cutTo: Set<string> | null = null;
  private readonly cutDbs = new Set<D>();

  /** Whether a cut read holds `db`'s snapshot: the pool must not close it. */
  protected cutHolds(db: D): boolean {
    return this.cutDbs.has(db);
  }

  /** Set by a cut read's body that did not read all its snapshots hold (a split query's lane given fewer days): its cut is not told. */
  private cutSpoiled = false;

  /** The read running now left out commits its cut holds: it tells no cut (null). */
  protected spoilCut(): void {
    this.cutSpoiled = true;
  }

  /**
   * Runs a read's synchronous body `fn` over `range` with a read
   * transaction on each partition of the range, begun where no commit falls
   * between them (commit-count.ts), and tells the read's owner how many
   * committed events they hold (@logship/query read-cut.ts), or null when
   * it could not say: more partitions than half the connections a thread
   * keeps (it would close some mid-read), one already in another read's
   * transaction (reads on the main thread), a commit always under way. Only
   * for an owner that takes the cut: others read as before. `lanes`: this
   * read is a lane of a split query, cut with the other (CommitCount.cutLane).
   */
  protected cutRead<T>(range: { from: number; to: number }, fn: () => T, lanes?: LaneCut): T {
    if (this.cutTo !== null || !wantsReadCut()) return fn();
    let listed: PartitionHandle<D>[] = [];
    const end = (): void => {
      for (const db of this.cutDbs) db.endRead();
      this.cutDbs.clear();
    };
    const begin = (): boolean => {
      listed = this.daysInRange(range, 'asc').flat();
      if (listed.length > this.pool.maxOpen / 2) return false;
      let own = true;
      for (const p of listed) {
        const db = p.db;
        if (db.beginRead()) this.cutDbs.add(db);
        else own = false;
      }
      return own;
    };
    let cut: number | null;
    try {
      cut = lanes ? this.commits.cutLane(begin, end, lanes) : this.commits.cut(begin, end);
    } catch {
      // A partition that cannot be listed or opened: the read meets it itself, as before.
      end();
      cut = null;
    }
    this.cutTo = cut === null ? null : new Set(listed.map((p) => p.name));
    this.cutSpoiled = false;
    try {
      const result = fn();
      noteReadCut(this.cutSpoiled ? null : cut);
      return result;
    } finally {
      this.cutTo = null;
      end();
    }
  }

  /**
   * Runs a read over `range`, leaving out partitions found damaged inside
   * (partition-damage.ts): when it fails with SQLITE_CORRUPT, the range's
   * partitions are checked, the damaged ones noted (daysInRange skips them,
   * unreadablePartitions names them) and the read runs again. A failure no
   * check explains is the read's own.
   */
  async skippingDamaged<T>(range: { from: number; to: number }, run: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await run();
      } catch (err) {
        // A statement met another process's lock on a file opened before it
        // (after STATEMENT_BUSY_MS), or an open did where daysInRange did not
        // open (a file opened before and closed by the pool since): the
        // range's files locked now are left out and the read runs again,
        // when its owner can say so (locked-partition.ts). Each run leaves
        // out one more file at least, so this ends.
        const list = leftOutList();
        if (list && isLockFailure(err)) {
          this.refresh();
          const files = partitionsByDay(this.pool.known.values(), range, 'asc').flat();
          if (leaveOutLockedFiles(list, files) > 0) continue;
        }
        if (!isCorruption(err)) throw err;
        const found = this.damage.checkRange(range);
        if (found.length === 0) throw err;
        // Handed on with the identity of the file found damaged: the thread
        // told notes that file, not one put in its place meanwhile.
        this.newlyDamaged.push(...this.noteDamaged(found));
      }
    }
  }

  /**
   * What is wrong with the partition's contents that SQLite's quick_check
   * does not see (null: nothing found): the format's own decoding of every
   * stored value. The row store keeps nothing SQLite does not check.
   */
  protected contentCheck(_h: PartitionHandle<D>): string | null {
    return null;
  }

  /** Listeners of what the store's background work and reader threads met (onBackground). */
  private readonly backgroundListeners = new Set<(event: StoreBackgroundEvent) => void>();

  /** Calls `listener` with what the store's other threads met: partitions found damaged, the block store's merges failing and working again (LogStore). */
  onBackground(listener: (event: StoreBackgroundEvent) => void): void {
    this.backgroundListeners.add(listener);
  }

  protected reportBackground(event: StoreBackgroundEvent): void {
    for (const listener of this.backgroundListeners) listener(event);
  }

  /** Damage another thread found (a reader thread, a merge): noted here, the reader threads told, and (`say`) the listeners. */
  protected damageFound(found: DamagedPartition[], say: boolean): DamagedPartition[] {
    const noted = this.noteDamaged(found);
    this.readers?.tellDamaged(noted);
    if (say) for (const d of noted) this.reportBackground({ kind: 'damaged', partition: d.partition, reason: d.reason });
    return noted;
  }

  // A write failed on damaged pages (damagedWriteError) has its partition checked as a read's failure does, and
  // damage confirmed noted alike (logged, left out of reads, later writes refused): it was a 503 retried forever.
  protected async checkedWrite(write: Promise<WriteResult>): Promise<WriteResult> {
    try {
      return await write;
    } catch (err) {
      const name = damagedWritePartition(err);
      const found = name === null ? null : this.damage.checkWrite(name);
      if (found) this.damageFound([found], true);
      throw err;
    }
  }

  /** Partitions found damaged by reads on this thread since the last call (a reader thread tells the main thread). */
  takeDamaged(): DamagedPartition[] {
    return this.newlyDamaged.splice(0);
  }

  /**
   * Leaves these partitions out of reads, and names them in
   * unreadablePartitions, until their files are replaced (fileIdentity).
   * Returns them as noted, each with the identity of the file found so.
   */
  noteDamaged(found: readonly DamagedPartition[]): DamagedPartition[] {
    return this.damage.note(found);
  }

  /**
   * Sets aside a write's share for a partition a read found damaged inside
   * (and whose file is still the one found so), as a write that reaches its
   * damaged pages fails: acknowledged, its events would be left out of every
   * search, and moved aside with the file when it is replaced. Those events
   * are answered `unavailable` (a retry can store them once a new file takes
   * the day), the other days' are written: a batch mixing a damaged day with
   * others was refused whole, and a sender retrying it shipped nothing else.
   * When the damaged days are all the batch would store, it is refused
   * whole, a 503 naming the file, unless the caller answers event by event
   * (`partial`, WriteOptions): then nothing is written and every event is
   * unavailable, so the agent holds those lines aside and ships on, where a
   * 503 for the request kept it waiting on them.
   */
  protected refuseDamaged<G extends { name: string }>(prepared: { result: WriteResult; groups: G[] }, indexes: (group: G) => Iterable<number>, partial = false): void {
    this.damage.refuse(prepared, indexes, partial);
  }

  /**
   * The partitions in `range` whose files cannot be read, each with why:
   * searches over the range skip them (daysInRange). Known here from the
   * file headers, and from the connections this thread failed to open.
   */
  unreadablePartitions(range: { from: number; to: number }): UnreadablePartition[] {
    if (this.closed) return [];
    this.refresh();
    return this.damage.unreadablePartitions(range);
  }

  /** Whole-file checks run after reads or writes failed on damage (tests). */
  get damageChecks(): number {
    return this.damage.checks;
  }

  /** What this thread knows of its partitions' damage (damage-ledger.ts). */
  private readonly damage = new DamageLedger<D>({ pool: () => this.pool, refresh: () => this.refresh(), contentCheck: (h) => this.contentCheck(h) });
  private readonly newlyDamaged: DamagedPartition[] = [];

  protected refresh(): void {
    refreshPartitions(this.dir, this.pool);
  }

  protected assertOpen(): void {
    if (this.closed) throw storeError('LS_STORE_CLOSED', 'the store was closed');
  }
}
