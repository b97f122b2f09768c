import { utf8Boundary } from './utf8-boundary.js';

/** A whole printed line, its pieces joined. */
export interface JoinedLine {
  /** May be a view of the piece given (a line in one piece): valid until the next add, copy it to keep it. */
  readonly text: Buffer;
  /** Byte offset of the first piece's line in the file (the event id's offset). */
  readonly start: number;
  readonly stream: string;
  /** The runtime's time of the first piece (sent as the envelope's `@time`). */
  readonly time: string | undefined;
  readonly truncated: boolean;
}

interface Held {
  parts: Buffer[];
  bytes: number;
  start: number;
  time: string | undefined;
  truncated: boolean;
}

/**
 * Joins the pieces of a printed line with the pieces that follow on the
 * same stream, up to its last one: what both container runtimes' log files
 * need (cri-log.ts for the kubelet's, docker-json-file.ts for dockerd's).
 * Per stream, because a runtime copies stdout and stderr with one goroutine
 * each, so a stderr line can land between the pieces of a long stdout
 * line. Joined bytes are capped at `maxBytes` (flagged truncated) and cut
 * at a character boundary: a runtime splits pieces at a byte count,
 * sometimes inside a UTF-8 character, so pieces are joined as bytes and
 * decoded once.
 */
export class StreamJoiner {
  private readonly held = new Map<string, Held>();

  constructor(protected readonly maxBytes: number) {}

  /** Pieces of `stream` are held. */
  protected holds(stream: string): boolean {
    return this.held.has(stream);
  }

  /** Pieces are held. */
  get pending(): boolean {
    return this.held.size > 0;
  }

  /**
   * Where the earliest held piece starts (Infinity when none): a checkpoint
   * must not pass it, or a restart would lose the pieces read before it.
   */
  get heldFrom(): number {
    let from = Infinity;
    for (const h of this.held.values()) from = Math.min(from, h.start);
    return from;
  }

  /**
   * A piece of `stream` read at `start` (`last` when it ends its line,
   * `truncated` when the framer cut it); the whole line once its last piece
   * is in, null while pieces are held.
   */
  protected add(stream: string, time: string | undefined, text: Buffer, start: number, last: boolean, truncated: boolean): JoinedLine | null {
    let h = this.held.get(stream);
    if (!h && last && !truncated && text.length <= this.maxBytes) {
      // Most lines: one piece, nothing held, nothing copied.
      return { text, start, stream, time, truncated: false };
    }
    if (!h) {
      h = { parts: [], bytes: 0, start, time, truncated: false };
      this.held.set(stream, h);
    }
    if (h.bytes + text.length > this.maxBytes) {
      text = text.subarray(0, Math.max(0, this.maxBytes - h.bytes));
      h.truncated = true;
    }
    // A copy: the framer's line may be a view of a buffer that is reused.
    if (text.length > 0) h.parts.push(Buffer.from(text));
    h.bytes += text.length;
    if (truncated) h.truncated = true;
    if (!last) return null;
    this.held.delete(stream);
    return joined(stream, h);
  }

  /** Emits what is held (the file will not grow any more), earliest first. */
  protected flushJoined(): JoinedLine[] {
    const lines = [...this.held].sort(([, a], [, b]) => a.start - b.start).map(([stream, h]) => joined(stream, h));
    this.held.clear();
    return lines;
  }

  discard(): void {
    this.held.clear();
  }
}

function joined(stream: string, h: Held): JoinedLine {
  let bytes = Buffer.concat(h.parts, h.bytes);
  if (h.truncated) bytes = bytes.subarray(0, utf8Boundary(bytes));
  return { text: bytes, start: h.start, stream, time: h.time, truncated: h.truncated };
}
