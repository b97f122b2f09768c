import { accessSync, constants, existsSync, promises as fsp, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { agentError } from './errors.js';

/**
 * One agent per `data_dir`: two (the service, and the same config started
 * by hand to try something) would write each other's checkpoints and
 * deliver and delete each other's spooled batches. Filebeat refuses a
 * second beat on its data path the same way. The lock is a file holding
 * the pid; node has no flock, so a lock left by an agent that was killed
 * is taken over when its pid is gone or is no longer a logship-agent (pids
 * are reused after a reboot).
 */
export const LOCK_FILE = 'agent.lock';

export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const problem = dataDirProblem(dir);
  if (problem !== null) throw agentError('LS_AGENT_DATA_DIR', dir, problem);
  await fsp.mkdir(dir, { recursive: true }).catch((err: unknown) => { throw unusable(dir, err); });
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw unusable(dir, err);
      if (attempt > 0) throw err;
    }
    const pid = Number((await fsp.readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAgent(pid)) {
      throw agentError('LS_AGENT_DATA_DIR_LOCKED', dir, pid);
    }
    // Stale (or our own pid, as in a container that restarted): taken over.
    await fsp.rm(file, { force: true });
  }
  return async () => {
    const pid = Number((await fsp.readFile(file, 'utf8').catch(() => '')).trim());
    if (pid === process.pid) await fsp.rm(file, { force: true });
  };
}

/** Whether `pid` is a running logship-agent (on a system without /proc: whether it runs at all). */
function isAgent(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it runs, as another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('logship-agent');
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * Why this user cannot keep its state in `dir`, or null: the directory (and
 * its spool/, where it exists) must be writable, or, not made yet, the
 * directory it would be made in. A data_dir made by `sudo logship-agent` or
 * owned by another user failed at the first write with a bare EACCES, and
 * `--check` (the unit's ExecStartPre, run as the agent's user) passed.
 */
export function dataDirProblem(dir: string): string | null {
  let at = dir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  for (const d of at === dir ? [dir, join(dir, 'spool')] : [at]) {
    if (d !== at && !existsSync(d)) continue;
    try {
      accessSync(d, constants.W_OK | constants.X_OK);
    } catch (err) {
      return `${(err as Error).message}${dataDirAdvice(dir)}`;
    }
  }
  return null;
}

function unusable(dir: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  return agentError('LS_AGENT_DATA_DIR', dir, `${(err as Error).message}${code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? dataDirAdvice(dir) : ''}`);
}

function dataDirAdvice(dir: string): string {
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    // A uid without a passwd entry: the uid alone.
  }
  return `; the agent runs as ${user !== '' ? `user ${user} ` : ''}(uid ${process.getuid?.() ?? '?'}) and keeps its checkpoints and spool there:`
    + ` make it that user's (chown -R ${user !== '' ? user : process.getuid?.() ?? 'USER'} ${dir}), or let systemd make it (StateDirectory= in the unit)`;
}
