/**
 * The embedded SQLite LogStore.
 *
 *   write(batch) ─► [writer thread: the same class, inline] ─►
 *                   check + classify ─► group by (UTC day, class) ─► one
 *                   (retention policy)      │             transaction per
 *                                           ▼             partition, fsync'd
 *   DATA/sqlite/2026-11-23.errors.db  2026-11-23.default.db  ...
 *                                           ▲
 *   search/count/aggregate ─► compileSql(AST) once ─► partitions newest
 *                   first (or oldest first for asc), stop at the limit
 *
 * Retention deletes whole partition files once their last possible event is
 * past the class's age; until then, expired events are filtered out of every
 * read by a per-class cutoff on ts. docs/SQLITE_STORE.md has the reasoning.
 */
import { bucketLeaf, type QueryNode, type AggregateRequest, type AggregateResult, type CountRequest, type GroupedAggregateRequest, type GroupedAggregateResult, type LogEvent, type SearchRequest, type SearchResult, type SortOrder } from '@logship/query/core';
import type { LogStore, WriteOptions, WriteResult } from '../store/log-store.js';
import { readColumns, type StoredRow } from './event-row.js';
import { PartitionPool, type PartitionHandle } from './partition-pool.js';
import { rowContentCheck } from './row-content-check.js';
import type { PartitionDb } from './partition-db.js';
import { BatchWriter } from './batch-writer.js';
import { prepareWrite, type PreparedWrite } from './prepare-write.js';
import { WriterThread, type WriterThreadOptions } from './writer-thread.js';
import { ReaderPool, type ReaderThreadOptions } from './reader-pool.js';
import { PartitionedStore, type PartitionedStoreOptions } from './partitioned-store.js';
import { carriedTotal, compareKeys, decodeCursor, encodeCursor, totalQuestion } from './search-cursor.js';
import { compileSql } from './compile-sql.js';
import { aggregatePartitions, type PartitionSlice } from './sqlite-aggregate.js';
import { groupPartitions } from './sqlite-group-pass.js';
import { PROMOTED_COLUMN_OF } from './partition-schema.js';
import { groupsInTwoReads, type GroupPassRequest } from './group-pass.js';
import { checkLimit, TOTAL_COUNT_LIMIT } from './store-limits.js';
import { ProbedDamage, type DamagedPartition } from './partition-damage.js';

/** Partitions live in `<dataDir>/sqlite`. */
export interface SqliteStoreOptions extends PartitionedStoreOptions {
  /**
   * Write on a worker thread (writer-thread.ts) rather than the calling
   * thread. Needs the default class matcher (functions cannot cross threads).
   */
  writerThread?: boolean;
  /**
   * How many worker threads answer search/count/aggregate (reader-pool.ts);
   * 0 (the default here; openSqliteStore's is 2) reads on the calling
   * thread. With threads, a request's `signal` stops its query.
   */
  readerThreads?: number;
  /** Rows a search walks in time order before it asks the planner (SEARCH_WALK_ROWS); tests make it small. */
  searchWalkRows?: number;
  /**
   * False answers every aggregation from the rows, never from a partition's
   * rollup (rollup.ts). For tests comparing the two, and as a switch should
   * a rollup ever be suspect. Default true.
   */
  rollups?: boolean;
  /**
   * Whether connections map their files for reading (open-partition-file.ts);
   * default true. The writer thread's store, which only writes, does not.
   */
  mmap?: boolean;
  /** Values a percentiles pass keeps (percentile-select.ts; default PERCENTILE_VALUES, tests lower it). */
  percentileValues?: number;
  /** Distinct values a terms aggregation may count (default MAX_TERMS_KEYS; tests lower it). */
  maxTermsKeys?: number;
  /** WAL checkpoints while writes keep coming (wal-checkpoints.ts; default CHECKPOINT_EVERY_MS, tests shorten it). */
  checkpointEveryMs?: number;
  /** Told of partitions a write's probe found damaged inside (the writer thread tells the main thread). */
  onDamaged?: (found: DamagedPartition[]) => void;
}

