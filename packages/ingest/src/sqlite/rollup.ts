/**
 * Rollups: per-partition counts per UTC minute, written with the rows, so
 * that `terms` of a low-cardinality promoted field and `date_histogram`
 * over an empty query need not read every row of the range (at 1.4 M
 * events a day, a GROUP BY over the rows took 1.2–1.7 s).
 *
 *   rollup_keys(code, field, value)       one code per (field, terms key)
 *     code 0: field ''     value ''  : events (histograms, and the base of
 *                                      terms' missing_count)
 *     code c: field level… value key : events whose field has that key
 *   rollup_counts(key → code, minute, n)  events of that code in that minute
 *
 * (rollup-schema.ts: why a dictionary, and files of the first layout.)
 *
 * The key is exactly what the row path (sqlite-aggregate.ts) keys a terms
 * bucket by: String(value) of the column, and for the rare boolean/null of
 * a promoted field kept in `doc` (event-row.ts): 'true'/'false', and null
 * counts as missing.
 *
 * Whole minutes come from here, the partial minutes at a range's two ends
 * from the rows (rollup-query.ts), so the answer is the row path's answer.
 */
import type { FieldValue } from '@logship/query/core';
import { PROMOTED_COLUMNS } from './partition-schema.js';

export const MINUTE_MS = 60_000;

/**
 * Distinct values a field may have in one partition and still be rolled up.
 * Past it (user_id, path, duration_ms in real data) the field's rollup rows
 * would approach one per event, cost as much to write as the rows and save
 * little to read, so the field is switched off in that partition.
 */
export const ROLLUP_CAP = 1000;

/** Promoted fields that are rolled up: all but message (free text). */
export const ROLLUP_FIELDS: readonly string[] = Object.keys(PROMOTED_COLUMNS).filter((f) => f !== 'message');

const ROLLUP_FIELD_SET: ReadonlySet<string> = new Set(ROLLUP_FIELDS);

export function isRollupField(field: string): boolean {
  return ROLLUP_FIELD_SET.has(field);
}

/**
 * The terms key of a promoted field's value held in `doc`, or null when the
 * row path counts it as missing: JSON null, and a non-finite number (which
 * JSON.stringify wrote as null).
 */
export function docValueKey(value: FieldValue): string | null {
  if (value === null) return null;
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return String(value);
}

/**
 * Splits a visible ts range into whole minutes [first, last] (null when
 * none) and the ms ranges outside them that rows must answer. Timestamps
 * are integers, so [from, to] is first narrowed to integer bounds.
 */
export function splitMinutes(from: number, to: number): { minutes: [number, number] | null; rows: { from: number; to: number }[] } {
  const lo = Math.ceil(from);
  const hi = Math.floor(to);
  const first = Math.ceil(lo / MINUTE_MS);
  const last = Math.floor((hi + 1) / MINUTE_MS) - 1;
  if (first > last) return { minutes: null, rows: [{ from, to }] };
  const rows: { from: number; to: number }[] = [];
  if (lo < first * MINUTE_MS) rows.push({ from: lo, to: first * MINUTE_MS - 1 });
  if (hi >= (last + 1) * MINUTE_MS) rows.push({ from: (last + 1) * MINUTE_MS, to: hi });
  return { minutes: [first, last], rows };
}
