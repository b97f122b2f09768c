/**
 * Per-hour rollup counts of the events a block write stores, in the row
 * store's tables and with its writer (sqlite/rollup.ts, rollup-writer.ts),
 * so that terms of a low-cardinality field and histograms over an empty
 * query read a few rows per hour instead of decoding blocks.
 *
 * Hours, not the row store's minutes: per-minute rows cost more than the
 * blocks themselves. 100,000 events of scripts/corpus.mjs over 7 days:
 * 284,167 count rows, ~10 MB of a 13.4 MB folder, against 3.6 MB of
 * blocks. An hour's row is keyed by its first minute (`minute` = hour × 60)
 * so the row store's tables and reads serve unchanged; the partial hours
 * at a range's ends are read from blocks (block-aggregate.ts).
 *
 * The terms key is the row store's: String(value) of a string, a finite
 * number or a boolean; null and non-finite numbers count as missing.
 */
import { ROLLUP_FIELDS } from '../sqlite/rollup.js';
import type { FieldValue } from '@logship/query';
import type { BlockItem } from './block-prepare.js';
import type { BlockPartition } from './block-partition.js';

/** The terms key of a value (also what block-aggregate.ts keys terms by), or null for missing. */
export function termsKey(v: FieldValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return String(v);
}

export const ROLLUP_BUCKET_MS = 3_600_000;
/** Minutes per rollup bucket: the `minute` column holds bucket × this. */
export const ROLLUP_BUCKET_MINUTES = 60;

export function addRollups(db: BlockPartition, items: readonly BlockItem[]): void {
  db.rollups.count((emit) => {
    for (const item of items) {
      const minute = Math.floor(item.ts / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MINUTES;
      emit(minute, null, '');
      for (const field of ROLLUP_FIELDS) {
        const key = termsKey(Object.hasOwn(item.event, field) ? item.event[field] : undefined);
        if (key !== null) emit(minute, field, key);
      }
    }
  });
}

/**
 * Splits [from, to] into whole rollup buckets (as the `minute` values of
 * the first and last bucket, null when none) and the ms ranges outside
 * them that blocks must answer.
 */
export function splitBuckets(from: number, to: number): { minutes: [number, number] | null; rows: { from: number; to: number }[] } {
  const lo = Math.ceil(from);
  const hi = Math.floor(to);
  const first = Math.ceil(lo / ROLLUP_BUCKET_MS);
  const last = Math.floor((hi + 1) / ROLLUP_BUCKET_MS) - 1;
  if (first > last) return { minutes: null, rows: [{ from, to }] };
  const rows: { from: number; to: number }[] = [];
  if (lo < first * ROLLUP_BUCKET_MS) rows.push({ from: lo, to: first * ROLLUP_BUCKET_MS - 1 });
  if (hi >= (last + 1) * ROLLUP_BUCKET_MS) rows.push({ from: (last + 1) * ROLLUP_BUCKET_MS, to: hi });
  return { minutes: [first * ROLLUP_BUCKET_MINUTES, last * ROLLUP_BUCKET_MINUTES], rows };
}