/**
 * A search first walks a partition's rows newest first (oldest first for
 * asc) along the (ts, eid) index, at most this many, and keeps those that
 * match: when matches are not rare, the page fills within a few thousand
 * rows that sit next to each other on disk (rids follow arrival, which
 * follows time), with no sort. Only if the walk leaves the page short does
 * the planner's plan (an index on a field, then a sort) run over the rest.
 * On a 1.5M-event day, `logger:X AND user_id:Y` with 0.5 % of the rows
 * matching: ~7 ms walking vs ~45 ms through the logger index and a sort.
 * When a walk comes up short, later partitions of the same class skip it in
 * this request: the matches are rare. When the query requires an equality
 * on an indexed field, a partition without any match is skipped after one
 * index lookup instead of a fruitless walk.
 */
export const SEARCH_WALK_ROWS = 25_000;

export class SqliteStore extends PartitionedStore<PartitionDb, PreparedWrite> implements LogStore {
  protected readonly pool: PartitionPool;
  protected readonly writes: BatchWriter;
  private readonly writerOptions: WriterThreadOptions | null;
  private readonly readerOptions: ReaderThreadOptions | null;
  private readonly walkRows: number;
  private readonly percentileValues: number | undefined;
  private readonly maxTermsKeys: number | undefined;
  private readonly rollups: boolean;
  /** textFields without message: what text_fts indexes. */
  private readonly otherTextFields: readonly string[];
  /** Searches on this thread that counted their total over the range (tests: a later page answers from its cursor). */
  searchTotalsCounted = 0;

  constructor(opts: SqliteStoreOptions) {
    super('sqlite', opts);
    this.pool = new PartitionPool(
      this.dir,
      (h) => {
        const db = h.current;
        return db !== null && (this.writes.holds(db) || this.cutHolds(db));
      },
      opts.maxOpenPartitions,
      opts.mmap ?? true,
    );
    this.rollups = opts.rollups ?? true;
    this.otherTextFields = this.textFields.filter((f) => f !== 'message');
    // On the writer thread the main thread is told, and says it.
    const probed = new ProbedDamage<PartitionHandle>((h) => rowContentCheck(h.file), (found) => opts.onDamaged?.(this.damageFound([found], !opts.onDamaged)));
    this.writes = new BatchWriter({ pool: this.pool, refresh: () => this.refresh(), checkpointEveryMs: opts.checkpointEveryMs, damagedNeighbour: (p) => probed.damaged(p), commits: this.commits });
    this.writerOptions = opts.writerThread ? { dataDir: opts.dataDir, retention: opts.retention, textFields: this.textFields, commitCount: this.commits.buffer } : null;
    this.walkRows = opts.searchWalkRows ?? SEARCH_WALK_ROWS;
    this.percentileValues = opts.percentileValues;
    this.maxTermsKeys = opts.maxTermsKeys;
    // Reader threads compute expiry from the `at` they are sent, so a custom
    // clock works; the class matcher is not used by reads.
    this.readerOptions =
      this.readerThreads > 0
        ? {
            dataDir: opts.dataDir,
            retention: opts.retention,
            rollups: this.rollups,
            searchWalkRows: this.walkRows,
            textFields: this.textFields,
            commitCount: this.commits.buffer,
            ...(this.percentileValues !== undefined ? { percentileValues: this.percentileValues } : {}),
            ...(this.maxTermsKeys !== undefined ? { maxTermsKeys: this.maxTermsKeys } : {}),
            ...(opts.maxOpenPartitions !== undefined ? { maxOpenPartitions: opts.maxOpenPartitions } : {}),
          }
        : null;
  }

  protected newThreads(): { readers: ReaderPool | null; writer: WriterThread | null } {
    return {
      readers: this.readerOptions ? new ReaderPool(this.readerOptions, this.readerThreads, undefined, (found) => this.damageFound(found, true)) : null,
      writer: this.writerOptions ? new WriterThread(this.writerOptions, undefined, (found) => this.damageFound(found, true)) : null,
    };
  }

  protected override contentCheck(h: PartitionHandle<PartitionDb>): string | null {
    return rowContentCheck(h.file);
  }

  /**
   * Rows are prepared here (prepare-write.ts), then group-committed
   * (batch-writer.ts) on the writer thread when there is one.
   */
  async write(events: LogEvent[], now?: number, opts?: WriteOptions): Promise<WriteResult> {
    this.assertOpen();
    const prepared = prepareWrite(events, now ?? this.clock(), this.policy, this.classFingerprint, this.otherTextFields, opts?.times);
    this.refuseDamaged(prepared, (g) => g.items.map((row) => row.index), opts?.partial);
    return this.checkedWrite(this.writer ? this.writer.write(prepared) : this.writes.write(prepared));
  }

