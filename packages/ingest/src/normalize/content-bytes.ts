/**
 * The text a content id hashes (content-id.ts), written as UTF-8 straight
 * into one reused buffer. Building it as a string cost ~1.4 KB of garbage
 * an event (a concatenation per field, then a flat copy to hash, then
 * node's own UTF-8 copy) and most of a content id's time.
 *
 * A lone surrogate has no UTF-8 form: the writer then marks itself failed,
 * and content-id.ts builds the content as a string again, hashed as
 * 0xFF + UTF-16LE as it always was. `text` mode is that second pass: every
 * put appends to a string instead.
 */
export class ContentBytes {
  bytes: Buffer = Buffer.allocUnsafeSlow(8192);
  length = 0;
  /** A lone surrogate was met: the bytes are not the content. */
  failed = false;
  /** Set in text mode: the content as a string. */
  text: string | undefined = undefined;

  reset(text: boolean): void {
    // One event of many MB leaves the buffer that big; let it go.
    if (this.bytes.length > KEEP) this.replace(Buffer.allocUnsafeSlow(8192));
    this.length = 0;
    this.failed = false;
    this.text = text ? '' : undefined;
  }

  /** Text known to be ASCII (digits, markers, what String() gives a number). */
  ascii(s: string): void {
    if (this.text !== undefined) {
      this.text += s;
      return;
    }
    this.room(s.length);
    const b = this.bytes;
    let p = this.length;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.length = p;
  }

  /** One ASCII character by code. */
  char(c: number): void {
    if (this.text !== undefined) {
      this.text += String.fromCharCode(c);
      return;
    }
    this.room(1);
    this.bytes[this.length++] = c;
  }

  /** Bytes encoded before (a key's part, kept per key). */
  raw(part: Uint8Array, text: string): void {
    if (this.text !== undefined) {
      this.text += text;
      return;
    }
    const n = part.length;
    this.room(n);
    const b = this.bytes;
    const p = this.length;
    if (n > 32) b.set(part, p);
    else for (let i = 0; i < n; i++) b[p + i] = part[i]!;
    this.length = p + n;
  }

  /** The decimal digits String() gives a number. */
  number(v: number): void {
    if (!Number.isSafeInteger(v) || this.text !== undefined) {
      this.ascii(String(v));
      return;
    }
    this.room(17);
    // -0 writes as 0, as String(-0) does.
    if (v < 0) {
      this.bytes[this.length++] = 45;
      v = -v;
    }
    // Integer arithmetic on 32-bit halves: % and / on a double (an epoch-ms
    // time) were most of the cost.
    if (v < 1e9) this.digits(v, 0);
    else {
      const high = Math.floor(v / 1e9);
      this.digits(high, 0);
      this.digits(v - high * 1e9, 9);
    }
  }

  /** `v` (0 ≤ v < 1e9) in decimal, left-padded with zeros to `width`. */
  private digits(v: number, width: number): void {
    const b = this.bytes;
    let n = v | 0;
    let count = 1;
    for (let t = n; t >= 10; t = (t / 10) | 0) count++;
    if (count < width) count = width;
    let p = this.length + count;
    this.length = p;
    for (let i = 0; i < count; i++) {
      const q = (n / 10) | 0;
      b[--p] = 48 + n - q * 10;
      n = q;
    }
  }

  /** Any text, as UTF-8. */
  string(s: string): void {
    if (this.text !== undefined) {
      this.text += s;
      return;
    }
    if (this.failed) return;
    const n = s.length;
    this.room(n * 3);
    if (n > LONG) {
      // Long text: one native copy beats the loop; isWellFormed first, as
      // Buffer.write would turn a lone surrogate into U+FFFD.
      if (!(s as WellFormedCheck).isWellFormed()) this.failed = true;
      else this.length += this.bytes.write(s, this.length, 'utf8');
      return;
    }
    const b = this.bytes;
    let p = this.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) b[p++] = c;
      else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 63);
      } else if (c < 0xd800 || c > 0xdfff) {
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 63);
        b[p++] = 0x80 | (c & 63);
      } else {
        const d = c <= 0xdbff && i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (d < 0xdc00 || d > 0xdfff) {
          this.failed = true;
          return;
        }
        i++;
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        b[p++] = 0xf0 | (cp >> 18);
        b[p++] = 0x80 | ((cp >> 12) & 63);
        b[p++] = 0x80 | ((cp >> 6) & 63);
        b[p++] = 0x80 | (cp & 63);
      }
    }
    this.length = p;
  }

  /**
   * The bytes written, a view of the reused buffer (valid until the next
   * reset). Views are kept by length: a new one an event was ~100 bytes of
   * garbage and most of a Buffer's construction.
   */
  view(): Buffer {
    const n = this.length;
    if (n >= VIEWS) return this.bytes.subarray(0, n);
    return (this.views[n] ??= this.bytes.subarray(0, n));
  }

  private views: (Buffer | undefined)[] = [];

  private room(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(need, this.bytes.length * 2));
    this.bytes.copy(grown, 0, 0, this.length);
    this.replace(grown);
  }

  private replace(bytes: Buffer): void {
    this.bytes = bytes;
    this.views = [];
  }
}

/** Views kept for contents shorter than this. */
const VIEWS = 4096;
/** Largest buffer kept from one content to the next. */
const KEEP = 1 << 20;
/** Past this many UTF-16 units a string is copied by Buffer.write rather than by the loop. */
const LONG = 64;

/** String.prototype.isWellFormed (Node 20), newer than the TypeScript lib this project targets. */
export type WellFormedCheck = string & { isWellFormed(): boolean };
