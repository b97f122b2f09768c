import { promises as fsp } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether journalctl can follow a journald source's `directory:` yet.
 * journalctl 252 exits at once (status 1) on a folder that does not exist
 * ("Failed to open …: No such file or directory") and on one without a
 * journal file ("Data from the specified boot (+0) is not available":
 * `--follow` implies `--boot`); restarting it every 30 s was a failure
 * for ever, though the folder is often made later (a journal-remote
 * collector's first upload, a mount). A folder holds journals when it has
 * `*.journal` (or `*.journal~`, a file journald did not close) files, or a
 * machine-id subdirectory with some (`/var/log/journal` mounted).
 *
 *   'ready'   journal files are there: journalctl follows them;
 *   'missing' no such folder (yet);
 *   'empty'   the folder, but no journal file yet.
 *
 * A folder the agent may not list is 'ready': journalctl then says why
 * it cannot read it, with the group the agent's user needs.
 */
export type JournalDirectoryState = 'ready' | 'missing' | 'empty';

const JOURNAL_FILE = /\.journal~?$/;
/** journald's subdirectories are machine ids (journalctl reads no other). */
const MACHINE_DIR = /^[0-9a-f]{32}$/;

export async function journalDirectoryState(dir: string): Promise<JournalDirectoryState> {
  let names: string[];
  try {
    if (!(await fsp.stat(dir)).isDirectory()) return 'missing';
    names = await fsp.readdir(dir);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'missing' : 'ready';
  }
  if (names.some((n) => JOURNAL_FILE.test(n))) return 'ready';
  for (const name of names.filter((n) => MACHINE_DIR.test(n))) {
    try {
      if ((await fsp.readdir(join(dir, name))).some((n) => JOURNAL_FILE.test(n))) return 'ready';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') return 'ready';
    }
  }
  return 'empty';
}

/** What /health and the log say of a folder journalctl cannot follow yet. */
export function journalDirectoryWait(dir: string, state: Exclude<JournalDirectoryState, 'ready'>): string {
  return state === 'missing'
    ? `its directory ${dir} does not exist yet: waiting for it (its journal is read from its first entry once it appears)`
    : `its directory ${dir} holds no journal file yet: waiting for one (read from its first entry once it appears)`;
}