  /** Inserts rows prepared by another SqliteStore's write() (the writer thread's side). */
  writePrepared(prepared: PreparedWrite): Promise<WriteResult> {
    this.assertOpen();
    return this.writes.write(prepared);
  }

  async search(req: SearchRequest): Promise<SearchResult> {
    this.assertOpen();
    if (!this.readers) return this.skippingDamaged(req, () => this.searchAt(req, this.clock()));
    // Bad requests and query errors are raised here, typed, without a thread hop.
    checkLimit(req.limit);
    if (req.cursor) decodeCursor(req.cursor, req.sort ?? 'desc', req.query);
    compileSql(req.query, { now: req.now, textFields: this.textFields });
    return this.readers.run('search', req, this.clock()) as Promise<SearchResult>;
  }

  /** search() on this thread, with expiry measured at `at` (reader threads call this). */
  async searchAt(req: SearchRequest, at: number): Promise<SearchResult> {
    this.assertOpen();
    return this.cutRead(req, () => this.searchNow(req, at));
  }

  private searchNow(req: SearchRequest, at: number): SearchResult {
    const sort: SortOrder = req.sort ?? 'desc';
    checkLimit(req.limit);
    const after = req.cursor ? decodeCursor(req.cursor, sort, req.query) : null;
    const { where, params, indexed } = compileSql(req.query, { now: req.now, textFields: this.textFields });
    const dir = sort === 'desc' ? 'DESC' : 'ASC';
    const keysetFor = (key: { ts: number; eid: string } | null): { sql: string; args: unknown[] } =>
      key === null
        ? { sql: '', args: [] }
        : { sql: sort === 'desc' ? 'AND (ts < ? OR (ts = ? AND eid < ?))' : 'AND (ts > ? OR (ts = ? AND eid > ?))', args: [key.ts, key.ts, key.eid] };
    const order = `ORDER BY ts ${dir}, eid ${dir}`;
    const start = keysetFor(after);
    // Only what the projection needs is read (readColumns); `where` reads the inner query's columns.
    const columns = readColumns(req.fields);
    // The co-routine yields rows in its own order and the outer LIMIT stops
    // it, so the walk reads no further than the last hit it returns.
    const walkSql = `SELECT ${columns} FROM (SELECT * FROM events WHERE ts >= ? AND ts <= ? ${start.sql} ${order} LIMIT ${this.walkRows})
      WHERE (${where}) LIMIT ?`;
    // `+ts` keeps the time range off the (ts, eid) index, so the lookup goes
    // through the field's index (within the range's rid bounds): one B-tree
    // probe for a partition without the value (a class partition of the
    // same day, most often).
    const anySql = (bounds: string): string => `SELECT 1 FROM events WHERE +ts >= ? AND +ts <= ?${bounds} AND (${where}) LIMIT 1`;
    const walkEndSql = `SELECT ts, eid FROM events WHERE ts >= ? AND ts <= ? ${start.sql} ${order} LIMIT 1 OFFSET ${this.walkRows - 1}`;
    // One more than asked tells whether a next page exists.
    const want = req.limit + 1;
    const found: { row: StoredRow; event: LogEvent }[] = [];
    // A later page of the same question answers with the total its cursor
    // carries from the first page (search-cursor.ts) instead of counting again.
    const question = totalQuestion(req.from, req.to, [where, params]);
    const carried = req.cursor ? carriedTotal(req.cursor, question) : null;
    // The total so far, of the partitions the walk read, each counted in the
    // same read as its rows (below); the others are counted after the walk.
    let counted = 0;
    const countedParts = new Set<string>();
    // Per class: how dense matches are differs between, say, the errors
    // and the default partitions of a day.
    const noWalk = new Set<string>();
    for (const day of this.daysInRange(req, sort)) {
      const dayRows: { row: StoredRow; event: LogEvent }[] = [];
      for (const p of day) {
        const range = this.visibleRange(p, req, at);
        if (!range) continue;
        // Decoded now: the pool may close this connection while later
        // partitions are opened.
        const db = p.db;
        const need = want - found.length;
        // The rows and their partition's count in one read transaction: a
        // commit landing between the two statements was in the total but
        // never in the pages (an event newer than a page newest first).
        const n = db.snapshot((): number | null => {
          let rows: StoredRow[] = [];
          // Where the planner's plan takes over; undefined: nothing left here.
          let rest: { ts: number; eid: string } | null | undefined = after;
          // Read once, and only by the two index plans below that use them.
          let bounds: { sql: string; args: number[] } | undefined;
          const boundsHere = (): { sql: string; args: number[] } => (bounds ??= db.ridBounds(range.from, range.to, where));
          // A walk through a partition without a single match would read the
          // whole budget for nothing; when an index can tell, ask it first.
          if (indexed && !after) {
            const b = boundsHere();
            if (db.get(anySql(b.sql), [range.from, range.to, ...b.args], params) === undefined) return 0;
          }
          if (this.walkRows > 0 && !noWalk.has(p.key.className)) {
            rows = db.all<StoredRow>(walkSql, [range.from, range.to, ...start.args, need], params);
            if (rows.length < need) {
              // Budget spent: matches are rare, later partitions of this class
              // go straight to the planner. No row at the budget: the walk saw
              // every row in range.
              rest = db.get<{ ts: number; eid: string }>(walkEndSql, [range.from, range.to, ...start.args]);
              if (rest) noWalk.add(p.key.className);
            }
          }
          if (rows.length < need && rest !== undefined) {
            const k = keysetFor(rest);
            const b = boundsHere();
            const sql = `SELECT ${columns} FROM events WHERE ts >= ? AND ts <= ?${b.sql} ${k.sql} AND (${where}) ${order} LIMIT ?`;
            rows.push(...db.all<StoredRow>(sql, [range.from, range.to, ...b.args, ...k.args, need - rows.length], params));
          }
          for (const row of rows) dayRows.push({ row, event: db.toEvent(row, req.fields) });
          if (carried) return null;
          // On a first page, fewer rows than wanted are every match here.
          if (!after && rows.length < need) return rows.length;
          // Else the page is full (or after a cursor): the total is needed.
          return counted >= TOTAL_COUNT_LIMIT ? 0 : this.countPartition(db, range, where, params, TOTAL_COUNT_LIMIT - counted);
        });
        if (n !== null) {
          counted += n;
          countedParts.add(p.name);
        }
      }
      dayRows.sort((a, b) => (sort === 'desc' ? -compareKeys(a.row, b.row) : compareKeys(a.row, b.row)));
      found.push(...dayRows.slice(0, want - found.length));
      if (found.length >= want) break;
    }
    const hits = found.slice(0, req.limit);
    const last = hits[hits.length - 1]?.row;
    // From the first page, fewer hits than asked for are the whole result.
    if (!carried && (after || found.length > req.limit) && counted < TOTAL_COUNT_LIMIT) {
      counted = this.countCompiled(req, where, params, at, TOTAL_COUNT_LIMIT, true, { skip: countedParts, from: counted });
    }
    const total = carried ?? { value: Math.min(counted, TOTAL_COUNT_LIMIT), relation: counted >= TOTAL_COUNT_LIMIT ? ('gte' as const) : ('eq' as const) };
    const next_cursor = found.length > req.limit && last ? encodeCursor({ ts: last.ts, eid: last.eid }, sort, req.query, { total, question }) : null;
    return { hits: hits.map(({ event }) => event), total, next_cursor };
  }

