/*
 * Cuts a syslog TCP stream into messages (RFC 6587), deciding per message,
 * as rsyslog's imtcp does: a frame that starts with digits and a space is
 * octet-counted (`LEN SP MSG`), anything else runs to the next LF or NUL
 * (non-transparent framing; a CR before it is dropped). NUL ends a frame
 * too, as rsyslog's imtcp can be told to (AddtlFrameDelimiter 0) for the
 * senders that end messages with it (syslog-ng's and some appliances'
 * framing); a NUL never belongs to a message's text.
 *
 * A frame over maxFrameBytes is not buffered: an octet-counted one is
 * skipped by its length, a newline one up to its LF, and reported so the
 * caller can count it.
 */

export interface Frame {
  bytes: Buffer;
}

export class SyslogTcpFramer {
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes still to skip of an over-long frame (octet-counted), or -1 to skip to the next LF or NUL. */
  private skipping = 0;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly onFrame: (frame: Buffer) => void,
    private readonly onOversized: (bytes: number) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, this.buf.length);
        this.buf = this.buf.subarray(n);
        this.skipping -= n;
        if (this.skipping > 0) return;
        continue;
      }
      if (this.skipping === -1) {
        const lf = delimiterAt(this.buf);
        if (lf === -1) {
          this.buf = Buffer.alloc(0);
          return;
        }
        this.buf = this.buf.subarray(lf + 1);
        this.skipping = 0;
        continue;
      }
      if (this.buf.length === 0) return;
      if (!this.next()) return;
    }
  }

  /** The connection closed: a last newline frame without its LF is still a message. */
  end(): void {
    if (this.skipping === 0 && this.buf.length > 0) {
      const frame = trimCr(this.buf);
      if (frame.length > 0) this.onFrame(frame);
    }
    this.buf = Buffer.alloc(0);
  }

  /** Emits one frame if a whole one is buffered; false when more bytes are needed. */
  private next(): boolean {
    const b = this.buf;
    let i = 0;
    while (i < b.length && i < 10 && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    if (i > 0 && i < b.length && b[i] === 0x20 && b[0] !== 0x30) {
      const len = Number(b.subarray(0, i).toString('latin1'));
      const start = i + 1;
      if (len > this.maxFrameBytes) {
        this.onOversized(len);
        this.buf = b.subarray(start);
        this.skipping = len;
        return true;
      }
      if (b.length < start + len) return false;
      this.onFrame(b.subarray(start, start + len));
      this.buf = b.subarray(start + len);
      return true;
    }
    if (i === b.length && i < 10) return false; // digits so far: could still be a count
    const lf = delimiterAt(b);
    if (lf === -1) {
      if (b.length > this.maxFrameBytes) {
        this.onOversized(b.length);
        this.buf = Buffer.alloc(0);
        this.skipping = -1;
        return true;
      }
      return false;
    }
    const frame = trimCr(b.subarray(0, lf));
    this.buf = b.subarray(lf + 1);
    if (frame.length > this.maxFrameBytes) this.onOversized(frame.length);
    else if (frame.length > 0) this.onFrame(frame);
    return true;
  }
}

/** Where the first LF or NUL is, or -1. */
function delimiterAt(b: Buffer): number {
  const lf = b.indexOf(0x0a);
  const nul = lf === -1 ? b.indexOf(0x00) : b.subarray(0, lf).indexOf(0x00);
  return nul === -1 ? lf : nul;
}

function trimCr(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 0x0d || b[end - 1] === 0x00)) end--;
  return b.subarray(0, end);
}
