import type { FramedLine, LongLineMode } from './line-framer.js';

export type Utf16Order = 'utf-16le' | 'utf-16be';

/**
 * LineFramer for a UTF-16 file (a Windows application's log, PowerShell's
 * `Out-File`, `.NET`'s `Encoding.Unicode`): a newline is the code unit
 * U+000A at an even offset, `0A 00` little-endian or `00 0A` big-endian.
 * LineFramer's cut at every 0x0A byte would split `上` (U+4E0A, `0A 4E` in
 * UTF-16LE) and start each next line with the newline's other byte.
 * Offsets stay byte offsets of the file (event ids, checkpoints); a file's
 * byte order mark is not part of its first line's text.
 *
 * Limits are applied to the text as UTF-8, which the server keeps: a part
 * is at most two thirds of the limit in UTF-16 bytes (a code unit is at
 * most 3 UTF-8 bytes, a surrogate pair 4 for its 4), cut between code
 * points. Simpler than LineFramer (lines are copied, not handed out as
 * views): such files are rare and small next to the UTF-8 logs the fast
 * path is for.
 */
export class Utf16LineFramer {
  private pending: Buffer = Buffer.alloc(0);
  /** File offset of the first pending byte (always even). */
  private lineStart: number;
  /** Offset up to which `pending` was searched for a newline (relative, even). */
  private scanned = 0;
  private continuing = false;
  /** Truncate mode: the head kept while the rest of a long line is skipped. */
  private head: Buffer | null = null;
  private afterPartial = false;
  private readonly nlLow: number;
  private readonly nlHigh: number;

  constructor(
    private readonly order: Utf16Order,
    private readonly maxLineBytes: number,
    private readonly mode: LongLineMode,
    startOffset = 0,
    private readonly textLineBytes = maxLineBytes,
  ) {
    this.lineStart = startOffset;
    // The newline's bytes in file order.
    [this.nlLow, this.nlHigh] = order === 'utf-16le' ? [0x0a, 0x00] : [0x00, 0x0a];
  }

  get pendingBytes(): number {
    return this.pending.length + this.skipped + (this.head?.length ?? 0);
  }

  get pendingStart(): number {
    return this.lineStart;
  }

  private unit(buf: Buffer, i: number): number {
    return this.order === 'utf-16le' ? buf[i]! | (buf[i + 1]! << 8) : (buf[i]! << 8) | buf[i + 1]!;
  }

  /** The limit of the pending line in UTF-16 bytes (even). */
  private limit(): number {
    const first = this.pending.length >= 2 ? this.unit(this.pending, this.bomBytes()) : -1;
    const utf8 = first === 0x7b && !this.continuing ? this.maxLineBytes : this.textLineBytes;
    return Math.max(4, Math.floor((utf8 * 2) / 3) & ~1);
  }

  /** The byte order mark at the file's start is not text. */
  private bomBytes(): number {
    return this.lineStart === 0 && !this.head && this.skipped === 0 && this.pending.length >= 2 && this.unit(this.pending, 0) === 0xfeff ? 2 : 0;
  }

  push(chunk: Buffer, emit: (line: FramedLine) => void): void {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    if (this.afterPartial) {
      this.afterPartial = false;
      // The newline that ends a line already emitted by flushPartial.
      if (this.pending.length >= 2 && this.pending[0] === this.nlLow && this.pending[1] === this.nlHigh) {
        this.pending = this.pending.subarray(2);
        this.lineStart += 2;
      }
    }
    for (;;) {
      let nl = -1;
      for (let i = this.scanned; i + 1 < this.pending.length; i += 2) {
        if (this.pending[i] === this.nlLow && this.pending[i + 1] === this.nlHigh) {
          nl = i;
          break;
        }
      }
      const limit = this.limit();
      const textEnd = nl === -1 ? this.pending.length & ~1 : nl;
      if (!this.head && textEnd - this.bomBytes() > limit) {
        this.cut(limit, emit);
        continue;
      }
      if (nl === -1) {
        this.scanned = this.pending.length & ~1;
        if (this.head) this.skip(this.scanned);
        return;
      }
      this.finishLine(nl, 2, emit);
    }
  }

  /** A long line: its first `limit` bytes of text (not ending inside a surrogate pair) as a part, or as the kept head. */
  private cut(limit: number, emit: (line: FramedLine) => void): void {
    const bom = this.bomBytes();
    let cut = bom + limit;
    const last = this.unit(this.pending, cut - 2);
    if (last >= 0xd800 && last <= 0xdbff) cut -= 2;
    const text = Buffer.from(this.pending.subarray(bom, cut));
    if (this.mode === 'truncate') {
      this.head = text;
      this.skip(cut);
      return;
    }
    emit({ text, start: this.lineStart, end: this.lineStart + cut, truncated: true });
    this.advance(cut);
    this.continuing = true;
  }

  /** Truncate mode: drops bytes of the skipped rest of a long line, keeping their count in the line's end. */
  private skipped = 0;
  private skip(n: number): void {
    this.skipped += n;
    this.pending = this.pending.subarray(n);
    this.scanned = 0;
  }

  private advance(n: number): void {
    this.lineStart += n;
    this.pending = this.pending.subarray(n);
    this.scanned = 0;
  }

  flushPartial(emit: (line: FramedLine) => void): void {
    // Whole code units only: a byte of half of one stays, or every later line would start at an odd offset.
    const whole = this.pending.length & ~1;
    if (whole > 0 || this.head) {
      this.finishLine(whole, 0, emit);
      this.afterPartial = true;
    }
  }

  private finishLine(textEnd: number, newlineBytes: number, emit: (line: FramedLine) => void): void {
    const end = this.lineStart + this.skipped + textEnd + newlineBytes;
    let text: Buffer;
    let truncated = this.continuing;
    if (this.head) {
      text = this.head;
      truncated = true;
    } else {
      text = Buffer.from(this.pending.subarray(this.bomBytes(), textEnd));
      if (newlineBytes > 0 && text.length >= 2 && this.unit(text, text.length - 2) === 0x0d) text = text.subarray(0, text.length - 2);
    }
    emit({ text, start: this.lineStart, end, truncated });
    this.pending = this.pending.subarray(textEnd + newlineBytes);
    this.lineStart = end;
    this.scanned = 0;
    this.skipped = 0;
    this.continuing = false;
    this.head = null;
  }
}
