/**
 * Growable byte buffer with the primitive encodings the block codec uses:
 * unsigned LEB128 varints, zigzag varints, little-endian float64 and strings.
 * Varints are computed with float arithmetic (no BigInt) because every
 * integer the codec writes is kept below 2^53 by its callers.
 */
import { encodeString } from './string-bytes.js';

export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  private reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  /** Unsigned varint, 0 ≤ v < 2^53. */
  uvarint(v: number): void {
    this.reserve(8);
    const buf = this.buf;
    let n = this.length;
    while (v >= 0x80) {
      buf[n++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buf[n++] = v;
    this.length = n;
  }

  /** Zigzag varint, |v| ≤ 2^52. */
  svarint(v: number): void {
    this.uvarint(v < 0 ? -2 * v - 1 : 2 * v);
  }

  f64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Length-prefixed bytes. */
  blob(b: Uint8Array): void {
    this.uvarint(b.length);
    this.bytes(b);
  }

  /** A string, exact even with lone surrogates (string-bytes.ts). */
  string(s: string): void {
    this.blob(encodeString(s));
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
