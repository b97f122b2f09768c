/**
 * The block LogStore: events in column blocks (docs/BLOCK_STORE.md).
 *
 *   write(batch) ─► check + classify (block-prepare.ts) ─► [writer thread]
 *     ─► dedupe ─► one block per (UTC day, class) per group commit, fsync'd
 *        (block-writer.ts) ─► merges in the background (merge-scheduler.ts)
 *   DATA/blocks/2026-11-23.default.db  2026-11-23.errors.db  ...
 *   search/count/aggregate ─► [reader threads] ─► partitions in range ─►
 *     blocks pruned by header (block-prune.ts) ─► decode the needed
 *     columns, match (block-scan.ts) ─► search / count / aggregate
 *
 * Partitions, retention, health and the thread plumbing are shared with
 * the row store (sqlite/partitioned-store.ts), with block partitions in the pool.
 */
import { answerFieldValues, FIELD_SAMPLE_SIZE, type GroupedAggregateRequest, type GroupedAggregateResult, type FieldValuesRequest, type FieldValuesResult, type AggregateRequest, type AggregateResult, type CountRequest, type FieldsRequest, type FieldsResult, type LogEvent, type SearchRequest, type SearchResult, type SortOrder } from '@logship/query/core';
import type { LogStore, PreparingStore, WriteOptions, WriteResult } from '../store/log-store.js';
import { storeError } from '../store/store-error.js';
import { PartitionPool, type PartitionHandle } from '../sqlite/partition-pool.js';
import { WriterThread, type WriterThreadOptions } from '../sqlite/writer-thread.js';
import { ReaderPool, type ReaderThreadOptions } from '../sqlite/reader-pool.js';
import { PartitionedStore } from '../sqlite/partitioned-store.js';
import { damageReason, ProbedDamage } from '../sqlite/partition-damage.js';
import { carriedTotal, decodeCursor, type SortKey } from '../sqlite/search-cursor.js';
import { checkLimit, TOTAL_COUNT_LIMIT } from '../sqlite/store-limits.js';
import { BlockPartition } from './block-partition.js';
import { blockContentCheck } from './block-content-check.js';
import { BlockWriter } from './block-writer.js';
import { prepareBlockWrite, type PreparedBlockWrite } from './block-prepare.js';
import { compileBlockQuery, type CompiledQuery } from './block-scan.js';
import { countBlocks, searchBlocks, type BlockSlice, type SearchWalk } from './block-search.js';
import { DayTotals } from './day-totals.js';
import { aggregateBlocks, rolledUp, type AggregatePart } from './block-aggregate.js';
import { groupBlocks } from './block-group-pass.js';
import { groupsInTwoReads, type GroupPassRequest } from '../sqlite/group-pass.js';
import { MergeScheduler } from './merge-scheduler.js';
import { ColumnCache } from './column-cache.js';
import { aggregateSplit, bytesInRange, countSplit, searchSplit, SPLIT_MIN_BYTES, type LaneAnswer, type LaneFields } from './split-query.js';
import { aggregateLane, countLane, searchLane } from './query-lanes.js';
import { PERCENTILE_VALUES, type SelectPass } from '../sqlite/percentile-select.js';
import { blockQuestion, pageOf, type SearchPart } from './search-part.js';
import { DayClaims } from './scan-share.js';
import { blockFields, blockFieldValues } from './block-fields.js';
import type { BlockStoreOptions } from './block-store-options.js';
import type { BlockPreparerOptions } from './block-preparer.js';
import { ReadSnapshots } from './read-snapshots.js';
import type { LaneCut } from '../sqlite/commit-count.js';

export type { BlockStoreOptions } from './block-store-options.js';

type Open = PartitionHandle<BlockPartition>;

