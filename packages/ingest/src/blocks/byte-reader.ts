/**
 * Reads what ByteWriter wrote. Every read is bounds-checked and a short or
 * malformed buffer raises LS_STORE_CORRUPT_PARTITION: block bytes come from
 * files, and a damaged file must fail a query, not crash the process.
 */
import { storeError } from '../store/store-error.js';
import { decodeString } from './string-bytes.js';

export class ByteReader {
  private readonly view: DataView;
  pos = 0;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw corrupt('truncated block data');
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  uvarint(): number {
    const buf = this.buf;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= buf.length) throw corrupt('truncated varint');
      const b = buf[this.pos++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
    throw corrupt('varint too long');
  }

  svarint(): number {
    const u = this.uvarint();
    return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  blob(): Uint8Array {
    return this.bytes(this.uvarint());
  }

  string(): string {
    return decodeString(this.blob());
  }
}

export function corrupt(what: string): Error {
  return storeError('LS_STORE_CORRUPT_PARTITION', `block codec: ${what}`);
}
