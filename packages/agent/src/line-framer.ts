/**
 * Cuts a byte stream into lines and remembers the byte offset where each
 * line starts and ends, which become the event id and the checkpoint.
 *
 * Why not split2 here (split2 frames journalctl's output): split2 decodes to
 * strings first, so invalid UTF-8 changes lengths and byte offsets drift, and
 * at its maxLength it silently discards the rest of a line. File offsets must
 * be exact for "no dup, no skip" on restart, and long lines must never be
 * dropped silently, so this framer works on Buffers.
 */
import { utf8Boundary } from './utf8-boundary.js';

export interface FramedLine {
  /** The line without its `\n` (and without a `\r` before it). */
  readonly text: Buffer;
  /** Byte offset of the first byte of the line in the file. */
  readonly start: number;
  /** Byte offset just after the line (after its newline when it has one). */
  readonly end: number;
  /** The line was longer than its limit (max_line_bytes, max_message_bytes): this is a part, or its head. */
  readonly truncated: boolean;
  /** A part of a multiline event cut at max_lines or max_message_bytes (multiline.ts): its number, from 1, of `parts`, and where the first part starts. */
  readonly cut?: { readonly part: number; readonly parts: number; readonly firstStart: number };
}

export type LongLineMode = 'split' | 'truncate';

export class LineFramer {
  private parts: Buffer[] = [];
  private partsLen = 0;
  /** File offset of the first pending byte. */
  private lineStart: number;
  /** Split mode: the pending bytes continue a line already cut once. */
  private continuing = false;
  /** Truncate mode: the head kept while the rest of a long line is skipped. */
  private head: Buffer | null = null;
  /** The last line was emitted without newline; a newline next belongs to it. */
  private afterPartial = false;
  /** NUL bytes leading the pending line, read but not kept (`dropLeadingNul`). */
  private nuls = 0;

  /**
   * `maxLineBytes` caps a line that starts with `{` (a JSON record, which
   * ingest parses only whole: its values are cut there instead), and
   * `textLineBytes` (at most that) every other line and the parts after a
   * first cut: plain text is stored as one message, which ingest cuts at
   * its `limits.max_value_bytes`, so a longer part would lose its end there.
   */
  constructor(
    private readonly maxLineBytes: number,
    private readonly mode: LongLineMode,
    startOffset = 0,
    private readonly textLineBytes = maxLineBytes,
    /**
     * NUL bytes leading a line are not part of it: the hole an application
     * without O_APPEND leaves when it writes on at its old offset after
     * copytruncate. Dropped here, not after framing, so that a hole longer
     * than a line's limit neither cuts the line after it into parts flagged
     * truncated nor (long_lines: truncate) leaves of it only the hole. The
     * line's `start` (its event id) stays the hole's first byte.
     */
    private readonly dropLeadingNul = false,
  ) {
    this.lineStart = startOffset;
  }

  /** The limit of the line whose first byte is `first`. */
  private limitOf(first: number | undefined): number {
    return first === OPEN_BRACE && !this.continuing ? this.maxLineBytes : this.textLineBytes;
  }

  /** Bytes read but not yet emitted as a line. */
  get pendingBytes(): number {
    return this.partsLen + this.nuls;
  }

  /** Offset where the pending (incomplete) line starts. */
  get pendingStart(): number {
    return this.lineStart;
  }

