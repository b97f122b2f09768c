import type { MultilineConfig } from './config.js';
import type { FramedLine } from './line-framer.js';
import { boundedRegex } from './bounded-regex.js';
import { withoutTerminalColours } from './terminal-colours.js';

/**
 * Joins the lines of one event that spans several (a Python traceback, a
 * Java stack trace) before it is batched. The joined event keeps the start
 * offset of its first line (its id) and the end offset of its last line (its
 * checkpoint), so a restart from any checkpoint regroups the same lines.
 *
 * An event longer than max_lines or max_message_bytes is cut into parts at
 * line boundaries. The parts are held until the event ends and emitted
 * together, each numbered (`cut`), so that ingest, receiving them in one
 * batch, reads the trace's exception from all of them (Python prints it
 * last, in the last part) and gives it to every part (ingest
 * normalize/cut-trace.ts). At most MAX_CUT_PARTS parts are held: a longer
 * event is emitted as groups of that many.
 */
export class Multiline {
  private readonly start: RegExp | null;
  private readonly continuation: RegExp | null;
  private lines: FramedLine[] = [];
  /** The parts of the event cut so far (max_lines, max_message_bytes), held until it ends. */
  private parts: FramedLine[] = [];
  /** Bytes of the joined text of `lines` (their texts and the newlines between). */
  private bytes = 0;
  /** Blank lines at the end of `lines`. */
  private blanks = 0;
  private lastPushAt = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: MultilineConfig,
    private readonly emit: (line: FramedLine) => void,
    private readonly now: () => number = Date.now,
    /**
     * An event is emitted before a line would take it past this many bytes
     * (max_message_bytes: ingest cuts a longer message, and 500 joined lines
     * of 256 KiB would be a 128 MB event); the line starts the next one, as
     * past max_lines. A single longer line is the framer's to cut.
     */
    private readonly maxBytes = Infinity,
    /** The source's `encoding`: patterns are tested on the text as it will be shipped. */
    private readonly decode: (bytes: Buffer) => string = (bytes) => bytes.toString('utf8'),
    /** The newline put between joined lines, in the source's encoding (UTF-16's is two bytes). */
    private readonly newline: Buffer = NEWLINE,
  ) {
    this.start = config.start !== undefined ? boundedRegex(config.start) : null;
    this.continuation = config.continuation !== undefined ? boundedRegex(config.continuation) : null;
  }

  get pending(): boolean {
    return this.lines.length > 0 || this.parts.length > 0;
  }

  /** Where the event being collected starts, its first part's start when cut (Infinity when none). */
  get pendingFrom(): number {
    return this.parts[0]?.start ?? this.lines[0]?.start ?? Infinity;
  }

  /**
   * A blank line decides nothing: inside an event it is kept if a joining
   * line follows (Python prints a blank line around "During handling of the
   * above exception, another exception occurred:"), and dropped when the
   * event ends there, as blank lines between events are.
   */
  push(line: FramedLine): void {
    if (line.text.length === 0) {
      if (this.lines.length === 0) return;
      this.blanks++;
      this.lines.push(line);
      this.bytes += 1;
      return;
    }
    // Tested as a terminal shows the line: a coloured record's date follows a colour code.
    const text = withoutTerminalColours(this.decode(line.text));
    const joins = this.start ? !this.start.test(text) : this.continuation!.test(text);
    if (!joins) this.flush();
    else if (this.lines.length - this.blanks >= this.config.max_lines
      || (this.lines.length > 0 && this.bytes + 1 + line.text.length > this.maxBytes)) this.cut();
    this.blanks = 0;
    this.bytes += (this.lines.length > 0 ? 1 : 0) + line.text.length;
    this.lines.push(line);
    this.lastPushAt = this.now();
    this.arm(this.config.timeout_ms);
  }

  /** Emits the event being collected, complete or not (with the parts it was cut into). */
  flush(): void {
    if (this.lines.length === 0) return;
    // Trailing blank lines are not the event's (its end is then its last
    // line's: a restart reads the blanks again and drops them again).
    const last = this.joined(this.lines.slice(0, this.lines.length - this.blanks));
    const parts = [...this.parts, last];
    this.parts = [];
    this.lines = [];
    this.blanks = 0;
    this.bytes = 0;
    this.emitParts(parts);
  }

  /**
   * The event goes on past max_lines or max_message_bytes: what it holds
   * becomes a part (blank lines included, a joining line follows them),
   * held until the event ends.
   */
  private cut(): void {
    this.parts.push(this.joined(this.lines));
    this.lines = [];
    this.blanks = 0;
    this.bytes = 0;
    if (this.parts.length < MAX_CUT_PARTS) return;
    const parts = this.parts;
    this.parts = [];
    this.emitParts(parts);
  }

  private emitParts(parts: FramedLine[]): void {
    if (parts.length === 1) {
      this.emit(parts[0]!);
      return;
    }
    const firstStart = parts[0]!.start;
    parts.forEach((p, i) => this.emit({ ...p, cut: { part: i + 1, parts: parts.length, firstStart } }));
  }

  private joined(lines: FramedLine[]): FramedLine {
    if (lines.length === 1) return lines[0]!;
    const texts: Buffer[] = [];
    lines.forEach((l, i) => { if (i > 0) texts.push(this.newline); texts.push(l.text); });
    return {
      text: Buffer.concat(texts),
      start: lines[0]!.start,
      end: lines[lines.length - 1]!.end,
      truncated: lines.some((l) => l.truncated),
    };
  }

  /** Drops the pending lines without emitting them (they will be re-read). */
  discard(): void {
    this.lines = [];
    this.parts = [];
    this.blanks = 0;
    this.bytes = 0;
    this.stop();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  // One timer per stream, re-checked when it fires rather than re-armed per
  // line: re-arming a timer for each of 100k lines/s costs more than reading.
  private arm(delay: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.lines.length === 0) return;
      const idle = this.now() - this.lastPushAt;
      if (idle >= this.config.timeout_ms) this.flush();
      else this.arm(this.config.timeout_ms - idle);
    }, delay);
    this.timer.unref();
  }
}

const NEWLINE = Buffer.from('\n');

/**
 * Parts of one cut event held before they are emitted: 4 MiB at the
 * default max_message_bytes, in one batch (the server takes 10 MiB), while
 * a Python traceback at the default recursion limit (1000 frames, ~2000
 * lines) is 5 parts of max_lines.
 */
export const MAX_CUT_PARTS = 64;
