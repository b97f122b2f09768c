/**
 * The values of a column's present rows, by type: one type (the usual case)
 * needs no per-row tag; a mixed column (500 in one row, "500" in another)
 * writes a type tag per row, then one run per type. Strings, numbers,
 * booleans (a bitmap) and nulls (nothing) each keep their exact type.
 */
import type { FieldValue } from '@logship/query/core';
import type { ByteReader } from './byte-reader.js';
import { corrupt } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { readNumbers, writeNumbers } from './number-values.js';
import { readStrings, writeStrings } from './string-values.js';
import { pickValues } from './pick-values.js';

/** Type bits, as in ColumnMeta.types. */
export const T_STRING = 1;
export const T_NUMBER = 2;
export const T_BOOLEAN = 4;
export const T_NULL = 8;

export function typeBit(v: FieldValue): number {
  // `typeof v === '…'` each, not a switch on typeof: V8 compiles these to a
  // type test with no feedback, where the switch's string compares
  // deoptimized an encoder OSR'd on string columns at its first number
  // (44 times in a 300k-event ingest).
  if (typeof v === 'string') return T_STRING;
  if (typeof v === 'number') return T_NUMBER;
  if (typeof v === 'boolean') return T_BOOLEAN;
  return T_NULL;
}

export function writeValues(w: ByteWriter, values: readonly FieldValue[], types: number): void {
  const single = types === T_STRING || types === T_NUMBER || types === T_BOOLEAN || types === T_NULL;
  if (!single) {
    const tags = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) tags[i] = typeBit(values[i]!);
    w.bytes(tags);
  }
  if (types & T_STRING) writeStrings(w, single ? (values as string[]) : values.filter(isString));
  if (types & T_NUMBER) writeNumbers(w, single ? (values as number[]) : values.filter(isNumber));
  if (types & T_BOOLEAN) writeBooleans(w, single ? (values as boolean[]) : values.filter(isBoolean));
}

// Predicates made once, not per call: V8 drops a per-call closure's optimized code at each major GC.
const isString = (v: FieldValue): v is string => typeof v === 'string';
const isNumber = (v: FieldValue): v is number => typeof v === 'number';
const isBoolean = (v: FieldValue): v is boolean => typeof v === 'boolean';

/** pick: ascending positions of the values wanted (pick-values.ts); all when absent. dictionary: readStrings'. */
export function readValues(r: ByteReader, n: number, types: number, pick?: Int32Array, dictionary?: (values: string[], indexes: Uint8Array | Uint16Array) => void): FieldValue[] {
  if (types === T_STRING) return readStrings(r, n, pick, dictionary);
  if (types === T_NUMBER) return readNumbers(r, n, pick);
  if (types === T_BOOLEAN) return readBooleans(r, n, pick);
  if (types === T_NULL) return new Array<FieldValue>(pick === undefined ? n : pick.length).fill(null);
  const tags = r.bytes(n);
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const t = tags[i]!;
    if ((types & t) === 0 || (t & (t - 1)) !== 0) throw corrupt(`values: bad type tag ${t}`);
    if (t === T_STRING) counts[0]!++;
    else if (t === T_NUMBER) counts[1]!++;
    else if (t === T_BOOLEAN) counts[2]!++;
  }
  const strings = types & T_STRING ? readStrings(r, counts[0]!) : [];
  const numbers = types & T_NUMBER ? readNumbers(r, counts[1]!) : [];
  const booleans = types & T_BOOLEAN ? readBooleans(r, counts[2]!) : [];
  const out = new Array<FieldValue>(n);
  let s = 0;
  let u = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const t = tags[i]!;
    out[i] = t === T_STRING ? strings[s++]! : t === T_NUMBER ? numbers[u++]! : t === T_BOOLEAN ? booleans[b++]! : null;
  }
  // Mixed columns are rare (a field that is 500 in one row, "500" in another): no picking of their own.
  return pick === undefined ? out : pickValues(out, pick);
}

function writeBooleans(w: ByteWriter, values: readonly boolean[]): void {
  const bits = new Uint8Array((values.length + 7) >>> 3);
  for (let i = 0; i < values.length; i++) if (values[i]) bits[i >>> 3]! |= 1 << (i & 7);
  w.bytes(bits);
}

function readBooleans(r: ByteReader, n: number, pick?: Int32Array): boolean[] {
  const bits = r.bytes((n + 7) >>> 3);
  const out = new Array<boolean>(n);
  for (let i = 0; i < n; i++) out[i] = ((bits[i >>> 3]! >> (i & 7)) & 1) === 1;
  return pick === undefined ? out : pickValues(out, pick);
}
