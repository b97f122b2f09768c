/**
 * A search over some of a query's days, as one reader thread answers its
 * lane of a query split between the threads (split-query.ts): the best
 * `want` candidates with their keys, and the lane's total, for the caller
 * to join. And the one way a page is cut from candidates, whole searches
 * and joined lanes alike.
 */
import type { LogEvent, QueryNode, SearchResult, SortOrder } from '@logship/query/core';
import { encodeCursor, type SortKey } from '../sqlite/search-cursor.js';
import { TOTAL_COUNT_LIMIT } from '../sqlite/store-limits.js';

export interface SearchPart {
  /** The best `want` hits in page order, and their keys; none when the leading lane filled the page first. */
  hits: LogEvent[];
  keys: SortKey[];
  /** Matches in the lane's days, up to TOTAL_COUNT_LIMIT; less when the lanes' common count reached it. */
  total: number;
}

/** The page of `limit` hits from the best `limit + 1` candidates in page order: one more means a next page. */
export function pageOf(hits: readonly LogEvent[], keys: readonly SortKey[], total: number, limit: number, sort: SortOrder, query: QueryNode): SearchResult {
  const last = keys[Math.min(hits.length, limit) - 1];
  return {
    hits: hits.slice(0, limit),
    total: { value: total, relation: total >= TOTAL_COUNT_LIMIT ? 'gte' : 'eq' },
    next_cursor: hits.length > limit && last ? encodeCursor(last, sort, query) : null,
  };
}
