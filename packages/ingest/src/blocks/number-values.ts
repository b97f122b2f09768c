/**
 * A run of numbers: integers (|v| ≤ 2^51, not -0) as zigzag varints, either
 * plain or as deltas from the previous value (sorted epoch-ms times cost a
 * byte or two each), whichever is smaller; decimals with few digits
 * (0.016, 12.5: what logs carry) as integers times 10^-scale, kept only
 * when m / 10^scale gives back the very same double; anything else float64.
 * The 2^51 bound keeps every delta within 2^52 and its zigzag within 2^53,
 * so float arithmetic on them stays exact.
 */
import type { ByteReader } from './byte-reader.js';
import { corrupt } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';

const F64 = 0;
const ZIGZAG = 1;
const DELTA = 2;
const DECIMAL = 3;
const INT_BOUND = 2 ** 51;
const MAX_SCALE = 9;
const POW10 = Array.from({ length: MAX_SCALE + 1 }, (_, i) => 10 ** i);

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

function isSmallInt(v: number): boolean {
  return Number.isInteger(v) && v <= INT_BOUND && v >= -INT_BOUND && !Object.is(v, -0);
}

/** The smallest scale that writes every value as an exact small integer, or -1. */
function decimalScale(values: readonly number[]): number {
  let scale = 0;
  // Indexed loops here and below: for-of over these arrays (of every element kind) allocated an iterator result per value.
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (isSmallInt(v)) continue;
    if (!Number.isFinite(v) || Object.is(v, -0)) return -1;
    while (scale <= MAX_SCALE && !fits(v, scale)) scale++;
    if (scale > MAX_SCALE) return -1;
  }
  // A value that fit a smaller scale may not fit the final one (2^49 at
  // scale 3 leaves the exact-integer range): check them all again.
  if (scale > 0) for (let i = 0; i < values.length; i++) if (!fits(values[i]!, scale)) return -1;
  return scale;
}

function fits(v: number, scale: number): boolean {
  const m = Math.round(v * POW10[scale]!);
  return isSmallInt(m) && m / POW10[scale]! === v;
}

export function writeNumbers(w: ByteWriter, values: readonly number[]): void {
  const scale = decimalScale(values);
  if (scale < 0) {
    w.byte(F64);
    for (let i = 0; i < values.length; i++) w.f64(values[i]!);
    return;
  }
  // Always a Float64Array for writeInts: number arrays come in several V8
  // element kinds (small integers, doubles, mixed, holey), and more than a
  // few deoptimized it over and over ("wrong map").
  const ints = new Float64Array(values.length);
  if (scale > 0) {
    const p = POW10[scale]!;
    for (let i = 0; i < values.length; i++) ints[i] = Math.round(values[i]! * p);
    w.byte(DECIMAL);
    w.byte(scale);
  } else {
    for (let i = 0; i < values.length; i++) ints[i] = values[i]!;
  }
  writeInts(w, ints);
}

/** The largest magnitude writeInts takes. */
export const MAX_INT = INT_BOUND;

/** Integers (|v| ≤ 2^51) as zigzag varints, plain or as deltas, whichever is smaller; readNumbers reads them. */
export function writeInts(w: ByteWriter, values: Float64Array): void {
  let plain = 0;
  let delta = 0;
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    plain += varintSize(zigzag(v));
    delta += varintSize(zigzag(v - prev));
    prev = v;
  }
  if (delta < plain) {
    w.byte(DELTA);
    prev = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      w.svarint(v - prev);
      prev = v;
    }
  } else {
    w.byte(ZIGZAG);
    for (let i = 0; i < values.length; i++) w.svarint(values[i]!);
  }
}

/** pick: ascending positions of the values wanted (all when absent); the run is read through either way. */
export function readNumbers(r: ByteReader, n: number, pick?: Int32Array): number[] {
  let mode = r.byte();
  let scale = 0;
  if (mode === DECIMAL) {
    scale = r.byte();
    if (scale < 1 || scale > MAX_SCALE) throw corrupt(`numbers: bad scale ${scale}`);
    mode = r.byte();
    if (mode !== ZIGZAG && mode !== DELTA) throw corrupt(`numbers: bad decimal mode ${mode}`);
  }
  if (mode !== F64 && mode !== ZIGZAG && mode !== DELTA) throw corrupt(`numbers: unknown mode ${mode}`);
  const picked = pick === undefined ? readAll(r, n, mode) : readPicked(r, n, mode, pick);
  if (scale > 0) {
    const p = POW10[scale]!;
    for (let i = 0; i < picked.length; i++) picked[i] = picked[i]! / p;
  }
  return picked;
}

function readAll(r: ByteReader, n: number, mode: number): number[] {
  const out = new Array<number>(n);
  if (mode === F64) {
    for (let i = 0; i < n; i++) out[i] = r.f64();
    return out;
  }
  // ByteReader.svarint's decoding, inlined over the buffer: a method call
  // and float arithmetic a value were most of a numeric column's decode
  // (times for every histogram, page and merge), while most varints here
  // are one or two bytes.
  const buf = r.buf;
  const end = buf.length;
  const delta = mode === DELTA;
  let pos = r.pos;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    if (pos >= end) throw corrupt('truncated varint');
    let b = buf[pos++]!;
    let u = b & 0x7f;
    if (b >= 0x80) {
      let mul = 0x80;
      for (let k = 1; ; k++) {
        if (k === 8) throw corrupt('varint too long');
        if (pos >= end) throw corrupt('truncated varint');
        b = buf[pos++]!;
        u += (b & 0x7f) * mul;
        if (b < 0x80) break;
        mul *= 0x80;
      }
    }
    // Zigzag: bit operations while u fits 30 bits, float arithmetic past that.
    const v = u < 0x40000000 ? (u & 1 ? -((u + 1) >> 1) : u >> 1) : u % 2 === 1 ? -(u + 1) / 2 : u / 2;
    out[i] = delta ? (prev += v) : v;
  }
  r.pos = pos;
  return out;
}

/** Only the values at `pick` (ascending), without an array of all n: a page of hits out of a block. */
function readPicked(r: ByteReader, n: number, mode: number, pick: Int32Array): number[] {
  const out = new Array<number>(pick.length);
  let k = 0;
  let next = pick.length > 0 ? pick[0]! : -1;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const v = mode === F64 ? r.f64() : mode === ZIGZAG ? r.svarint() : (prev += r.svarint());
    if (i === next) {
      out[k++] = v;
      next = k < pick.length ? pick[k]! : -1;
    }
  }
  if (k < pick.length) throw corrupt('numbers: row outside the run');
  return out;
}
