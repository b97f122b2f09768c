/**
 * What each reader thread does with its lane of a query split between the
 * two (split-query.ts): it takes the query's days one at a time
 * (scan-share.ts DayClaims), the leading lane from the front of the page
 * order, the trailing lane from the back, until its work is done or the
 * other lane has taken what is left.
 *
 *   leading search:  walk its days for the page ─► count its days, taking
 *                    more while the total is short of the limit
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
import { countedSoFar, isPageFull, type DayClaims, type ScanShare } from './scan-share.js';
import type { SearchPart } from './search-part.js';

/** A search's lane over `days` (in page order). */
export function searchLane(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, walk: SearchWalk, claims: DayClaims, state: ScanShare): SearchPart {
  return claims.leads ? leadingSearch(days, q, walk, claims, state) : trailingSearch(days, q, walk, claims, state);
}

function leadingSearch(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, walk: SearchWalk, claims: DayClaims, state: ScanShare): SearchPart {
  const { hits, scanned } = searchBlocks(days, q, { ...walk, share: { state, leads: true }, claims });
  const part = (total: number): SearchPart => ({ hits: hits.map((h) => h.event), keys: hits.map((h) => h.key), total });
  // Short of a page, the walk went through every day it could take: these are its matches.
  if (!walk.after && hits.length < walk.want) return part(hits.length);
  let total = 0;
  for (let i = 0; i < days.length && countedSoFar(state) < TOTAL_COUNT_LIMIT && claims.has(i); i++) {
    total += countBlocks(days[i]!, q, TOTAL_COUNT_LIMIT, walk.signal, scanned, state);
  }
  return part(Math.min(total, TOTAL_COUNT_LIMIT));
}

/**
 * Counts first, as the leading lane most often fills the page alone;
 * walks for candidates only if it has not by then, scanning only blocks
 * that had matches.
 */
function trailingSearch(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, walk: SearchWalk, claims: DayClaims, state: ScanShare): SearchPart {
  const counts = new Map<BlockHeader, number>();
  let total = 0;
  for (let i = days.length - 1; i >= 0 && countedSoFar(state) < TOTAL_COUNT_LIMIT && claims.has(i); i--) {
    total += countBlocks(days[i]!, q, TOTAL_COUNT_LIMIT, walk.signal, undefined, state, counts);
  }
  total = Math.min(total, TOTAL_COUNT_LIMIT);
  const mine = days.slice(claims.firstTrailing);
  if (mine.length === 0 || isPageFull(state)) return { hits: [], keys: [], total };
  const { hits } = searchBlocks(mine, q, { ...walk, share: { state, leads: false }, counted: counts });
  return { hits: hits.map((h) => h.event), keys: hits.map((h): SortKey => h.key), total };
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
  for (let i = leads ? 0 : 1; i < days.length; i += 2) total += countBlocks(days[i]!, q, Infinity, signal);
  return total;
}

/** The aggregation's part over the lane's days (every other one, as countLane); empty, and checked, when it has none. */
export function aggregateLane(agg: AggregationSpec, days: readonly (readonly BlockSlice[])[], q: CompiledQuery, leads: boolean, opts: BlockAggregateOptions): AggregatePart {
  const mine: BlockSlice[] = [];
  for (let i = leads ? 0 : 1; i < days.length; i += 2) mine.push(...days[i]!);
  return aggregatePart(agg, mine, q, opts);
}
