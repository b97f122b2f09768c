/**
 * Real nginx (Debian package `nginx`; scripts/test-deps.sh installs it) as
 * a child process on a loopback port, handed back only once it is known to
 * be this nginx on that port: the config's pid file names this process, the
 * process holds the listening socket (listening.ts), and /__probe answers
 * with a token only this config returns. Files run at once, and an answer
 * on the port proved only that some nginx listened there. A port taken
 * meanwhile is given up for another, as startServer does (a port the test
 * chose is not).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, track, waitFor, type RunningProcess } from './harness.js';
import { listensOn, PortTaken } from './listening.js';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

export interface NginxHandle extends RunningProcess {
  url: string;
  port: number;
}

/**
 * Starts nginx with prefix `dir` and the config `conf(port, probe)`, which
 * must write its pid to `<dir>/nginx.pid`, run in the foreground
 * (`daemon off`) and answer `location = /__probe { return 200 "<probe>"; }`.
 */
export async function startNginx(dir: string, conf: (port: number, probe: string) => string, port?: number): Promise<NginxHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchNginx(dir, conf, port ?? (await freePort()));
    } catch (err) {
      if (port !== undefined || attempt === 3 || !(err instanceof PortTaken)) throw err;
    }
  }
}

async function launchNginx(dir: string, conf: (port: number, probe: string) => string, port: number): Promise<NginxHandle> {
  const probe = `logship-test-nginx-${randomUUID()}`;
  const file = join(dir, 'nginx.conf');
  const pidFile = join(dir, 'nginx.pid');
  await writeFile(file, conf(port, probe));
  await rm(pidFile, { force: true });
  const proc = spawn(NGINX!, ['-c', file, '-p', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const rp = track(proc);
  const url = `http://127.0.0.1:${port}`;
  let outcome: 'ready' | 'exited' | 'taken';
  try {
    outcome = await waitFor(async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return 'exited';
      // nginx tries the bind five times over 2.5 s before it gives up: no need to wait for that.
      if (rp.output().includes(`bind() to 127.0.0.1:${port} failed (98`)) return 'taken';
      // Written once the listening sockets are open, by the master (daemon off: this process).
      if (Number(await readFile(pidFile, 'utf8').catch(() => '')) !== proc.pid) return false;
      if (listensOn(proc.pid, port) === false) return false;
      return (await (await fetch(`${url}/__probe`)).text()) === probe && 'ready';
    }, { timeoutMs: 30_000, what: `nginx on ${url}` });
  } catch (err) {
    await rp.stop('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- nginx output ---\n${rp.output()}`);
  }
  if (outcome !== 'ready') {
    await rp.stop('SIGKILL');
    const message = `nginx on ${url} ${outcome === 'taken' ? 'found the port taken' : `exited with ${proc.exitCode ?? proc.signalCode}`}: ${rp.output()}`;
    throw outcome === 'taken' ? new PortTaken(message) : new Error(message);
  }
  return { ...rp, url, port };
}
