/**
 * Arrays every scan of a block of n rows starts from, made once per size
 * and shared: the rows 0..n-1 of a block wholly inside the range, and the
 * column of a field the block lacks. Building them for every block of
 * every query was ~1 ms of a 6 ms search at 1M events (a free-text phrase
 * names every text field, most of them absent from a block). Readonly by
 * type only: frozen arrays made the searches that read them 30–50 % slower
 * (V8 reads frozen elements on a slower path; measured back to back).
 */
import type { FieldValue } from '@logship/query/core';

/** block-partition.ts Column, spelled out: that module imports this one. */
type Column = readonly (FieldValue | undefined)[];

/** Blocks come in few sizes per partition; past this, start again. */
const MAX_SIZES = 256;
const identities = new Map<number, readonly number[]>();
const absents = new Map<number, Column>();

/** [0, 1, …, n-1]; never change it. */
export function allRows(n: number): readonly number[] {
  let rows = identities.get(n);
  if (rows === undefined) {
    if (identities.size >= MAX_SIZES) identities.clear();
    const a = new Array<number>(n);
    for (let i = 0; i < n; i++) a[i] = i;
    identities.set(n, (rows = a));
  }
  return rows;
}

/** n times undefined (a column no row has); never change it. */
export function absentColumn(n: number): Column {
  let col = absents.get(n);
  if (col === undefined) {
    if (absents.size >= MAX_SIZES) absents.clear();
    absents.set(n, (col = new Array<undefined>(n).fill(undefined)));
  }
  return col;
}
