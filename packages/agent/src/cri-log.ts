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
import { StreamJoiner, type JoinedLine } from './stream-joiner.js';

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

/** A whole printed line, its pieces joined (stream-joiner.ts). */
export type CriLine = JoinedLine;

/**
 * Joins `P` pieces with the pieces that follow on the same stream, up to
 * the `F` one (StreamJoiner). A line that is not CRI is passed on as it is
 * (stream `unknown`).
 */
export class CriJoiner extends StreamJoiner {
  /** One line of the file (`truncated` when the framer cut it); the whole printed line once its `F` piece arrived, null while pieces are held. */
  push(line: Buffer, start: number, truncated = false): CriLine | null {
    const piece = parseCriLine(line);
    if (!piece) return { text: line, start, stream: 'unknown', time: undefined, truncated };
    return this.add(piece.stream, piece.time, piece.text, start, !piece.partial, truncated);
  }

  /** Emits what is held (the file will not grow any more), earliest first. */
  flush(): CriLine[] {
    return this.flushJoined();
  }
}
