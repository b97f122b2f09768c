/**
 * What each reader thread does with its lane of a query split between the
 * two (split-query.ts): it takes the query's days one at a time
 * (scan-share.ts DayClaims), the leading lane from the front of the page
 * order, the trailing lane from the back, until its work is done or the
 * other lane has taken what is left.
 *
 *   leading search:  walk its days for the page, counting each as the
 *                    walk leaves it ─► count more days, taking them while
 *                    the total is short of the limit
 *   trailing search: count days from the back, while the total is short
 *                    ─► walk them for candidates, only if the leading lane
 *                    has not filled the page, skipping blocks with none
 *   count, aggregation: every other day, counted or gathered (countLane
 *                    says why not taken as they go)
 */
import type { AggregationSpec } from '@logship/query/core';
import type { SortKey } from '../sqlite/search-cursor.js';
import { TOTAL_COUNT_LIMIT } from '../sqlite/store-limits.js';
import type { BlockHeader } from './block-header.js';
import { aggregatePart, type AggregatePart, type BlockAggregateOptions } from './block-aggregate.js';
import type { CompiledQuery } from './block-scan.js';
import { countBlocks, searchBlocks, type BlockSlice, type SearchWalk } from './block-search.js';
import { isPageFull, type DayClaims, type ScanShare } from './scan-share.js';
import { DayTotals } from './day-totals.js';
import type { SearchPart } from './search-part.js';

/**
 * A search's lane over `days` (in page order). `carried`: the total is
 * known (a later page's cursor carries it): the leading lane only walks,
 * and the trailing lane, whose work is counting first, takes no day.
 */
export function searchLane(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, walk: SearchWalk, claims: DayClaims, state: ScanShare, carried = false): SearchPart {
  if (carried) {
    if (!claims.leads) return { hits: [], keys: [], total: 0 };
    const { hits } = searchBlocks(days, q, { ...walk, share: { state, leads: true }, claims });
    return { hits: hits.map((h) => h.event), keys: hits.map((h) => h.key), total: 0 };
  }
  return claims.leads ? leadingSearch(days, q, walk, claims, state) : trailingSearch(days, q, walk, claims, state);
}

function leadingSearch(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, walk: SearchWalk, claims: DayClaims, state: ScanShare): SearchPart {
  // The days it walks are counted as it leaves them, in the same read (day-totals.ts).
  const totals = new DayTotals(days, q, TOTAL_COUNT_LIMIT, walk.signal, state);
  const leave: SearchWalk['leave'] = (d, dbs, scanned) => totals.leave(d, dbs, scanned);
  const { hits } = searchBlocks(days, q, { ...walk, share: { state, leads: true }, claims, leave });
  // Then the days the walk did not reach, taking more while the total is short of the limit.
  for (let i = 0; i < days.length && !totals.full && claims.has(i); i++) totals.count(i);
  return { hits: hits.map((h) => h.event), keys: hits.map((h) => h.key), total: totals.total };
}

/**
 * Counts first, as the leading lane most often fills the page alone;
 * walks for candidates only if it has not by then, scanning only blocks
 * that had matches. A day the pool closed between its count and the walk
 * is counted again in the walk's read (day-totals.ts).
 */
function trailingSearch(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, walk: SearchWalk, claims: DayClaims, state: ScanShare): SearchPart {
  const counts = new Map<BlockHeader, number>();
  const totals = new DayTotals(days, q, TOTAL_COUNT_LIMIT, walk.signal, state);
  for (let i = days.length - 1; i >= 0 && !totals.full && claims.has(i); i--) totals.count(i, counts);
  const first = claims.firstTrailing;
  const mine = days.slice(first);
  if (mine.length === 0 || isPageFull(state)) return { hits: [], keys: [], total: totals.total };
  const leave: SearchWalk['leave'] = (d, dbs, scanned) => totals.leave(first + d, dbs, scanned);
  const { hits } = searchBlocks(mine, q, { ...walk, share: { state, leads: false }, counted: counts, leave });
  return { hits: hits.map((h) => h.event), keys: hits.map((h): SortKey => h.key), total: totals.total };
}

/**
 * An exact count of the lane's days. Counts and aggregations have no page
 * order to keep, so their lanes take every other day rather than racing
 * for them: the same days go to the same thread each time, and stay in its
 * column cache (a race moved a day or two between the threads' caches from
 * one run to the next, which cost a small aggregation more than the second
 * thread saved).
 */
export function countLane(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, leads: boolean, signal: AbortSignal | undefined): number {
  let total = 0;
  for (let i = leads ? 0 : 1; i < days.length; i += 2) total += countBlocks(days[i]!, q, Infinity, { signal });
  return total;
}

/** The aggregation's part over the lane's days (every other one, as countLane); empty, and checked, when it has none. */
export function aggregateLane(agg: AggregationSpec, days: readonly (readonly BlockSlice[])[], q: CompiledQuery, leads: boolean, opts: BlockAggregateOptions): AggregatePart {
  const mine: BlockSlice[] = [];
  for (let i = leads ? 0 : 1; i < days.length; i += 2) mine.push(...days[i]!);
  return aggregatePart(agg, mine, q, opts);
}
