/**
 * The one cursor codec every `LogReader` uses (SQLite, Elasticsearch, the
 * in-memory reader of the API tests). A cursor is the (@timestamp, event.id)
 * of the last hit of a page, the sort order and a hash of the query it
 * pages through: the next page starts strictly after that key, so events
 * ingested meanwhile never shift a page and there is no offset to cap.
 *
 * Binding the query and sort means a cursor pasted into another search is
 * refused rather than silently starting that search in the middle.
 */
import type { QueryNode } from './ast.js';
import type { SortOrder } from './log-reader.js';
import { serialize } from './serialize.js';

export interface CursorKey {
  /** @timestamp, epoch ms. */
  ts: number;
  /** event.id. */
  id: string;
}

const VERSION = 1;

/** FNV-1a over the canonical query text: short, stable across processes and backends. */
export function queryFingerprint(query: QueryNode): string {
  const text = serialize(query);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

export function encodeCursor(key: CursorKey, sort: SortOrder, query: QueryNode): string {
  const body = [VERSION, sort === 'asc' ? 'a' : 'd', key.ts, key.id, queryFingerprint(query)];
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The key of a cursor, or why it cannot be used for this query and sort (the caller raises its own coded error). */
export type DecodedCursor = { ok: true; key: CursorKey } | { ok: false; reason: string };

export function decodeCursor(cursor: string, sort: SortOrder, query: QueryNode): DecodedCursor {
  const foreign = { ok: false, reason: 'not a cursor this server issued' } as const;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return foreign;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 5 ||
    parsed[0] !== VERSION ||
    (parsed[1] !== 'a' && parsed[1] !== 'd') ||
    !Number.isSafeInteger(parsed[2]) ||
    typeof parsed[3] !== 'string' ||
    typeof parsed[4] !== 'string'
  ) {
    return foreign;
  }
  if ((parsed[1] === 'a') !== (sort === 'asc')) {
    return { ok: false, reason: `the cursor was issued for sort=${parsed[1] === 'a' ? 'asc' : 'desc'}, not ${sort}` };
  }
  if (parsed[4] !== queryFingerprint(query)) {
    return { ok: false, reason: 'the cursor was issued for another query; start again without a cursor' };
  }
  return { ok: true, key: { ts: parsed[2] as number, id: parsed[3] } };
}
