import { userInfo } from 'node:os';
import { agentError } from './errors.js';
import type { Logger } from './log.js';

/**
 * What a file source could not read. A file that stays unreadable (a
 * root-owned 0600 log) fails again at every rescan, every 30 polls: it is
 * warned about once per path and error, with what gives the agent access
 * when it lacks permission, and said again only when the error changes; once
 * the file is read, the agent says so. /health reports the last failure for
 * a minute (FileSource.failure), so it stays degraded while one repeats.
 */
export class ReadFailures {
  /** Path → the message said for it (bounded: the oldest paths go first). */
  private readonly said = new Map<string, string>();
  private last: { at: number; message: string } | null = null;

  constructor(private readonly source: string, private readonly log: Logger, private readonly max = 10_000) {}

  /** A failure of the last minute, for /health. */
  get current(): string | null {
    if (!this.last || Date.now() - this.last.at > 60_000) return null;
    return this.last.message;
  }

  failed(path: string, err: unknown): void {
    const e = agentError('LS_AGENT_FILE_READ', path, (err as Error).message + (isAccessError(err) ? accessAdvice() : ''));
    this.last = { at: Date.now(), message: e.message };
    if (this.said.get(path) === e.message) {
      this.log.debug(e.message, { code: e.code, source: this.source });
      return;
    }
    this.said.delete(path);
    if (this.said.size >= this.max) this.said.delete(this.said.keys().next().value!);
    this.said.set(path, e.message);
    this.log.warn(e.message, { code: e.code, source: this.source });
  }

  /** chokidar's errors; a lack of permission is said by the reads and the directory checks, with what to do. */
  watchFailed(err: unknown): void {
    this.log[isAccessError(err) ? 'debug' : 'warn']('Watching files failed.', { source: this.source, error: String(err) });
  }

  /** The file at `path` was opened: said when it had failed before. */
  readable(path: string): void {
    if (this.said.delete(path)) this.log.info('A file that could not be read can be read now.', { source: this.source, path });
  }
}

/** Who the agent runs as, and what gives it read access (the systemd unit's way, and the group's). */
export function accessAdvice(): string {
  let user = '';
  try {
    user = `user ${userInfo().username} `;
  } catch {
    // A uid without a passwd entry (a container's): the uid alone.
  }
  return `; the agent runs as ${user}(uid ${process.getuid?.() ?? '?'}), which needs read access to it and search access to the directories above it:`
    + ' a group that may read them (adm on Debian and Ubuntu), or CAP_DAC_READ_SEARCH (AmbientCapabilities= in its systemd unit)';
}

function isAccessError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM';
}
