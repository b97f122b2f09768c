import { promises as fsp, readFileSync } from 'node:fs';
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
  // A data_dir the agent's user cannot create or write (the unit's
  // StateDirectory missing, a folder made by root) was a bare EACCES with
  // no code and no hint; it is the first thing a new install gets wrong.
  await fsp.mkdir(dir, { recursive: true }).catch((err: unknown) => { throw dataDirError(dir, err); });
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw dataDirError(dir, err);
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

/**
 * For `--check`: the data_dir, or the nearest folder above it that exists
 * (the start creates the rest), can be written. A folder is created and
 * removed at once, because access() says yes to root even on a read-only
 * mount; nothing is left behind.
 */
export async function checkDataDir(dir: string): Promise<void> {
  let at = dir;
  for (;;) {
    const st = await fsp.stat(at).catch(() => null);
    if (st === null) {
      const up = dirname(at);
      if (up === at) return;
      at = up;
      continue;
    }
    if (!st.isDirectory()) throw dataDirError(dir, new Error(`${at} is not a folder`));
    try {
      await fsp.rmdir(await fsp.mkdtemp(join(at, '.logship-agent-check-')));
    } catch (err) {
      throw dataDirError(dir, err);
    }
    return;
  }
}

function dataDirError(dir: string, err: unknown): Error {
  return agentError('LS_AGENT_DATA_DIR', dir, (err as Error).message, err);
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
