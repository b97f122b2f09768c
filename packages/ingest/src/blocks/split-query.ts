/**
 * One search, count or aggregation on both reader threads at once. A query
 * that few events match (a wildcard or regex no bloom can prune, a rare
 * value over days), or an aggregation the rollups cannot answer, scans
 * every block in its range, and one thread did that alone while the other
 * slept. Its range is cut in two at the middle of the days that hold data,
 * and each thread takes a half:
 *
 *   search: half first in page order (the newer for desc) ─► searchPart:
 *     its best limit + 1 candidates and its total ─┐ at once, one thread
 *   other half ─► searchPart, the same              ─┘ each, sharing
 *   page = first half's candidates, then the other's;   scan-share.ts's slots
 *   total = the sum
 *   count: each half's count, summed
 *   aggregation: each half's part (block-aggregate.ts: counts, values),
 *     joined, then cut to the answer
 *
 * A search's halves tell each other two things while they run
 * (scan-share.ts): how many matches both have counted, so neither counts
 * past the total's limit once the two together reach it; and that the
 * first half holds a whole page, so the other stops walking for candidates
 * it will not give. A query with many matches thus costs about what one
 * thread's would, and one with few takes about half the time.
 *
 * The halves are disjoint in time, so keys never interleave: the page is
 * the first half's candidates, then the second's. Each thread reads its own
 * snapshot: an event lies in one half by its time, and merges move events
 * between blocks, not in time, so none is seen twice or missed; a write
 * that lands during the query may show in one half only, as it may show or
 * not in one thread's answer.
 */
import { statSync } from 'node:fs';
import type { AggregateRequest, AggregateResult, CountRequest, SearchRequest, SearchResult, TimeRange } from '@logship/query';
import { dayStartMs } from '../sqlite/partition-name.js';
import type { ReaderOp } from '../sqlite/reader-pool.js';
import { TOTAL_COUNT_LIMIT } from '../sqlite/store-limits.js';
import { newScanShare } from './scan-share.js';
import { pageOf, type SearchPart, type SearchPartRequest } from './search-part.js';
import { finishAggregate, joinAggregateParts, type AggregatePart } from './block-aggregate.js';

/** Runs one half on a reader thread: `lane` 0 or 1, one thread each. */
export type RunHalf = (op: ReaderOp, req: Record<string, unknown>, lane: number) => Promise<unknown>;

const DAY_MS = 86_400_000;
/** Narrower ranges hold too little to be worth a second thread and the joining. */
export const MIN_SPLIT_MS = 60_000;

/**
 * Partition bytes in a range from which a query is split. Below it the
 * second thread's start-up and the joining cost about what the halving
 * saves (docs/BLOCK_STORE.md "Reads": at 10M events a day's 25 MB split
 * was ±3 ms on the bench's questions; a week's 170 MB took half the time
 * of one thread when most blocks had to be scanned).
 */
export const SPLIT_MIN_BYTES = 32 * 1024 * 1024;

/**
 * Bytes of the day partitions' files that fall in the range, each file
 * counted by the share of its day the range covers: what a scan that no
 * bloom prunes would read.
 */
export function bytesInRange(partitions: readonly { file: string; key: { day: string } }[], range: TimeRange): number {
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

/**
 * The range cut at the middle of the part of it that has days with data
 * (`days`: UTC days, YYYY-MM-DD); the halves cover the whole range. Null
 * when that part is narrower than MIN_SPLIT_MS.
 */
export function splitRange(range: TimeRange, days: readonly string[]): [older: TimeRange, newer: TimeRange] | null {
  if (days.length === 0) return null;
  const sorted = [...days].sort();
  const lo = Math.max(range.from, dayStartMs(sorted[0] as string));
  const hi = Math.min(range.to, dayStartMs(sorted[sorted.length - 1] as string) + DAY_MS - 1);
  if (!(hi - lo >= MIN_SPLIT_MS)) return null;
  const mid = lo + Math.floor((hi - lo) / 2) + 1;
  return [
    { from: range.from, to: mid - 1 },
    { from: mid, to: range.to },
  ];
}

/** A search over both halves (validated by the caller: limit, cursor, query). */
export async function searchSplit(run: RunHalf, req: SearchRequest, [older, newer]: [TimeRange, TimeRange]): Promise<SearchResult> {
  const sort = req.sort ?? 'desc';
  const [first, second] = sort === 'desc' ? [newer, older] : [older, newer];
  const want = req.limit + 1;
  const share = newScanShare();
  const half = (range: TimeRange, leads: boolean, lane: number): Promise<SearchPart> => {
    const part: SearchPartRequest = { ...req, ...range, want, share, leads };
    return run('searchPart', part as unknown as Record<string, unknown>, lane) as Promise<SearchPart>;
  };
  const [a, b] = await Promise.all([half(first, true, 0), half(second, false, 1)]);
  // Short of a page, the first half never said it was full, so the second
  // walked its whole half and its candidates follow.
  const short = a.hits.length < want;
  const hits = short ? a.hits.concat(b.hits.slice(0, want - a.hits.length)) : a.hits;
  const keys = short ? a.keys.concat(b.keys.slice(0, want - a.keys.length)) : a.keys;
  return pageOf(hits, keys, Math.min(a.total + b.total, TOTAL_COUNT_LIMIT), req.limit, sort, req.query);
}

/** A count over both halves: exact, so each half counts all of its own. */
export async function countSplit(run: RunHalf, req: CountRequest, halves: [TimeRange, TimeRange]): Promise<number> {
  const { query, now, signal } = req;
  const counts = await Promise.all(halves.map((h, lane) => run('count', { query, now, ...h, ...(signal ? { signal } : {}) }, lane) as Promise<number>));
  return counts.reduce((sum, n) => sum + n, 0);
}

/** An aggregation's half: its range, and the whole request's for the checks that need it (aggregatePart). */
export interface AggregatePartRequest extends AggregateRequest {
  whole: TimeRange;
}

/**
 * An aggregation over both halves: each gathers its part (counts, values)
 * on its thread, joined and cut to the answer here.
 */
export async function aggregateSplit(run: RunHalf, req: AggregateRequest, halves: [TimeRange, TimeRange], maxTermsKeys?: number): Promise<AggregateResult> {
  const { signal, ...rest } = req;
  const parts = await Promise.all(
    halves.map((h, lane) => {
      const part: AggregatePartRequest = { ...rest, ...h, whole: { from: req.from, to: req.to }, ...(signal ? { signal } : {}) };
      return run('aggregatePart', part as unknown as Record<string, unknown>, lane) as Promise<AggregatePart>;
    }),
  );
  const field = 'field' in req.agg ? req.agg.field : '';
  return finishAggregate(req.agg, joinAggregateParts(parts[0]!, parts[1]!, field, maxTermsKeys), req);
}
