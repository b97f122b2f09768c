/**
 * The dictionary a decoded string column came from (string-values.ts),
 * kept beside the column: a filter on the column judges each distinct
 * string once and then reads a code per row (a byte, or two past 255),
 * instead of comparing, regex-scanning or tokenizing every row's string.
 *
 *   decodeColumn ─► column (one string per row) + { values, codes }
 *   filter ─► verdict per dictionary value ─► codes[row] ─► rows
 *
 * Kept in a WeakMap keyed by the column array, so it lives exactly as long
 * as the column (in a reader's column cache or one query).
 */
import type { FieldValue } from '@logship/query/core';

export interface ColumnDictionary {
  /** The distinct strings. */
  readonly values: readonly string[];
  /** Per row: 0 where the row has no string of the dictionary, else its index + 1. */
  readonly codes: Uint8Array | Uint16Array;
}

/** Dictionaries of up to this many strings are kept (codes fit two bytes; writeStrings makes up to 65,536). */
export const MAX_KEPT_DICTIONARY = 65_535;

const DICTIONARIES = new WeakMap<readonly unknown[], ColumnDictionary>();

export function keepDictionary(column: readonly unknown[], dict: ColumnDictionary): void {
  DICTIONARIES.set(column, dict);
}

export function columnDictionary(column: readonly unknown[]): ColumnDictionary | undefined {
  return DICTIONARIES.get(column);
}

/** The rows of `rows` whose value passes `test`, which sees each distinct string of the dictionary at most once. */
export function dictionaryRows(dict: ColumnDictionary, rows: readonly number[], test: (v: FieldValue | undefined) => boolean): number[] {
  // 0: not judged yet, 1: passes, 2: fails; slot 0 is a row without a dictionary string.
  const verdicts = new Uint8Array(dict.values.length + 1);
  verdicts[0] = test(undefined) ? 1 : 2;
  const { codes, values } = dict;
  const out: number[] = [];
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const c = codes[r]!;
    let v = verdicts[c]!;
    if (v === 0) verdicts[c] = v = test(values[c - 1]) ? 1 : 2;
    if (v === 1) out.push(r);
  }
  return out;
}
