/**
 * The CRI log format the container runtimes (containerd, CRI-O) write for the
 * kubelet, one line of the file per line a container printed:
 *
 *   2026-12-05T10:00:00.123456789Z stdout F GET /healthz 200
 *   <RFC 3339 time, ns> <stdout|stderr> <tags> <text>
 *
 * The tags are `:`-separated, the first is `P` (partial: the runtime split a
 * long line, 16 KiB by default, and more pieces follow) or `F` (full: the
 * last piece). The kubelet reads it this way (parseCRILog in
 * pkg/kubelet/kuberuntime/logs): exactly one space between the fields, the
 * text is everything after the tags' space, so an empty printed line is
 * `<time> stdout F ` and the text keeps its own spaces.
 */
export interface CriPiece {
  readonly time: string;
  readonly stream: 'stdout' | 'stderr';
  readonly partial: boolean;
  readonly text: Buffer;
}

const SPACE = 0x20;

/** One line of a CRI log file, or null when it is not one (then it is shipped as it is). */
export function parseCriLine(line: Buffer): CriPiece | null {
  const t = line.indexOf(SPACE);
  if (t < 20) return null;
  const time = line.toString('latin1', 0, t);
  // RFC 3339 with a `T` and a zone (containerd writes UTC, CRI-O may write an offset).
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(time)) return null;
  const s = line.indexOf(SPACE, t + 1);
  if (s < 0) return null;
  const stream = line.toString('latin1', t + 1, s);
  if (stream !== 'stdout' && stream !== 'stderr') return null;
  const g = line.indexOf(SPACE, s + 1);
  if (g < 0) return null;
  const tags = line.toString('latin1', s + 1, g);
  const tag = tags.split(':')[0];
  if (tag !== 'P' && tag !== 'F') return null;
  return { time, stream, partial: tag === 'P', text: line.subarray(g + 1) };
}

/** A whole printed line, its pieces joined. */
export interface CriLine {
  /** May be a view of the line pushed (a line in one piece): valid until the next push, copy it to keep it. */
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
  time: string;
  truncated: boolean;
}

/**
 * Joins `P` pieces with the pieces that follow on the same stream, up to the
 * `F` one. Per stream, because stdout and stderr are copied to the file by
 * two goroutines of the runtime: a stderr line can land between the pieces
 * of a long stdout line. Joined bytes are capped at `maxBytes` (flagged
 * truncated), cut at a character boundary, since a runtime splits pieces at
 * a byte count, sometimes inside a UTF-8 character: pieces are joined as
 * bytes and decoded once.
 */
export class CriJoiner {
  private readonly held = new Map<string, Held>();

  constructor(private readonly maxBytes: number) {}

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
   * One line of the file (`truncated` when the framer cut it); the whole
   * printed line once its `F` piece arrived, null while pieces are held. A
   * line that is not CRI is passed on as it is (stream `unknown`).
   */
  push(line: Buffer, start: number, truncated = false): CriLine | null {
    const piece = parseCriLine(line);
    if (!piece) return { text: line, start, stream: 'unknown', time: undefined, truncated };
    let h = this.held.get(piece.stream);
    if (!h && !piece.partial && piece.text.length <= this.maxBytes) {
      // Most lines: one F piece, nothing held, nothing copied.
      return { text: piece.text, start, stream: piece.stream, time: piece.time, truncated };
    }
    if (!h) {
      h = { parts: [], bytes: 0, start, time: piece.time, truncated: false };
      this.held.set(piece.stream, h);
    }
    let text = piece.text;
    if (h.bytes + text.length > this.maxBytes) {
      text = text.subarray(0, Math.max(0, this.maxBytes - h.bytes));
      h.truncated = true;
    }
    // A copy: the framer's line may be a view of a buffer that is reused.
    if (text.length > 0) h.parts.push(Buffer.from(text));
    h.bytes += text.length;
    if (truncated) h.truncated = true;
    if (piece.partial) return null;
    this.held.delete(piece.stream);
    return joined(piece.stream, h);
  }

  /** Emits what is held (the file will not grow any more), earliest first. */
  flush(): CriLine[] {
    const lines = [...this.held].sort(([, a], [, b]) => a.start - b.start).map(([stream, h]) => joined(stream, h));
    this.held.clear();
    return lines;
  }

  discard(): void {
    this.held.clear();
  }
}

function joined(stream: string, h: Held): CriLine {
  let bytes = Buffer.concat(h.parts, h.bytes);
  if (h.truncated) bytes = bytes.subarray(0, utf8Boundary(bytes));
  return { text: bytes, start: h.start, stream, time: h.time, truncated: h.truncated };
}

/** The length of `bytes` without an incomplete UTF-8 character at its end. */
export function utf8Boundary(bytes: Buffer): number {
  let i = bytes.length;
  // Back over continuation bytes (10xxxxxx) to the lead byte of the last character.
  let back = 0;
  while (i > 0 && back < 3 && (bytes[i - 1]! & 0xc0) === 0x80) { i--; back++; }
  if (i === 0) return bytes.length;
  const lead = bytes[i - 1]!;
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return need > back ? i - 1 : bytes.length;
}
