/**
 * One search, count or aggregation on both reader threads. A query that
 * few events match (a wildcard or regex no bloom can prune, a rare value
 * over days), or an aggregation the rollups cannot answer, scans every
 * block in its range, and one thread did that alone while the other slept.
 *
 *   query over ≥ 2 days with data and ≥ SPLIT_MIN_BYTES of partitions
 *     ─► two lanes at once, one a reader thread each (query-lanes.ts)
 *   search: the leading lane takes days from the front of the page order,
 *     the trailing lane from the back, one at a time, sharing
 *     scan-share.ts's slots, until each has its share of the work;
 *     page = the leading lane's candidates, then the trailing lane's;
 *     total = the sum (capped)
 *   count, aggregation: every other day each; the sum, or the lanes'
 *     parts joined, then cut
 *
 * A search's days are taken as work goes, not halved beforehand, so a lane
 * whose days go faster (cached, or pruned) takes more. Its lanes also tell
 * each other how many matches both have counted, so neither counts past
 * the total's limit once the two together reach it, and that the leading
 * lane holds a whole page, so the trailing one stops walking.
 *
 * Each lane's days are disjoint and the leading lane's all come first, so
 * keys never interleave. Each thread reads its own snapshot: an event lies
 * in one day by its time, and merges move events between blocks, not
 * between days, so none is seen twice or missed; a write that lands during
 * the query may show in one lane only, as it may show or not in one
 * thread's answer; but a read the HTTP API marks has both lanes cut at one
 * commit count (`cut`, sqlite/commit-count.ts cutLane) unless one starts
 * too late or a day was made since the list (block-store.ts daysOf). The day list is the receiving thread's, so both lanes number
 * the days alike.
 */
import { statSync } from 'node:fs';
import type { AggregateRequest, AggregateResult, CountRequest, SearchRequest, SearchResult } from '@logship/query/core';
import { dayStartMs } from '../sqlite/partition-name.js';
import type { ReaderOp } from '../sqlite/reader-pool.js';
import { carriedTotal } from '../sqlite/search-cursor.js';
import { TOTAL_COUNT_LIMIT } from '../sqlite/store-limits.js';
import { closeDays, newScanShare, type ScanShare } from './scan-share.js';
import { pageOf, type SearchPart } from './search-part.js';
import { finishAggregate, joinAggregateParts, passOf, type AggregatePart } from './block-aggregate.js';
import { PercentileSelect, type SelectPass } from '../sqlite/percentile-select.js';
import { newLaneCut, type LaneCut } from '../sqlite/commit-count.js';

/** Runs one lane on a reader thread: `lane` 0 or 1, one thread each. */
export type RunLane = (op: ReaderOp, req: Record<string, unknown>, lane: number) => Promise<unknown>;

const DAY_MS = 86_400_000;

/**
 * Partition bytes in a range from which a query runs in two lanes. Below
 * it a second thread's start and the joining cost about what it saves
 * (docs/BLOCK_STORE.md "Reads": at 10M events, 24 h (~26 MB) in two
 * lanes took the selective question a few ms longer and the server 40 MiB
 * more; a week's scans of every block took 0.4× one thread's time).
 */
export const SPLIT_MIN_BYTES = 32 * 1024 * 1024;

/**
 * Bytes of the day partitions' files that fall in the range, each file
 * counted by the share of its day the range covers: what a scan that no
 * bloom prunes would read.
 */
export function bytesInRange(partitions: readonly { file: string; key: { day: string } }[], range: { from: number; to: number }): number {
  let bytes = 0;
  for (const p of partitions) {
    const start = dayStartMs(p.key.day);
    const covered = Math.min(range.to, start + DAY_MS - 1) - Math.max(range.from, start) + 1;
    if (!(covered > 0)) continue;
    const size = statSync(p.file, { throwIfNoEntry: false })?.size ?? 0;
    bytes += (size * Math.min(covered, DAY_MS)) / DAY_MS;
  }
  return bytes;
}