  async count(req: CountRequest): Promise<number> {
    this.assertOpen();
    if (!this.readers) return this.skippingDamaged(req, () => this.countAt(req, this.clock()));
    compileSql(req.query, { now: req.now, textFields: this.textFields });
    return this.readers.run('count', req, this.clock()) as Promise<number>;
  }

  /** count() on this thread, with expiry measured at `at`. */
  async countAt(req: CountRequest, at: number): Promise<number> {
    this.assertOpen();
    const { where, params } = compileSql(req.query, { now: req.now, textFields: this.textFields });
    return this.cutRead(req, () => this.countCompiled(req, where, params, at, Infinity));
  }

  private countCompiled(
    req: CountRequest,
    where: string,
    params: Record<string, unknown>,
    at: number,
    cap: number,
    forSearch = false,
    /** A search's partitions counted already (in the read of their rows), and their matches. */
    done?: { skip: ReadonlySet<string>; from: number },
  ): number {
    if (forSearch) this.searchTotalsCounted++;
    let total = done?.from ?? 0;
    for (const day of this.daysInRange(req, 'desc')) {
      for (const p of day) {
        if (done?.skip.has(p.name)) continue;
        const range = this.visibleRange(p, req, at);
        if (!range) continue;
        total += this.countPartition(p.db, range, where, params, cap - total);
        if (total >= cap) return cap;
      }
    }
    return total;
  }

