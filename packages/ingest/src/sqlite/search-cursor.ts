/**
 * Keyset cursors: the (ts, event.id) of the last hit of a page plus the sort
 * order. The next page starts strictly after that key, so events ingested
 * meanwhile never shift a page (no repeats, no gaps) and there is no offset
 * to cap.
 */
import type { SortOrder } from '@logship/query';
import { storeError } from '../store-contract/store-error.js';

export interface SortKey {
  ts: number;
  eid: string;
}

export function encodeCursor(key: SortKey, sort: SortOrder): string {
  return Buffer.from(JSON.stringify([sort === 'asc' ? 'a' : 'd', key.ts, key.eid]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, sort: SortOrder): SortKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw storeError('LS_STORE_BAD_CURSOR', 'not a cursor this store issued');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    (parsed[0] !== 'a' && parsed[0] !== 'd') ||
    !Number.isSafeInteger(parsed[1]) ||
    typeof parsed[2] !== 'string'
  ) {
    throw storeError('LS_STORE_BAD_CURSOR', 'not a cursor this store issued');
  }
  if ((parsed[0] === 'a') !== (sort === 'asc')) {
    throw storeError('LS_STORE_BAD_CURSOR', `the cursor was issued for the other sort order than ${sort}`);
  }
  return { ts: parsed[1] as number, eid: parsed[2] as string };
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
