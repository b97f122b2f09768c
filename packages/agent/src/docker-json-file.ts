import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { utf8Boundary } from './cri-log.js';

/**
 * Docker's json-file log driver writes each line a container prints as
 * `{"log":"<text>\n","stream":"stdout","time":"<RFC 3339 ns>"}`, and splits
 * lines longer than 16 KiB into pieces whose `log` does not end with a
 * newline. The joiner unwraps the pieces and gives back whole lines, whose
 * text is then normalized as usual (a python-json-logger line stays one
 * event with its fields).
 */
export interface DockerLine {
  readonly text: string;
  /** Byte offset of the first piece's line in the file (the event id's offset). */
  readonly start: number;
  readonly stream: string;
  /** Docker's `time` of the first piece (when the container printed it), if any. */
  readonly time: string | undefined;
  readonly truncated: boolean;
}

interface Held {
  parts: string[];
  bytes: number;
  start: number;
  time: string | undefined;
  truncated: boolean;
}

/**
 * Joins the pieces of a line with the pieces that follow on the same
 * stream, up to the one whose `log` ends with a newline. Per stream, as the
 * kubernetes preset's CriJoiner (cri-log.ts): dockerd copies stdout and
 * stderr with one goroutine each and writes every piece as its own JSON
 * line, so a stderr line can land between the pieces of a long stdout line.
 * Joined text is capped at `maxBytes` (UTF-8 bytes, cut at a character
 * boundary) and flagged truncated.
 */
export class DockerJoiner {
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
   * container line once its last piece arrived, null while pieces are held.
   * A line that is not docker's JSON is passed on as it is (stream
   * `unknown`).
   */
  push(raw: string, start: number, truncated = false): DockerLine | null {
    let piece: { log?: unknown; stream?: unknown; time?: unknown } | null;
    try {
      piece = JSON.parse(raw) as { log?: unknown; stream?: unknown; time?: unknown } | null;
    } catch {
      piece = null;
    }
    if (piece === null || typeof piece !== 'object' || typeof piece.log !== 'string') {
      return { text: raw, start, stream: 'unknown', time: undefined, truncated };
    }
    const stream = typeof piece.stream === 'string' ? piece.stream : 'unknown';
    const time = typeof piece.time === 'string' ? piece.time : undefined;
    let log = piece.log;
    const complete = log.endsWith('\n');
    if (complete) log = log.slice(0, log.endsWith('\r\n') ? -2 : -1);
    let h = this.held.get(stream);
    if (!h && complete && !truncated && Buffer.byteLength(log) <= this.maxBytes) {
      // Most lines: one piece, nothing held.
      return { text: log, start, stream, time, truncated: false };
    }
    if (!h) {
      h = { parts: [], bytes: 0, start, time, truncated: false };
      this.held.set(stream, h);
    }
    const room = this.maxBytes - h.bytes;
    const bytes = Buffer.byteLength(log);
    if (bytes > room) {
      const cut = Buffer.from(log).subarray(0, Math.max(0, room));
      log = cut.subarray(0, utf8Boundary(cut)).toString('utf8');
      h.truncated = true;
    }
    if (log.length > 0) h.parts.push(log);
    h.bytes += Buffer.byteLength(log);
    if (truncated) h.truncated = true;
    if (!complete) return null;
    this.held.delete(stream);
    return joined(stream, h);
  }

  /** Emits what is held (the file will not grow any more), earliest first. */
  flush(): DockerLine[] {
    const lines = [...this.held].sort(([, a], [, b]) => a.start - b.start).map(([stream, h]) => joined(stream, h));
    this.held.clear();
    return lines;
  }

  discard(): void {
    this.held.clear();
  }
}

function joined(stream: string, h: Held): DockerLine {
  return { text: h.parts.join(''), start: h.start, stream, time: h.time, truncated: h.truncated };
}

/**
 * `container.id`, `container.name` and `container.image` of a json-file log
 * (`<root>/containers/<id>/<id>-json.log`), from the container's
 * `config.v2.json` beside it. Read once per file: a few KiB.
 */
export function dockerContainerFields(logPath: string): Record<string, string> {
  const dir = dirname(logPath);
  const id = basename(dir);
  const fields: Record<string, string> = { 'container.id': id };
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.v2.json'), 'utf8')) as { Name?: unknown; Config?: { Image?: unknown } };
    if (typeof config.Name === 'string') fields['container.name'] = config.Name.replace(/^\//, '');
    if (typeof config.Config?.Image === 'string') fields['container.image'] = config.Config.Image;
  } catch {
    // No config.v2.json (not under docker's root, or removed): the id is all there is.
  }
  return fields;
}