  /**
   * Feeds the bytes that follow everything fed so far. A line's `text` may be
   * a view of `chunk`: valid only during the `emit` call, copy it to keep it.
   */
  push(chunk: Buffer, emit: (line: FramedLine) => void): void {
    let from = 0;
    if (this.afterPartial && chunk.length > 0) {
      this.afterPartial = false;
      // The newline that ends a line already emitted by flushPartial is not
      // an empty line of its own.
      if (chunk[0] === 10) {
        from = 1;
        this.lineStart += 1;
      }
    }
    while (from < chunk.length) {
      const atLineStart = this.partsLen === 0 && !this.head && !this.continuing;
      if (atLineStart && this.dropLeadingNul && chunk[from] === 0) {
        let i = from + 1;
        while (i < chunk.length && chunk[i] === 0) i++;
        this.nuls += i - from;
        from = i;
        continue;
      }
      const nl = chunk.indexOf(10, from);
      if (nl !== -1 && atLineStart && nl - from <= this.limitOf(chunk[from])) {
        // A whole line inside the chunk: handed out as a view, not a copy.
        // `emit` must copy what it keeps (the caller reuses its buffer).
        const stop = nl > from && chunk[nl - 1] === 13 ? nl - 1 : nl;
        const end = this.lineStart + this.nuls + (nl + 1 - from);
        emit({ text: chunk.subarray(from, stop), start: this.lineStart, end, truncated: false });
        this.lineStart = end;
        this.nuls = 0;
        from = nl + 1;
        continue;
      }
      const stop = nl === -1 ? chunk.length : nl;
      this.append(chunk.subarray(from, stop), emit);
      if (nl === -1) return;
      this.finishLine(1, emit);
      from = nl + 1;
    }
  }

  /** Emits the pending bytes as a line although no newline followed them. */
  flushPartial(emit: (line: FramedLine) => void): void {
    if (this.partsLen === 0 && !this.head && this.nuls > 0) {
      // A hole without a line after it (yet): nothing to emit; a line written after it starts after it.
      this.lineStart += this.nuls;
      this.nuls = 0;
      return;
    }
    if (this.partsLen > 0 || this.head) {
      this.finishLine(0, emit);
      this.afterPartial = true;
    }
  }

  private append(bytes: Buffer, emit: (line: FramedLine) => void): void {
    if (bytes.length === 0) return;
    if (this.head) {
      // Truncate mode, inside the skipped tail of a long line.
      this.partsLen += bytes.length;
      return;
    }
    let rest = bytes;
    for (;;) {
      const limit = this.limitOf(this.partsLen > 0 ? this.parts[0]![0] : rest[0]);
      if (this.partsLen + rest.length <= limit) break;
      const room = limit - this.partsLen;
      this.parts.push(rest.subarray(0, room));
      this.partsLen += room;
      rest = rest.subarray(room);
      const full = Buffer.concat(this.parts, this.partsLen);
      // Cut between characters, not inside one (which would arrive as two
      // U+FFFD and an event flagged invalid UTF-8): the bytes of a
      // character cut short start the next part.
      const cut = utf8Boundary(full);
      if (this.mode === 'truncate') {
        this.head = Buffer.from(full.subarray(0, cut));
        this.parts = [];
        this.partsLen += rest.length;
        return;
      }
      emit({ text: Buffer.from(full.subarray(0, cut)), start: this.lineStart, end: this.lineStart + this.nuls + cut, truncated: true });
      this.lineStart += this.nuls + cut;
      this.nuls = 0;
      this.parts = cut < full.length ? [Buffer.from(full.subarray(cut))] : [];
      this.partsLen = full.length - cut;
      this.continuing = true;
    }
    if (rest.length > 0) {
      // Copy: the caller reuses its read buffer.
      this.parts.push(Buffer.from(rest));
      this.partsLen += rest.length;
    }
  }

  private finishLine(newlineBytes: number, emit: (line: FramedLine) => void): void {
    const end = this.lineStart + this.nuls + this.partsLen + newlineBytes;
    let text: Buffer;
    let truncated = this.continuing;
    if (this.head) {
      text = this.head;
      truncated = true;
    } else {
      text = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsLen);
    }
    if (newlineBytes > 0 && text.length > 0 && text[text.length - 1] === 13) text = text.subarray(0, text.length - 1);
    emit({ text, start: this.lineStart, end, truncated });
    this.lineStart = end;
    this.parts = [];
    this.partsLen = 0;
    this.nuls = 0;
    this.continuing = false;
    this.head = null;
  }
}

const OPEN_BRACE = 0x7b;
