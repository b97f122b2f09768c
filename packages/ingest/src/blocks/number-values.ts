/**
 * A run of numbers: integers (|v| ≤ 2^50, not -0) as zigzag varints, either
 * plain or as deltas from the previous value (sorted epoch-ms times cost a
 * byte or two each), whichever is smaller; anything else as float64.
 * The 2^50 bound keeps every delta and zigzag below 2^53, so float
 * arithmetic stays exact.
 */
import type { ByteReader } from './byte-reader.js';
import { corrupt } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';

const F64 = 0;
const ZIGZAG = 1;
const DELTA = 2;
const INT_BOUND = 2 ** 50;

function varintSize(u: number): number {
  if (u < 0x80) return 1;
  if (u < 0x4000) return 2;
  if (u < 0x200000) return 3;
  if (u < 0x10000000) return 4;
  return u < 2 ** 35 ? 5 : 8;
}

function zigzag(v: number): number {
  return v < 0 ? -2 * v - 1 : 2 * v;
}

export function writeNumbers(w: ByteWriter, values: readonly number[]): void {
  let plain = 0;
  let delta = 0;
  let prev = 0;
  for (const v of values) {
    if (!Number.isInteger(v) || v > INT_BOUND || v < -INT_BOUND || Object.is(v, -0)) {
      w.byte(F64);
      for (const x of values) w.f64(x);
      return;
    }
    plain += varintSize(zigzag(v));
    delta += varintSize(zigzag(v - prev));
    prev = v;
  }
  if (delta < plain) {
    w.byte(DELTA);
    prev = 0;
    for (const v of values) {
      w.svarint(v - prev);
      prev = v;
    }
  } else {
    w.byte(ZIGZAG);
    for (const v of values) w.svarint(v);
  }
}

export function readNumbers(r: ByteReader, n: number): number[] {
  const mode = r.byte();
  const out = new Array<number>(n);
  if (mode === F64) {
    for (let i = 0; i < n; i++) out[i] = r.f64();
  } else if (mode === ZIGZAG) {
    for (let i = 0; i < n; i++) out[i] = r.svarint();
  } else if (mode === DELTA) {
    let prev = 0;
    for (let i = 0; i < n; i++) out[i] = prev += r.svarint();
  } else {
    throw corrupt(`numbers: unknown mode ${mode}`);
  }
  return out;
}