export class BlockStore extends PartitionedStore<BlockPartition, PreparedBlockWrite> implements LogStore, PreparingStore {
  protected readonly pool: PartitionPool<BlockPartition>;
  protected readonly writes: BlockWriter;
  private readonly merger: MergeScheduler | null;
  private readonly writerOptions: WriterThreadOptions | null;
  private readonly readerOptions: ReaderThreadOptions | null;
  private readonly rollups: boolean;
  private readonly maxTermsKeys: number | undefined;
  private readonly percentileValues: number;
  private readonly splitMinBytes: number;
  /** Queries run on two reader threads at once so far (split-query.ts). */
  splitQueries = 0;
  /** Split queries run one at a time (inTurn), so each lane finds its own thread. */
  private splitTurn: Promise<unknown> = Promise.resolve();
  /** This thread's decoded columns (reader threads and inline readers only). */
  private readonly columnCache: ColumnCache | undefined;
  /** The read transactions of the queries running (read-snapshots.ts). */
  private readonly reads = new Set<ReadSnapshots>();

  constructor(opts: BlockStoreOptions) {
    super('blocks', opts);
    const cacheBytes = opts.columnCacheBytes ?? 0;
    if (!Number.isInteger(cacheBytes) || cacheBytes < 0) {
      throw storeError('LS_STORE_BAD_REQUEST', `columnCacheBytes must be a non-negative integer, got ${cacheBytes}`);
    }
    const columnCache = cacheBytes > 0 && this.readerThreads === 0 ? new ColumnCache(cacheBytes) : undefined;
    this.columnCache = columnCache;
    this.pool = new PartitionPool<BlockPartition>(
      this.dir,
      (h) => {
        const db = h.current;
        // A query's read is kept while the connection is, not the connection for it (read-snapshots.ts).
        if (db === null) return false;
        if (this.writes.holds(db) || (db.inTransaction && !db.inReadOnly) || this.cutHolds(db)) return true;
        for (const r of this.reads) if (r.holds(db)) return true;
        return false;
      },
      opts.maxOpenPartitions,
      // Never mapped (block-partition.ts says why).
      false,
      (file, key, o) => new BlockPartition(file, key, { create: o.create, columnCache, writeOnly: opts.writeOnly ?? false }),
    );
    this.rollups = opts.rollups ?? true;
    this.maxTermsKeys = opts.maxTermsKeys;
    this.percentileValues = opts.percentileValues ?? PERCENTILE_VALUES;
    this.splitMinBytes = opts.splitMinBytes ?? SPLIT_MIN_BYTES;
    this.merger =
      opts.merges === false || opts.writerThread
        ? null
        : new MergeScheduler({
            pool: this.pool,
            textFields: this.textFields,
            busy: () => this.writes.busy,
            merged: (db, ids) => this.writes.pairs.forget(db, ids),
            damaged: (partition, file, err) => {
              // Named like damage a read finds: left out, in unreadablePartitions, its day's writes refused.
              const found = [{ partition, reason: damageReason(file, err) }];
              // On the writer thread the main thread is told, and says it.
              // With the identity of the file the merge read (noted): the main
              // thread told later notes that file, not one put in its place since.
              opts.onDamaged?.(this.damageFound(found, !opts.onDamaged));
            },
            report: (event) => this.reportBackground(event),
          });
    if (opts.onBackground) this.onBackground(opts.onBackground);
    const probed = new ProbedDamage<PartitionHandle<BlockPartition>>((h) => blockContentCheck(h.file, h.key), (found) => opts.onDamaged?.(this.damageFound([found], !opts.onDamaged)));
    this.writes = new BlockWriter({
      pool: this.pool,
      refresh: () => this.refresh(),
      textFields: this.textFields,
      afterCommit: (dbs) => this.merger?.written(dbs),
      commits: this.commits,
      checkpointEveryMs: opts.checkpointEveryMs,
      // Noted as a merge's finding is (on the writer thread the main thread is told, and says it).
      damagedNeighbour: (p) => probed.damaged(p),
    });
    this.writerOptions = opts.writerThread
      ? { dataDir: opts.dataDir, retention: opts.retention, textFields: this.textFields, commitCount: this.commits.buffer, ...(opts.merges === false ? { merges: false } : {}) }
      : null;
    this.readerOptions =
      this.readerThreads > 0
        ? {
            dataDir: opts.dataDir,
            retention: opts.retention,
            rollups: this.rollups,
            textFields: this.textFields,
            commitCount: this.commits.buffer,
            ...(opts.columnCacheBytes !== undefined ? { columnCacheBytes: opts.columnCacheBytes } : {}),
            ...(opts.maxTermsKeys !== undefined ? { maxTermsKeys: opts.maxTermsKeys } : {}),
            ...(opts.percentileValues !== undefined ? { percentileValues: opts.percentileValues } : {}),
            ...(opts.maxOpenPartitions !== undefined ? { maxOpenPartitions: opts.maxOpenPartitions } : {}),
          }
        : null;
  }

