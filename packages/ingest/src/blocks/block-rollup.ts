/**
 * Per-minute rollup counts of the events a block write stores, in the
 * row store's tables and with its writer (sqlite/rollup.ts, rollup-writer.ts),
 * so that terms of a low-cardinality field and histograms over an empty
 * query read a few rows per minute instead of decoding blocks.
 *
 * The terms key is the row store's: String(value) of a string, a finite
 * number or a boolean; null and non-finite numbers count as missing.
 */
import { ROLLUP_FIELDS, MINUTE_MS } from '../sqlite/rollup.js';
import type { FieldValue } from '@logship/query';
import type { BlockItem } from './block-prepare.js';
import type { BlockPartition } from './block-partition.js';

/** The terms key of a value (also what block-aggregate.ts keys terms by), or null for missing. */
export function termsKey(v: FieldValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return String(v);
}

export function addRollups(db: BlockPartition, items: readonly BlockItem[]): void {
  db.rollups.count((emit) => {
    for (const item of items) {
      const minute = Math.floor(item.ts / MINUTE_MS);
      emit(minute, null, '');
      for (const field of ROLLUP_FIELDS) {
        const key = termsKey(Object.hasOwn(item.event, field) ? item.event[field] : undefined);
        if (key !== null) emit(minute, field, key);
      }
    }
  });
}
