import { promises as fsp, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  await fsp.mkdir(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
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