  protected newThreads(): { readers: ReaderPool | null; writer: WriterThread<PreparedBlockWrite> | null } {
    return {
      readers: this.readerOptions ? new ReaderPool(this.readerOptions, this.readerThreads, new URL('./block-reader.worker.js', import.meta.url), (found) => this.damageFound(found, true)) : null,
      writer: this.writerOptions
        ? new WriterThread<PreparedBlockWrite>(this.writerOptions, new URL('./block-writer.worker.js', import.meta.url), (found) => this.damageFound(found, true), (event) => this.reportBackground(event))
        : null,
    };
  }

  protected override contentCheck(h: PartitionHandle<BlockPartition>): string | null {
    return blockContentCheck(h.file, h.key);
  }

  protected override stopBackground(): void {
    this.merger?.stop();
  }

  async write(events: LogEvent[], now?: number, opts?: WriteOptions): Promise<WriteResult> {
    this.assertOpen();
    const prepared = prepareBlockWrite(events, now ?? this.clock(), this.policy, this.classFingerprint, this.textFields, opts?.contentIds, opts?.times);
    this.refuseDamaged(prepared, (g) => g.index, opts?.partial);
    return this.checkedWrite(this.writer ? this.writer.write(prepared) : this.writes.write(prepared));
  }

  /**
   * For ingest workers (server/ingest-workers.ts): block-preparer.ts
   * prepares on their threads what commitPrepared stores. Only with a
   * writer thread: without one, writes are prepared and committed on the
   * calling thread (tests, `logship store migrate`).
   */
  preparer(): { url: string; options: BlockPreparerOptions } | null {
    if (!this.writerOptions) return null;
    return { url: new URL('./block-preparer.js', import.meta.url).href, options: { retention: this.writerOptions.retention, textFields: this.textFields } };
  }

  /** Stores what a createPreparer function returned (PreparingStore), as write() stores its events. */
  commitPrepared(prepared: unknown): Promise<WriteResult> {
    this.assertOpen();
    // Prepared on an ingest worker: the damaged days are known only here.
    // Ingest is the only caller, and answers unavailable events one by one.
    this.refuseDamaged(prepared as PreparedBlockWrite, (g) => g.index, true);
    return this.checkedWrite(this.writer ? this.writer.write(prepared as PreparedBlockWrite) : this.writes.write(prepared as PreparedBlockWrite));
  }

  /** Stores events prepared by another BlockStore's write() (the writer thread's side). */
  writePrepared(prepared: PreparedBlockWrite): Promise<WriteResult> {
    this.assertOpen();
    return this.writes.write(prepared);
  }

  /** Runs every pending merge now, folding all small blocks (tests; inline writer only). */
  mergeNow(): number {
    this.assertOpen();
    if (!this.merger) return 0;
    const before = this.merger.merges;
    this.refresh();
    this.merger.drain();
    return this.merger.merges - before;
  }

  private compile(query: SearchRequest['query'], now: number): CompiledQuery {
    return compileBlockQuery(query, { now, textFields: this.textFields });
  }

  async search(req: SearchRequest): Promise<SearchResult> {
    this.assertOpen();
    if (!this.readers) return this.skippingDamaged(req, () => this.searchAt(req, this.clock()));
    checkLimit(req.limit);
    if (req.cursor) decodeCursor(req.cursor, req.sort ?? 'desc', req.query);
    this.compile(req.query, req.now);
    const at = this.clock();
    const readers = this.readers;
    const whole = (): Promise<SearchResult> => readers.run('search', req, at) as Promise<SearchResult>;
    if (!this.laneDays(req, req.sort ?? 'desc')) return whole();
    return this.inTurn(req.signal, req, req.sort ?? 'desc', whole, (days) => searchSplit((op, r, lane) => readers.run(op, r, at, lane), req, days, blockQuestion(req, this.textFields)));
  }

