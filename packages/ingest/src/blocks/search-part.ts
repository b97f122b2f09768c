/**
 * A search over part of a query's range, as one reader thread answers it
 * when the block store splits a query between its threads
 * (split-query.ts): the best `want` candidates with their keys, and the
 * part's total, for the caller to join. And the one way a page is cut from
 * candidates, whole searches and joined parts alike.
 */
import type { LogEvent, QueryNode, SearchRequest, SearchResult, SortOrder } from '@logship/query';
import { encodeCursor, type SortKey } from '../sqlite/search-cursor.js';
import { TOTAL_COUNT_LIMIT } from '../sqlite/store-limits.js';
import type { ScanShare } from './scan-share.js';

export interface SearchPartRequest extends SearchRequest {
  /** Candidates wanted: a page's limit + 1. */
  want: number;
  /** Shared with the other half (scan-share.ts). */
  share: ScanShare;
  /** This half comes first in page order (the newer for desc). */
  leads: boolean;
}

export interface SearchPart {
  /** The best `want` hits in page order, and their keys; none when the leading half filled the page first. */
  hits: LogEvent[];
  keys: SortKey[];
  /** Matches in the part, up to TOTAL_COUNT_LIMIT; less when the halves' common count reached it. */
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
