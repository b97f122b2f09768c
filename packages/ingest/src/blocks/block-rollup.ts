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
import type { FieldValue } from '@logship/query/core';
import type { Gathered } from './gather-columns.js';
import type { BlockPartition } from './block-partition.js';

/** The terms key of a value (also what block-aggregate.ts keys terms by), or null for missing. */
export function termsKey(v: FieldValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return String(v);
}

export const ROLLUP_BUCKET_MS = 3_600_000;
/** Up to this many (hour, key) cells a block's rollup counts go in an array. */
const DENSE_COUNTS = 1 << 16;
/** Minutes per rollup bucket: the `minute` column holds bucket × this. */
export const ROLLUP_BUCKET_MINUTES = 60;

/**
 * What a block's rows add to the rollups, taken where the events are (the
 * receiving thread, block-prepare.ts) so the writer needs no event: per
 * field of ROLLUP_FIELDS, its distinct terms keys and each row's index
 * into them (-1: the row has none).
 */
export interface RollupCodes {
  keys: string[][];
  rows: Int32Array[];
}

export function rollupCodes(columns: ReadonlyMap<string, Gathered>, count: number): RollupCodes {
  const keys: string[][] = [];
  const rows: Int32Array[] = [];
  for (const field of ROLLUP_FIELDS) {
    const seen = new Map<string, number>();
    // Numbers by value, so String() runs once per distinct number (500 and "500" share a key).
    const numbers = new Map<number, number>();
    const list: string[] = [];
    const codes = new Int32Array(count).fill(-1);
    const col = columns.get(field);
    // The block's column, not its events: reading a field of every event
    // was a megamorphic property load a row (events of many formats).
    const values = col?.values ?? [];
    const at = col?.rows ?? null;
    for (let j = 0; j < values.length; j++) {
      const v = values[j];
      if (v === undefined || v === null) continue;
      const r = at === null ? j : at[j]!;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) continue;
        let code = numbers.get(v);
        if (code === undefined) numbers.set(v, (code = codeOf(seen, list, String(v))));
        codes[r] = code;
      } else codes[r] = codeOf(seen, list, termsKey(v)!);
    }
    keys.push(list);
    rows.push(codes);
  }
  return { keys, rows };
}

// Module-level helpers, not closures made per call: V8 drops a closure's
// optimized code at each major GC (sqlite/group-batch.ts ToItem).
function codeOf(seen: Map<string, number>, list: string[], key: string): number {
  let code = seen.get(key);
  if (code === undefined) {
    seen.set(key, (code = list.length));
    list.push(key);
  }
  return code;
}

type Emit = (minute: number, field: string | null, key: string, n?: number) => void;

/**
 * Counts the rows of a block write into the partition's rollups: every row,
 * or those `keep` flags (1) when the writer dropped some. Summed here per
 * (hour, field, key) first: a block is mostly a few hours.
 */
export function addRollups(db: BlockPartition, ts: Float64Array, codes: RollupCodes, keep?: Uint8Array): void {
  db.rollups.count((emit) => countRollups(emit, ts, codes, keep));
}

function countRollups(emit: Emit, ts: Float64Array, codes: RollupCodes, keep: Uint8Array | undefined): void {
  // Hours counted from the block's first kept row's.
  const hourOf = new Float64Array(ts.length);
  let first = Infinity;
  let last = -Infinity;
  for (let r = 0; r < ts.length; r++) {
    const minute = Math.floor(ts[r]! / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MINUTES;
    hourOf[r] = minute;
    if (keep !== undefined && keep[r] !== 1) continue;
    if (minute < first) first = minute;
    if (minute > last) last = minute;
  }
  if (first === Infinity) return;
  for (let r = 0; r < ts.length; r++) hourOf[r] = (hourOf[r]! - first) / ROLLUP_BUCKET_MINUTES;
  const hours = (last - first) / ROLLUP_BUCKET_MINUTES + 1;
  const span: Span = { hourOf, keep, first, hours };
  countField(emit, span, null, null, null);
  for (let f = 0; f < ROLLUP_FIELDS.length; f++) {
    const list = codes.keys[f]!;
    if (list.length > 0) countField(emit, span, ROLLUP_FIELDS[f]!, list, codes.rows[f]!);
  }
}

interface Span {
  /** Each row's hour, counted from `first`. */
  hourOf: Float64Array;
  keep: Uint8Array | undefined;
  /** The first kept row's hour, as a rollup minute. */
  first: number;
  hours: number;
}

/**
 * One field's counts (or the events', field null) per (hour, code), as one
 * index, codes < width: an array of counts when that is small (a block
 * spans an hour or two), else a Map.
 */
function countField(emit: Emit, span: Span, field: string | null, list: string[] | null, rows: Int32Array | null): void {
  const { hourOf, keep, first, hours } = span;
  const width = list === null ? 1 : list.length;
  const dense = hours * width <= DENSE_COUNTS ? new Int32Array(hours * width) : null;
  const sparse = dense === null ? new Map<number, number>() : null;
  for (let r = 0; r < hourOf.length; r++) {
    const c = rows === null ? 0 : rows[r]!;
    if (c < 0 || (keep !== undefined && keep[r] !== 1)) continue;
    const k = hourOf[r]! * width + c;
    if (dense !== null) dense[k]!++;
    else sparse!.set(k, (sparse!.get(k) ?? 0) + 1);
  }
  if (dense !== null) {
    for (let k = 0; k < dense.length; k++) {
      if (dense[k]! > 0) emit(first + Math.floor(k / width) * ROLLUP_BUCKET_MINUTES, field, list === null ? '' : list[k % width]!, dense[k]!);
    }
  } else {
    for (const [k, n] of sparse!) emit(first + Math.floor(k / width) * ROLLUP_BUCKET_MINUTES, field, list === null ? '' : list[k % width]!, n);
  }
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
