/**
 * Keyset cursors in SQLite's terms (ts, eid) over the shared codec
 * (@logship/query search-cursor.ts), and the order SQLite sorts keys in.
 */
import { decodeCursor as decodeQueryCursor, encodeCursor as encodeQueryCursor, type QueryNode, type SortOrder } from '@logship/query/core';
import { storeError } from '../store/store-error.js';

export interface SortKey {
  ts: number;
  eid: string;
}

export function encodeCursor(key: SortKey, sort: SortOrder, query: QueryNode): string {
  return encodeQueryCursor({ ts: key.ts, id: key.eid }, sort, query);
}

/** The key of a cursor issued for this query and sort; LS_STORE_BAD_CURSOR otherwise. */
export function decodeCursor(cursor: string, sort: SortOrder, query: QueryNode): SortKey {
  const decoded = decodeQueryCursor(cursor, sort, query);
  if (!decoded.ok) throw storeError('LS_STORE_BAD_CURSOR', decoded.reason);
  return { ts: decoded.key.ts, eid: decoded.key.id };
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
