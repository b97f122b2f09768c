import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StreamJoiner, type JoinedLine } from './stream-joiner.js';

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

/**
 * Joins the pieces of a line with the pieces that follow on the same
 * stream, up to the one whose `log` ends with a newline (StreamJoiner):
 * dockerd copies stdout and stderr with one goroutine each and writes
 * every piece as its own JSON line. A line that is not docker's JSON is
 * passed on as it is (stream `unknown`).
 */
export class DockerJoiner extends StreamJoiner {
  /**
   * One line of the file (`truncated` when the framer cut it); the whole
   * container line once its last piece arrived, null while pieces are held.
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
    if (complete && !truncated && !this.holds(stream) && Buffer.byteLength(log) <= this.maxBytes) {
      // Most lines: one piece, nothing held, no bytes made of the text.
      return { text: log, start, stream, time, truncated: false };
    }
    const line = this.add(stream, time, Buffer.from(log), start, complete, truncated);
    return line && asDockerLine(line);
  }

  /** Emits what is held (the file will not grow any more), earliest first. */
  flush(): DockerLine[] {
    return this.flushJoined().map(asDockerLine);
  }
}

function asDockerLine(l: JoinedLine): DockerLine {
  return { text: l.text.toString('utf8'), start: l.start, stream: l.stream, time: l.time, truncated: l.truncated };
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
