/**
 * The rid bounds a query's time range narrows an index scan to, read from
 * a partition's `minute_rids` (partition-schema.ts). Apart from
 * partition-db.ts because it is planning, not the connection: what share of
 * the rows a bound keeps, and what the planner is told of it.
 */
import { MINUTE_MS } from './rollup.js';

/** rid bounds spanning more than this share of a partition's rows are not worth a term. */
const NARROW_ENOUGH = 0.9;
/** Shares given to likelihood(), rounded up to one of these, so few statement texts recur. */
const SHARES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
function likely(share: number): string {
  return (SHARES.find((s) => s >= share) ?? 1).toFixed(3);
}
/** The largest ms timestamp a Date can hold: open-ended ranges are clamped to it. */
const MAX_TS = 8.64e15;

/** Reads one row of a partition (PartitionDb.get). */
export type GetRow = <T>(sql: string, positional: readonly unknown[]) => T | undefined;

/**
 * The rid bounds of the minutes of [from, to] as SQL to append to a ts
 * range (' AND …', or '' when there are none), for a file that has
 * `minute_rids`. An index on a field holds (value, rid), so with the
 * bounds an equality reads only the entries of the range instead of every
 * entry of the day and a row lookup each to check its ts (the 5 last hours
 * of a 1.3M-event day, `logger:X AND user_id:Y`: 65 ms without, 9 with).
 * Bounds that would keep nearly every row are left out (NARROW_ENOUGH),
 * and so are they for the query matching every row (`where` '1'), which
 * the (ts, eid) index answers alone since it holds ts and rid.
 */
export function ridBounds(get: GetRow, from: number, to: number, where: string): { sql: string; args: number[] } {
  const none = { sql: '', args: [] };
  if (where === '1') return none;
  const first = Math.floor(Math.max(from, -MAX_TS) / MINUTE_MS);
  const last = Math.floor(Math.min(to, MAX_TS) / MINUTE_MS);
  const b = get<{ lo: number | null; hi: number | null; top: number | null }>(
    'SELECT min(lo) AS lo, max(hi) AS hi, (SELECT max(rid) FROM events) AS top FROM minute_rids WHERE minute >= ? AND minute <= ?',
    [first, last],
  );
  // No event in those minutes: an empty rid range answers at once.
  if (!b || b.lo === null || b.hi === null || b.top === null) return { sql: ' AND rid >= ? AND rid <= ?', args: [1, 0] };
  if (b.hi - b.lo + 1 > NARROW_ENOUGH * b.top) return none;
  // The planner has no statistics on rid and would take any rid range
  // for a sixteenth of the table: with a range over half the day it then
  // scanned the table instead of using the logger index (55 ms instead
  // of 12). likelihood() tells it the true share of each bound.
  const above = likely((b.top - b.lo + 1) / b.top);
  const below = likely(b.hi / b.top);
  return { sql: ` AND likelihood(rid >= ?, ${above}) AND likelihood(rid <= ?, ${below})`, args: [b.lo, b.hi] };
}
