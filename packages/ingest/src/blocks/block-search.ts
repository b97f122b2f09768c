/**
 * Search and count over block partitions.
 *
 *   days newest first (oldest first for asc) ─► the day's blocks of every
 *   class, latest ts_max first (earliest ts_min first for asc) ─► skip
 *   blocks that cannot beat the page so far ─► scan (block-scan.ts) ─►
 *   keep the best limit + 1 keys ─► rebuild only those events, a day's as
 *   the walk leaves the day
 *
 * Days are disjoint in time, so once a day has filled the page the walk
 * stops, and the hits a day kept stay in the page: rebuilt as the walk
 * leaves the day, they need its partitions no longer, which the pool may
 * then close for the next days' (read-snapshots.ts). Within a day blocks overlap (fresh small blocks, late events), so
 * the walk goes on until the next block's time bound cannot beat the worst
 * key kept. Keys order as SQLite orders them (sqlite/search-cursor.ts
 * compareKeys): ts, then event.id by UTF-8 bytes.
 */
import type { LogEvent, SortOrder } from '@logship/query/core';
import { storeError } from '../store/store-error.js';
import { TOTAL_COUNT_LIMIT } from '../sqlite/store-limits.js';
import { compareKeys, type SortKey } from '../sqlite/search-cursor.js';
import type { BlockPartition, Column } from './block-partition.js';
import type { BlockHeader } from './block-header.js';
import { ALL, NONE } from './block-prune.js';
import { scanBlock, type CompiledQuery } from './block-scan.js';
import { readBlockRows, rowEvents } from './block-rows.js';
import type { SlicePartition } from './read-snapshots.js';
import { addCounted, countedSoFar, isPageFull, markPageFull, type DayClaims, type ScanShare } from './scan-share.js';

export interface BlockSlice {
  /** Resolved per use: the pool may close a connection the query is done with (read-snapshots.ts). */
  partition: SlicePartition;
  /** Visible ts range of this partition for the request. */
  from: number;
  to: number;
}

/** A matching row the walk keeps as a candidate for the page. */
export interface Hit {
  ts: number;
  /** Known once the page is settled: a content id costs a hash of the row. */
  eid: string | null;
  db: BlockPartition;
  block: BlockHeader;
  row: number;
  event?: LogEvent;
  /** What the query reads of the row has been read (SearchWalk.settle): `db` is not needed again. */
  settled?: boolean;
}

export function checkAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason = signal.reason as unknown;
  const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
  throw storeError('LS_STORE_QUERY_ABORTED', why, reason);
}

export interface SearchWalk {
  sort: SortOrder;
  /** The page starts strictly after this key (cursor). */
  after: SortKey | null;
  /** limit + 1: the extra one tells whether a next page exists. */
  want: number;
  fields?: readonly string[] | undefined;
  signal?: AbortSignal | undefined;
  /**
   * A lane of a split search (query-lanes.ts): the leading lane says when
   * it holds a whole page; the trailing lane then stops walking, for its
   * hits will not be used.
   */
  share?: { state: ScanShare; leads: boolean } | undefined;
  /** Matches per block over its whole slice, counted before: a block with none is not scanned. */
  counted?: ReadonlyMap<BlockHeader, number> | undefined;
  /** The leading lane of a split query walks only the days it takes (query-lanes.ts). */
  claims?: DayClaims | undefined;
  /**
   * Reads what the query needs of a day's hits as the walk leaves the day
   * (`full`: the walk stops there), marking those it read settled, so the
   * query is done with the day's partitions (read-snapshots.ts): a
   * partition with unsettled hits stays held to the query's end.
   */
  settle?: ((hits: Hit[], full: boolean) => void) | undefined;
  /**
   * Called as the walk leaves day `d` (after settle), while it still holds
   * the day's partitions, read through `dbs`, with the matches per block
   * scanned so far: a total is counted there, in the same read as the
   * page's candidates (day-totals.ts).
   */
  leave?: ((d: number, dbs: readonly BlockPartition[], scanned: ReadonlyMap<BlockHeader, number>) => void) | undefined;
}

export interface SearchFound {
  /** The best `want` hits, in page order. */
  hits: { key: SortKey; event: LogEvent }[];
  /**
   * Matches per block the walk scanned over its whole slice (first pages
   * only: with a cursor the walk scans less), so the total need not scan
   * them again (countBlocks `known`).
   */
  scanned: Map<BlockHeader, number>;
}