  /** Matches in one partition's range, up to `cap` (Infinity: exact). */
  private countPartition(db: PartitionDb, range: { from: number; to: number }, where: string, params: Record<string, unknown>, cap: number): number {
    const time = db.timeFilter(range.from, range.to, where);
    const sql = Number.isFinite(cap)
      ? `SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE ${time.sql} AND (${where}) LIMIT ?)`
      : `SELECT count(*) AS n FROM events WHERE ${time.sql} AND (${where})`;
    return db.get<{ n: number }>(sql, Number.isFinite(cap) ? [...time.args, cap] : time.args, params)?.n ?? 0;
  }

  async aggregate(req: AggregateRequest): Promise<AggregateResult> {
    this.assertOpen();
    if (!this.readers) return this.skippingDamaged(req, () => this.aggregateAt(req, this.clock()));
    compileSql(req.query, { now: req.now, textFields: this.textFields });
    return this.readers.run('aggregate', req, this.clock()) as Promise<AggregateResult>;
  }

  /** aggregate() on this thread, with expiry measured at `at`. */
  async aggregateAt(req: AggregateRequest, at: number): Promise<AggregateResult> {
    this.assertOpen();
    const { where, params } = compileSql(req.query, { now: req.now, textFields: this.textFields });
    return this.cutRead(req, () =>
      aggregatePartitions(req.agg, this.slicesOf(req, at), where, params, { rollups: this.rollups, range: { from: req.from, to: req.to }, percentileValues: this.percentileValues, maxTermsKeys: this.maxTermsKeys }));
  }

  /** Two reads, not one per group: the terms of `by` (rollups and all), then every group's aggregation in one scan (group-pass.ts). */
  async groupAggregate(req: GroupedAggregateRequest): Promise<GroupedAggregateResult> {
    return groupsInTwoReads(this, req, (pass) => (this.readers ? this.readers.run('groupPass', pass, this.clock()) : this.skippingDamaged(req, () => this.groupPassAt(pass, this.clock()))));
  }

  /** The groups' pass on this thread, with expiry measured at `at`. */
  async groupPassAt(req: GroupPassRequest, at: number): Promise<AggregateResult[]> {
    this.assertOpen();
    // On a promoted (indexed) by column, only the rows of the query in some group: the index narrows the read as
    // each group's own query did. Elsewhere an OR of every group's leaf costs each row more than the rows it skips
    // (100 groups of a JSON field: 10 s against 1).
    const inGroups: QueryNode = { type: 'or', children: req.keys.map((k) => bucketLeaf(req.by.field, k)), loc: req.query.loc };
    const query: QueryNode = PROMOTED_COLUMN_OF.has(req.by.field) ? { type: 'and', children: [req.query, inGroups], loc: req.query.loc } : req.query;
    const { where, params } = compileSql(query, { now: req.now, textFields: this.textFields });
    return this.cutRead(req, () =>
      groupPartitions(req.agg, req.by.field, req.keys, this.slicesOf(req, at), where, params, { range: { from: req.from, to: req.to }, percentileValues: this.percentileValues, maxTermsKeys: this.maxTermsKeys }));
  }

  /** The visible part of each partition of the range, oldest day first. */
  private slicesOf(req: AggregateRequest, at: number): PartitionSlice[] {
    const slices: PartitionSlice[] = [];
    for (const day of this.daysInRange(req, 'asc')) {
      for (const p of day) {
        const range = this.visibleRange(p, req, at);
        if (range) slices.push({ partition: p, from: range.from, to: range.to });
      }
    }
    return slices;
  }
}
