/**
 * A search over some of a query's days, as one reader thread answers its
 * lane of a query split between the threads (split-query.ts): the best
 * `want` candidates with their keys, and the lane's total, for the caller
 * to join. And the one way a page is cut from candidates, whole searches
 * and joined lanes alike.
 */
import { serialize, type LogEvent, type QueryNode, type SearchResult, type SortOrder, type Total } from '@logship/query/core';
import { encodeCursor, totalQuestion, type SortKey } from '../sqlite/search-cursor.js';
import { TOTAL_COUNT_LIMIT } from '../sqlite/store-limits.js';

export interface SearchPart {
  /** The best `want` hits in page order, and their keys; none when the leading lane filled the page first. */
  hits: LogEvent[];
  keys: SortKey[];
  /** Matches in the lane's days, up to TOTAL_COUNT_LIMIT; less when the lanes' common count reached it. */
  total: number;
}

/**
 * The page of `limit` hits from the best `limit + 1` candidates in page
 * order: one more means a next page, whose cursor carries the total for
 * the same question (sqlite/search-cursor.ts, blockQuestion).
 */
export function pageOf(hits: readonly LogEvent[], keys: readonly SortKey[], total: number, limit: number, sort: SortOrder, query: QueryNode, question: string): SearchResult {
  const last = keys[Math.min(hits.length, limit) - 1];
  const answer: Total = { value: total, relation: total >= TOTAL_COUNT_LIMIT ? 'gte' : 'eq' };
  return {
    hits: hits.slice(0, limit),
    total: answer,
    next_cursor: hits.length > limit && last ? encodeCursor(last, sort, query, { total: answer, question }) : null,
  };
}

/**
 * What a block search's total counts (sqlite/search-cursor.ts
 * totalQuestion): its range, the query, the text fields, and the request's
 * `now` when the query may hold date math (a later page's own `now` then
 * resolves it otherwise: it counts again).
 */
export function blockQuestion(req: { from: number; to: number; now: number; query: QueryNode }, textFields: readonly string[]): string {
  const text = serialize(req.query);
  return totalQuestion(req.from, req.to, [text, textFields, /now/i.test(text) ? req.now : null]);
}