export function searchBlocks(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, walk: SearchWalk): SearchFound {
  // Rebuild the candidates block by block, a day's as the walk leaves it
  // (days are disjoint in time, so none of them is dropped later): their
  // values and ids only (block-rows.ts).
  const rebuild = (hits: Hit[]): void => {
    for (const [h, list] of hitsByBlock(hits)) {
      const got = readBlockRows(list[0]!.db, h, list.map((hit) => hit.row), walk.fields);
      const events = rowEvents(got, walk.fields);
      list.forEach((hit, k) => {
        hit.eid = got.ids[k]!;
        hit.event = events[k]!;
        hit.settled = true;
      });
    }
  };
  const { found, scanned: scannedCounts, cut } = walkCandidates(days, q, { ...walk, settle: rebuild });
  // Stopped because the leading lane filled the page: no hits to rebuild.
  if (cut) return { hits: [], scanned: scannedCounts };
  const desc = walk.sort === 'desc';
  const order = (a: SortKey, b: SortKey): number => (desc ? -compareKeys(a, b) : compareKeys(a, b));
  const keyOf = (hit: Hit): SortKey => ({ ts: hit.ts, eid: hit.eid! });
  // By time first without a key made per comparison: only ties compare ids.
  found.sort((a, b) => (a.ts !== b.ts ? (desc ? b.ts - a.ts : a.ts - b.ts) : order(keyOf(a), keyOf(b))));
  if (found.length > walk.want) found.length = walk.want;
  return { hits: found.map((hit) => ({ key: keyOf(hit), event: hit.event! })), scanned: scannedCounts };
}

/** Hits by block, each block's rows ascending (as block-rows.ts reads them). */
export function hitsByBlock(hits: readonly Hit[]): Map<BlockHeader, Hit[]> {
  const out = new Map<BlockHeader, Hit[]>();
  for (const hit of hits) {
    const list = out.get(hit.block);
    if (list) list.push(hit);
    else out.set(hit.block, [hit]);
  }
  for (const list of out.values()) list.sort((a, b) => a.row - b.row);
  return out;
}

/**
 * The walk of a search: the best `want` matching rows by time, and every
 * one tied in time with the last of them (ids order ties, and are known
 * only for the rows that need them), in page order by time. `cut`: the
 * leading lane of a split search filled the page first.
 */
export function walkCandidates(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, walk: SearchWalk): { found: Hit[]; scanned: Map<BlockHeader, number>; cut: boolean } {
  const scannedCounts = new Map<BlockHeader, number>();
  const desc = walk.sort === 'desc';
  const after = walk.after;
  // Page order: negative when a comes first.
  const order = (a: SortKey, b: SortKey): number => (desc ? -compareKeys(a, b) : compareKeys(a, b));
  const byTime = (a: Hit, b: Hit): number => (desc ? b.ts - a.ts : a.ts - b.ts);
  // The best `want` candidates by time and every one tied in time with the
  // last of them: ids (which order ties) are computed only for these, at the end.
  const found: Hit[] = [];
  const share = walk.share;
  let cut = false;
  walking: for (let d = 0; d < days.length; d++) {
    if (walk.claims && !walk.claims.has(d)) break;
    const day = days[d]!;
    const blocks: { db: BlockPartition; h: BlockHeader; from: number; to: number }[] = [];
    const dayDbs: BlockPartition[] = [];
    for (const s of day) {
      const db = s.partition.db;
      dayDbs.push(db);
      let from = s.from;
      let to = s.to;
      // The cursor bounds the time range too (ties on ts are checked per row).
      if (after) {
        if (desc) to = Math.min(to, after.ts);
        else from = Math.max(from, after.ts);
      }
      if (from > to) continue;
      for (const h of db.headers()) if (h.tsMax >= from && h.tsMin <= to) blocks.push({ db, h, from, to });
    }
    blocks.sort((a, b) => (desc ? b.h.tsMax - a.h.tsMax : a.h.tsMin - b.h.tsMin));
    for (const b of blocks) {
      if (share && !share.leads && isPageFull(share.state)) {
        cut = true;
        break walking;
      }
      if (found.length >= walk.want) {
        const worst = found[walk.want - 1] as Hit;
        // Nothing in this block (nor, by the order, in later ones) can beat the page.
        if (desc ? b.h.tsMax < worst.ts : b.h.tsMin > worst.ts) break;
      }
      if (walk.counted?.get(b.h) === 0) continue;
      checkAborted(walk.signal);
      const scanned = scanBlock(b.db, b.h, q, { from: b.from, to: b.to });
      if (!after) scannedCounts.set(b.h, scanned?.rows.length ?? 0);
      if (!scanned || scanned.rows.length === 0) continue;
      const ts = scanned.cols.get('@timestamp') as Column;
      let rows = pageCandidates(scanned.rows, ts, walk.want, desc, after?.ts);
      if (after) rows = pastCursor(b.db, b.h, rows, ts, after, order);
      for (const row of rows) found.push({ ts: ts[row] as number, eid: null, db: b.db, block: b.h, row });
      found.sort(byTime);
      keepPage(found, walk.want);
      if (share?.leads && found.length >= walk.want) markPageFull(share.state);
    }
    walk.settle?.(found.filter((hit) => !hit.settled), found.length >= walk.want);
    walk.leave?.(d, dayDbs, scannedCounts);
    // Done with the day's partitions, but those its unsettled hits are read from later.
    const kept = new Set(found.filter((hit) => !hit.settled).map((hit) => hit.db));
    day.forEach((s, k) => {
      if (!kept.has(dayDbs[k]!)) s.partition.done();
    });
    if (found.length >= walk.want) break;
  }
  return { found, scanned: scannedCounts, cut };
}