/** What every lane's request carries besides the query's own. */
export interface LaneFields {
  /** UTC days (YYYY-MM-DD) with data in range, in the lanes' order: page order for a search, newest first otherwise. */
  days: string[];
  share: ScanShare;
  leads: boolean;
  /** Where the two lanes' snapshots are cut at one commit count (sqlite/commit-count.ts cutLane). */
  cut: LaneCut;
}

/** A lane's answer: its result, and how many days it took (scan-share.ts DayClaims). */
export interface LaneAnswer<P> {
  taken: number;
  result: P;
}

/** The leading lane's result, and the trailing lane's if it took any day. */
async function inLanes<P>(run: RunLane, op: ReaderOp, req: object, days: string[], racing: boolean): Promise<[P, P | null]> {
  const share = newScanShare();
  const cut = newLaneCut();
  const lane = (leads: boolean, n: number): Promise<LaneAnswer<P>> => {
    const fields: LaneFields = { days, share, leads, cut };
    return run(op, { ...req, ...fields }, n) as Promise<LaneAnswer<P>>;
  };
  const lead = lane(true, 0);
  const trail = lane(false, 1);
  // Awaited below only if it took a day; its failure otherwise is no one's.
  trail.catch(() => undefined);
  const a = await lead;
  // Racing for days (a search), a trailing lane that took none (still
  // queued behind another query, say) has nothing to add: closing the
  // days keeps it so. Otherwise each lane has days of its own.
  if (racing && !closeDays(share, days.length, a.taken)) return [a.result, null];
  return [a.result, (await trail).result];
}

/**
 * A search in lanes (validated by the caller: limit, cursor, query); `days`
 * in page order; `question`: what its total counts (search-part.ts
 * blockQuestion). A later page whose cursor carries the total for the same
 * question counts nothing: the leading lane walks alone.
 */
export async function searchSplit(run: RunLane, req: SearchRequest, days: string[], question: string): Promise<SearchResult> {
  const want = req.limit + 1;
  const carried = req.cursor ? carriedTotal(req.cursor, question) : null;
  const [a, b] = await inLanes<SearchPart>(run, 'searchPart', { ...req, want, carried: carried !== null }, days, true);
  // Short of a page, the leading lane never said it was full, so the
  // trailing lane walked all its days and its candidates follow.
  const short = b !== null && a.hits.length < want;
  const hits = short ? a.hits.concat(b.hits.slice(0, want - a.hits.length)) : a.hits;
  const keys = short ? a.keys.concat(b.keys.slice(0, want - a.keys.length)) : a.keys;
  const total = carried ? carried.value : Math.min(a.total + (b?.total ?? 0), TOTAL_COUNT_LIMIT);
  return pageOf(hits, keys, total, req.limit, req.sort ?? 'desc', req.query, question);
}

/** A count in lanes: exact, so each lane counts all of its days. */
export async function countSplit(run: RunLane, req: CountRequest, days: string[]): Promise<number> {
  const [a, b] = await inLanes<number>(run, 'countPart', req, days, false);
  return a + (b ?? 0);
}

/** An aggregation in lanes: each gathers its part (counts, values), joined and cut to the answer here. */
export async function aggregateSplit(run: RunLane, req: AggregateRequest, days: string[], limits: { maxTermsKeys?: number | undefined; percentileValues: number }): Promise<AggregateResult> {
  const field = 'field' in req.agg ? req.agg.field : '';
  const part = async (pass?: SelectPass): Promise<AggregatePart> => {
    const [a, b] = await inLanes<AggregatePart>(run, 'aggregatePart', pass ? { ...req, pass } : req, days, false);
    return b === null ? a : joinAggregateParts(a, b, field, limits.maxTermsKeys);
  };
  if (req.agg.type !== 'percentiles') return finishAggregate(req.agg, await part(), req);
  // Each pass in lanes, each lane in its own snapshot: a write between
  // passes may shift a rank by a few events (percentile-select.ts clamps).
  const select = new PercentileSelect(req.agg.percents, limits.percentileValues);
  for (let pass = select.next(); pass !== null; pass = select.next()) select.take(passOf(await part(pass)));
  return { type: 'percentiles', ...select.answer() };
}
