import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

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

export class DockerJoiner {
  private parts: string[] = [];
  private bytes = 0;
  private start = -1;
  private time: string | undefined = undefined;
  private truncated = false;

  constructor(private readonly maxBytes: number) {}

  /** A line is being joined (pieces held). */
  get pending(): boolean {
    return this.start >= 0;
  }

  /**
   * One line of the file; the whole container line once its last piece
   * arrived, null while pieces are held. A line that is not docker's JSON
   * is passed on as it is (stream `unknown`).
   */
  push(raw: string, start: number): DockerLine | null {
    let piece: { log?: unknown; stream?: unknown; time?: unknown };
    try {
      piece = JSON.parse(raw) as { log?: unknown; stream?: unknown; time?: unknown };
    } catch {
      piece = {};
    }
    if (piece === null || typeof piece.log !== 'string') return { text: raw, start, stream: 'unknown', time: undefined, truncated: false };
    if (this.start < 0) {
      this.start = start;
      this.time = typeof piece.time === 'string' ? piece.time : undefined;
    }
    let log = piece.log;
    const complete = log.endsWith('\n');
    if (complete) log = log.slice(0, log.endsWith('\r\n') ? -2 : -1);
    if (this.bytes + log.length > this.maxBytes) {
      log = log.slice(0, Math.max(0, this.maxBytes - this.bytes));
      this.truncated = true;
    }
    this.parts.push(log);
    this.bytes += log.length;
    if (!complete) return null;
    const line: DockerLine = { text: this.parts.join(''), start: this.start, stream: typeof piece.stream === 'string' ? piece.stream : 'unknown', time: this.time, truncated: this.truncated };
    this.discard();
    return line;
  }

  discard(): void {
    this.parts = [];
    this.bytes = 0;
    this.start = -1;
    this.time = undefined;
    this.truncated = false;
  }
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