/** Keeps the best `want` hits by time (sorted) and any tied in time with the last of them. */
function keepPage(found: Hit[], want: number): void {
  if (found.length <= want) return;
  const edge = found[want - 1]!.ts;
  let end = want;
  while (end < found.length && found[end]!.ts === edge) end++;
  found.length = end;
}

/** Of `rows`, those after the cursor: rows at the cursor's own time need their ids to tell. */
function pastCursor(db: BlockPartition, h: BlockHeader, rows: readonly number[], ts: Column, after: SortKey, order: (a: SortKey, b: SortKey) => number): readonly number[] {
  const tied = rows.filter((r) => ts[r] === after.ts).sort((a, b) => a - b);
  if (tied.length === 0) return rows;
  const { ids } = readBlockRows(db, h, tied, []);
  const before = new Set(tied.filter((_, k) => order({ ts: after.ts, eid: ids[k]! }, after) <= 0));
  return rows.filter((r) => !before.has(r));
}

/**
 * Of a block's matching rows, those that may reach a page of `want`: every
 * row at the cursor's own time (the cursor excludes some of them by id),
 * and of the others the `want` best by time and every row tied in time
 * with the last of them (ids order ties).
 */
function pageCandidates(rows: readonly number[], ts: Column, want: number, desc: boolean, cursorTs: number | undefined): readonly number[] {
  if (rows.length <= want) return rows;
  const atCursor = cursorTs === undefined ? [] : rows.filter((r) => ts[r] === cursorTs);
  const rest = atCursor.length > 0 ? rows.filter((r) => ts[r] !== cursorTs) : rows;
  if (rest.length <= want) return atCursor.length > 0 ? [...atCursor, ...rest] : rest;
  const byTime = [...rest].sort((a, b) => (desc ? (ts[b] as number) - (ts[a] as number) : (ts[a] as number) - (ts[b] as number)));
  const edge = ts[byTime[want - 1]!] as number;
  let end = want;
  while (end < byTime.length && ts[byTime[end]!] === edge) end++;
  return [...atCursor, ...byTime.slice(0, end)];
}

/**
 * Matching events in the slices, up to `cap`. A block the header proves
 * all-matching and wholly inside the range counts without decoding. With
 * `share` (a lane of a split search) the count adds itself to the lanes'
 * common count and stops once that reaches TOTAL_COUNT_LIMIT: the lanes'
 * sum then reaches it too, which is all a capped total says.
 */
export interface CountOptions {
  signal?: AbortSignal | undefined;
  /** Matches of blocks already scanned over their slice (SearchFound.scanned). */
  known?: ReadonlyMap<BlockHeader, number> | undefined;
  share?: ScanShare | undefined;
  /** Filled with the matches of each block counted over its whole slice. */
  record?: Map<BlockHeader, number> | undefined;
  /** False: the caller still reads the partitions after (a walk counting the day it is on); else each is done() once counted. */
  release?: boolean | undefined;
}

export function countBlocks(slices: readonly BlockSlice[], q: CompiledQuery, cap: number, opts: CountOptions = {}): number {
  const { signal, known, share, record } = opts;
  let total = 0;
  for (const s of slices) {
    const db = s.partition.db;
    for (const h of db.headers()) {
      if (h.tsMax < s.from || h.tsMin > s.to) continue;
      if (share && countedSoFar(share) >= TOTAL_COUNT_LIMIT) return total;
      const seen = known?.get(h);
      let n = 0;
      if (seen !== undefined) n = seen;
      else {
        const verdict = q.prune(h);
        if (verdict === NONE) {
          record?.set(h, 0);
          continue;
        }
        if (verdict === ALL && h.tsMin >= s.from && h.tsMax <= s.to) n = h.n;
        else {
          checkAborted(signal);
          n = scanBlock(db, h, q, { from: s.from, to: s.to, times: false })?.rows.length ?? 0;
        }
      }
      total += n;
      record?.set(h, n);
      if (share) addCounted(share, n);
      if (total >= cap) return cap;
    }
    if (opts.release !== false) s.partition.done();
  }
  return total;
}