  async searchAt(req: SearchRequest, at: number): Promise<SearchResult> {
    this.assertOpen();
    this.columnCache?.nextQuery();
    const sort: SortOrder = req.sort ?? 'desc';
    checkLimit(req.limit);
    const after = req.cursor ? decodeCursor(req.cursor, sort, req.query) : null;
    const q = this.compile(req.query, req.now);
    return this.snapshot(req, (reads) => {
      const days = this.daysInRange(req, sort).map((day) => this.slices(day, req, at, reads));
      return this.searchSlices(req, sort, after, q, days);
    });
  }

  /** A lane of a search split between the reader threads (split-query.ts). */
  async searchPartAt(req: SearchRequest & LaneFields & { want: number; carried?: boolean }, at: number): Promise<LaneAnswer<SearchPart>> {
    this.assertOpen();
    this.columnCache?.nextQuery();
    const sort: SortOrder = req.sort ?? 'desc';
    const after = req.cursor ? decodeCursor(req.cursor, sort, req.query) : null;
    const q = this.compile(req.query, req.now);
    const walk: SearchWalk = { sort, after, want: req.want, fields: req.fields, signal: req.signal };
    return this.snapshot(req, (reads) => {
      const days = this.daysOf(req, at, reads);
      const claims = new DayClaims(req.share, days.length, req.leads);
      return { result: searchLane(days, q, walk, claims, req.share, req.carried === true), taken: claims.taken };
    });
  }

  private searchSlices(req: SearchRequest, sort: SortOrder, after: SortKey | null, q: CompiledQuery, days: BlockSlice[][]): SearchResult {
    // A later page of the same question answers with the total its cursor
    // carries from the first page (sqlite/search-cursor.ts): no count.
    const question = blockQuestion(req, this.textFields);
    const carried = req.cursor ? carriedTotal(req.cursor, question) : null;
    // Each day the walk reads is counted as it leaves it, in the same read (day-totals.ts).
    const totals = new DayTotals(days, q, TOTAL_COUNT_LIMIT, req.signal);
    const leave: SearchWalk['leave'] = carried ? undefined : (d, dbs, scanned) => totals.leave(d, dbs, scanned);
    const { hits: found } = searchBlocks(days, q, { sort, after, want: req.limit + 1, fields: req.fields, signal: req.signal, leave });
    // Fewer than wanted on a first page: they are every match.
    const counted = carried ? carried.value : !after && found.length <= req.limit ? found.length : totals.rest();
    return pageOf(found.map((h) => h.event), found.map((h) => h.key), counted, req.limit, sort, req.query, question);
  }

  async count(req: CountRequest): Promise<number> {
    this.assertOpen();
    if (!this.readers) return this.skippingDamaged(req, () => this.countAt(req, this.clock()));
    this.compile(req.query, req.now);
    const at = this.clock();
    const readers = this.readers;
    const whole = (): Promise<number> => readers.run('count', req, at) as Promise<number>;
    if (!this.laneDays(req, 'desc')) return whole();
    return this.inTurn(req.signal, req, 'desc', whole, (days) => countSplit((op, r, lane) => readers.run(op, r, at, lane), req, days));
  }

  /** A lane of a count split between the reader threads (split-query.ts). */
  async countPartAt(req: CountRequest & LaneFields, at: number): Promise<LaneAnswer<number>> {
    this.assertOpen();
    this.columnCache?.nextQuery();
    const q = this.compile(req.query, req.now);
    return this.snapshot(req, (reads) => ({ result: countLane(this.daysOf(req, at, reads), q, req.leads, req.signal), taken: 0 }));
  }

