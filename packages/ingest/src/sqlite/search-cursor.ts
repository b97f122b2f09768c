/**
 * Keyset cursors in SQLite's terms (ts, eid) over the shared codec
 * (@logship/query search-cursor.ts), and the order SQLite sorts keys in.
 *
 * A cursor of either embedded store carries the first page's total after
 * the shared part: `<shared>.<value>.<e|g>.<question>`. Later pages answer
 * with it instead of counting the range again, as long as they ask the
 * same question (`question`: the range and the query as the store compiles
 * or reads it): the figure a user saw on the first page stays on every
 * later one, as Kibana's hit count does while one scrolls. A cursor
 * without it (one issued before) pages as before and counts.
 */
import { createHash } from 'node:crypto';
import { decodeCursor as decodeQueryCursor, encodeCursor as encodeQueryCursor, type QueryNode, type SortOrder, type Total } from '@logship/query/core';
import { storeError } from '../store/store-error.js';
import { TOTAL_COUNT_LIMIT } from './store-limits.js';

export interface SortKey {
  ts: number;
  eid: string;
}

/** A total and the question it counted (totalQuestion). */
export interface CarriedTotal {
  total: Total;
  question: string;
}

export function encodeCursor(key: SortKey, sort: SortOrder, query: QueryNode, carried?: CarriedTotal): string {
  const shared = encodeQueryCursor({ ts: key.ts, id: key.eid }, sort, query);
  if (!carried) return shared;
  return `${shared}.${carried.total.value}.${carried.total.relation === 'gte' ? 'g' : 'e'}.${carried.question}`;
}

/** `.<value>.<e|g>.<question>`: the digits of a total up to TOTAL_COUNT_LIMIT, and a question's 16 base64url characters. */
const CARRIED = /^\.(0|[1-9]\d{0,4})\.([eg])\.([\w-]{16})$/;

/** The shared part and the carried total of a cursor; null when its tail is not one this codec writes. */
function splitCursor(cursor: string): { shared: string; carried: CarriedTotal | null } | null {
  const dot = cursor.indexOf('.');
  if (dot < 0) return { shared: cursor, carried: null };
  const m = CARRIED.exec(cursor.slice(dot));
  if (!m) return null;
  const value = Number(m[1]);
  const relation = m[2] === 'g' ? 'gte' : 'eq';
  // As searches answer: exact below the limit, `gte` at it.
  if ((relation === 'gte') !== (value === TOTAL_COUNT_LIMIT) || value > TOTAL_COUNT_LIMIT) return null;
  return { shared: cursor.slice(0, dot), carried: { total: { value, relation }, question: m[3]! } };
}

/** The key of a cursor issued for this query and sort; LS_STORE_BAD_CURSOR otherwise. */
export function decodeCursor(cursor: string, sort: SortOrder, query: QueryNode): SortKey {
  const parts = splitCursor(cursor);
  if (!parts) throw storeError('LS_STORE_BAD_CURSOR', 'not a cursor this server issued');
  const decoded = decodeQueryCursor(parts.shared, sort, query);
  if (!decoded.ok) throw storeError('LS_STORE_BAD_CURSOR', decoded.reason);
  return { ts: decoded.key.ts, eid: decoded.key.id };
}

/** The total a cursor carries, when it was counted for the same question (totalQuestion); null otherwise. */
export function carriedTotal(cursor: string, question: string): Total | null {
  const carried = splitCursor(cursor)?.carried;
  return carried && carried.question === question ? carried.total : null;
}

/**
 * What a search's total counts, as 16 characters: its range and its query
 * as compiled (date math resolved against the request's `now`, the text
 * fields of the day), so a later page with another range, another `now`
 * for `now-1h` in the query, or another configuration counts again.
 */
export function totalQuestion(from: number, to: number, compiled: unknown): string {
  return createHash('sha256').update(JSON.stringify([from, to, compiled])).digest('base64url').slice(0, 16);
}

/**
 * Orders keys as SQLite does: ts, then event.id by UTF-8 bytes (BINARY
 * collation), which differs from JS string order outside the BMP.
 */
export function compareKeys(a: SortKey, b: SortKey): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  if (a.eid === b.eid) return 0;
  return Buffer.compare(Buffer.from(a.eid, 'utf8'), Buffer.from(b.eid, 'utf8'));
}
