import type { FileSourceConfig } from './config.js';
import type { FramedLine } from './line-framer.js';
import { Multiline } from './multiline.js';

/** Emits a joined event of `stream` (null: a plain file) with the runtime's time of its first line. */
export type JoinedEmit = (line: FramedLine, stream: string | null, runtimeTime: string | undefined) => void;

/**
 * A file tail's multiline joiners, one per stream (docker, kubernetes:
 * stdout and stderr interleave, and a traceback on stderr must not take in
 * an access line from stdout), each with the runtime's time of its event's
 * first line; `''` for plain files. Empty without `multiline`. Split from
 * file-tail.ts, which reads and frames; this joins.
 */
export class TailMultilines {
  private readonly byStream = new Map<string, { ml: Multiline; time: string | undefined }>();

  constructor(
    private readonly config: FileSourceConfig,
    private readonly emit: JoinedEmit,
    /** The tail's decoder as it is when a line is tested (a byte order mark may change it before the first line). */
    private readonly decode: (bytes: Buffer) => string,
    /** The newline between joined lines, in the file's encoding when the stream's first line comes. */
    private readonly newline: () => Buffer,
  ) {}

  /** Something is held: an event not ended yet. */
  get pending(): boolean {
    for (const { ml } of this.byStream.values()) if (ml.pending) return true;
    return false;
  }

  /** Whether the event of `stream` holds lines (a blank line then joins it). */
  holds(stream: string | null): boolean {
    return this.byStream.get(stream ?? '')?.ml.pending ?? false;
  }

  /** Where the earliest event held starts (Infinity: none): what is emitted is checkpointed no further. */
  get heldFrom(): number {
    let held = Infinity;
    for (const { ml } of this.byStream.values()) held = Math.min(held, ml.pendingFrom);
    return held;
  }

  push(line: FramedLine, stream: string | null, runtimeTime: string | undefined): void {
    const key = stream ?? '';
    let m = this.byStream.get(key);
    if (!m) {
      const state: { ml: Multiline; time: string | undefined } = {
        ml: new Multiline(this.config.multiline!, (l) => this.emit(l, stream, state.time), Date.now, this.config.max_message_bytes, this.decode, this.newline()),
        time: undefined,
      };
      this.byStream.set(key, m = state);
    }
    // A push may first emit the event before (with its own time), then
    // start a new one with this line: the time is the new event's from then on.
    m.ml.push(line);
    if (m.ml.pendingFrom === line.start) m.time = runtimeTime;
  }

  /** Emits the complete lines the events hold, earliest first, so that events of one file go out in file order. */
  flush(): void {
    const pending = [...this.byStream.values()].filter((m) => m.ml.pending).sort((a, b) => a.ml.pendingFrom - b.ml.pendingFrom);
    for (const { ml } of pending) ml.flush();
  }

  /** Drops what is held (it will be read again). */
  discard(): void {
    for (const { ml } of this.byStream.values()) ml.discard();
  }

  stop(): void {
    for (const { ml } of this.byStream.values()) ml.stop();
  }
}