  /**
   * Runs a split query after those before it. A split query keeps both
   * reader threads busy, so two at once gain nothing, and their four lanes
   * land on whichever thread is idle: each thread then reads every day of
   * the range, not its lane's half, and a month's partitions and columns
   * outgrow its pool (64 open) and column cache (32 MB), so every read
   * reopens and decodes again. Measured on 3,000,000 events over 30 days:
   * `stats` of duration_ms by logger (ten aggregations, two at a time)
   * took 2.7-3.5 CPU-s (BENCHMARKS.md "A month of logs").
   */
  private async inTurn<T>(signal: AbortSignal | undefined, range: { from: number; to: number }, sort: SortOrder, whole: () => Promise<T>, split: (days: string[]) => Promise<T>): Promise<T> {
    // Its days listed when its turn comes, not before the wait: its lanes
    // count as started as they are handed to the pool (reader-pool.ts run),
    // and a day made while it waited would be missing from an answer whose
    // mark says it holds it. A range that no longer splits (retention) is read whole.
    const run = (): Promise<T> => {
      const days = this.splitDays(range, sort);
      return days ? split(days) : whole();
    };
    const before = this.splitTurn;
    let done!: () => void;
    const mine = new Promise<void>((r) => { done = r; });
    this.splitTurn = before.then(() => mine);
    try {
      // Aborted while waiting: run() at once, whose reads refuse it in the store's own words.
      await new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const onAbort = (): void => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        void before.then(() => { signal?.removeEventListener('abort', onAbort); resolve(); });
      });
      return await run();
    } finally {
      done();
    }
  }

  /**
   * The UTC days with data in the range, in the lanes' order, when the
   * query runs in two lanes (split-query.ts): two reader threads, two days
   * or more, splitMinBytes of partitions in range. Null otherwise.
   */
  private laneDays(range: { from: number; to: number }, sort: SortOrder): string[] | null {
    const days = this.splitDays(range, sort);
    if (days) this.splitQueries++;
    return days;
  }

  /** laneDays without counting the query. */
  private splitDays(range: { from: number; to: number }, sort: SortOrder): string[] | null {
    if (!this.readers || this.readers.size < 2) return null;
    const open = this.daysInRange(range, sort);
    if (open.length < 2 || bytesInRange(open.flat(), range) < this.splitMinBytes) return null;
    return open.map((day) => (day[0] as Open).key.day);
  }

  /** A lane's slices by day, in the order of the days the receiving thread listed (a day since dropped has none). */
  private daysOf(req: { from: number; to: number } & LaneFields, at: number, reads: ReadSnapshots): BlockSlice[][] {
    const byDay = new Map(this.daysInRange(req, 'desc').map((day) => [(day[0] as Open).key.day, day]));
    // A day made since the lanes' list is not read: a cut holding its commits is not this answer's (cutRead).
    const listed = new Set(req.days);
    if ([...byDay.keys()].some((d) => !listed.has(d))) this.spoilCut();
    return req.days.map((d) => this.slices(byDay.get(d) ?? [], req, at, reads));
  }

  async countAt(req: CountRequest, at: number): Promise<number> {
    return this.readDays(req, at, 'desc', (days, q) => countBlocks(days.flat(), q, Infinity, { signal: req.signal }));
  }

  async aggregate(req: AggregateRequest): Promise<AggregateResult> {
    this.assertOpen();
    if (!this.readers) return this.skippingDamaged(req, () => this.aggregateAt(req, this.clock()));
    const q = this.compile(req.query, req.now);
    const at = this.clock();
    const readers = this.readers;
    // The rollups answer in a few ms: not worth two threads.
    const whole = (): Promise<AggregateResult> => readers.run('aggregate', req, at) as Promise<AggregateResult>;
    if (rolledUp(req.agg, q, this.rollups) || !this.laneDays(req, 'desc')) return whole();
    return this.inTurn(req.signal, req, 'desc', whole, (days) => aggregateSplit((op, r, lane) => readers.run(op, r, at, lane), req, days, { maxTermsKeys: this.maxTermsKeys, percentileValues: this.percentileValues }));
  }

  /** A lane of an aggregation split between the reader threads (split-query.ts). */
  async aggregatePartAt(req: AggregateRequest & LaneFields & { pass?: SelectPass }, at: number): Promise<LaneAnswer<AggregatePart>> {
    this.assertOpen();
    this.columnCache?.nextQuery();
    const q = this.compile(req.query, req.now);
    const opts = { rollups: this.rollups, maxTermsKeys: this.maxTermsKeys, range: { from: req.from, to: req.to }, signal: req.signal, pass: req.pass };
    return this.snapshot(req, (reads) => ({ result: aggregateLane(req.agg, this.daysOf(req, at, reads), q, req.leads, opts), taken: 0 }));
  }

  async aggregateAt(req: AggregateRequest, at: number): Promise<AggregateResult> {
    return this.readDays(req, at, 'asc', (days, q) => aggregateBlocks(req.agg, days.flat(), q, { rollups: this.rollups, maxTermsKeys: this.maxTermsKeys, percentileValues: this.percentileValues, range: { from: req.from, to: req.to }, signal: req.signal }));
  }

  /** Two reads, not one per group: the terms of `by` (lanes, rollups), then every group's aggregation in one walk (block-group-pass.ts). */
  async groupAggregate(req: GroupedAggregateRequest): Promise<GroupedAggregateResult> {
    return groupsInTwoReads(this, req, (pass) => (this.readers ? this.readers.run('groupPass', pass, this.clock()) : this.skippingDamaged(req, () => this.groupPassAt(pass, this.clock()))));
  }

  async groupPassAt(req: GroupPassRequest, at: number): Promise<AggregateResult[]> {
    const opts = { maxTermsKeys: this.maxTermsKeys, percentileValues: this.percentileValues, range: { from: req.from, to: req.to }, signal: req.signal };
    return this.readDays(req, at, 'asc', (days, q) => groupBlocks(req.agg, req.by.field, req.keys, days.flat(), q, opts));
  }

  /** The fields API without building the sampled events (block-fields.ts). */
  async fields(req: FieldsRequest): Promise<FieldsResult> {
    this.assertOpen();
    if (!this.readers) return this.skippingDamaged(req, () => this.fieldsAt(req, this.clock()));
    this.compile(req.query, req.now);
    return this.readers.run('fields', req, this.clock()) as Promise<FieldsResult>;
  }

  async fieldsAt(req: FieldsRequest, at: number): Promise<FieldsResult> {
    return this.readDays(req, at, 'desc', (days, q) => blockFields(days, q, FIELD_SAMPLE_SIZE, req.signal));
  }

  /** A field's values: a terms aggregation where one answers, else the sample counted on a reader thread (block-fields.ts). */
  async fieldValues(req: FieldValuesRequest): Promise<FieldValuesResult> {
    this.assertOpen();
    return answerFieldValues(this, req, (r) => (this.readers ? this.readers.run('fieldValues', r, this.clock()) : this.skippingDamaged(r, () => this.fieldValuesAt(r, this.clock()))) as Promise<FieldValuesResult>);
  }

  async fieldValuesAt(req: FieldValuesRequest, at: number): Promise<FieldValuesResult> {
    return this.readDays(req, at, 'desc', (days, q) => blockFieldValues(days, q, req.field, FIELD_SAMPLE_SIZE, req.size, req.signal));
  }

  /** The range's slices by day in `sort` order, and the compiled query, for one read (in one snapshot): a sample of the newest events takes 'desc'. */
  private readDays<T>(req: FieldsRequest, at: number, sort: SortOrder, fn: (days: BlockSlice[][], q: CompiledQuery) => T): T {
    this.assertOpen();
    this.columnCache?.nextQuery();
    const q = this.compile(req.query, req.now);
    return this.snapshot(req, (reads) => fn(this.daysInRange(req, sort).map((day) => this.slices(day, req, at, reads)), q));
  }

  /**
   * Runs a query with a read transaction on each partition it reads, from
   * its first read to the query's end (read-snapshots.ts), so the blocks it
   * listed are still there when it decodes them (a merge on the writer
   * deletes its sources).
   */
  private snapshot<T>(range: { from: number; to: number; cut?: LaneCut }, fn: (reads: ReadSnapshots) => T): T {
    // Within the snapshots of the range's partitions taken at one commit count, when the read's owner wants it (cutRead);
    // a split query's lane at the other lane's (its request carries their LaneCut).
    return this.cutRead(range, () => {
      const reads = new ReadSnapshots();
      this.reads.add(reads);
      try {
        return fn(reads);
      } finally {
        this.reads.delete(reads);
        reads.end();
        // Past the cap, what the query left open goes now, not at the next open.
        this.pool.trim();
      }
    }, range.cut);
  }

  private slices(day: readonly Open[], req: { from: number; to: number }, at: number, reads: ReadSnapshots): BlockSlice[] {
    const out: BlockSlice[] = [];
    for (const p of day) {
      const range = this.visibleRange(p, req, at);
      if (range) out.push({ partition: reads.partition(p), from: range.from, to: range.to });
    }
    return out;
  }
}
