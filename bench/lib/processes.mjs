/**
 * Starts the real logship server (and agent) for benchmarks; mirrors
 * test/src/harness.ts, except that these pass the bins' shebang flags (as
 * installed: what is measured), which the tests, checking behaviour, do not.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { binNodeFlags } from '../../scripts/bin-flags.mjs';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function waitFor(check, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function track(proc) {
  let out = '';
  proc.stdout.on('data', (d) => { out = (out + d).slice(-20000); });
  proc.stderr.on('data', (d) => { out = (out + d).slice(-20000); });
  const exited = new Promise((r) => proc.once('exit', r));
  return {
    proc,
    pid: proc.pid,
    output: () => out,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Runs the bin with its shebang's node flags, as installed (scripts/bin-flags.mjs); startAgent too. */
export async function startServer(root, { dataDir, args = [] }) {
  const port = await freePort();
  const bin = join(root, 'packages/ingest/bin/logship.js');
  const proc = spawn(process.execPath, [...binNodeFlags(bin), bin, 'serve', '--data', dataDir, '--listen', `127.0.0.1:${port}`, ...args], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOGSHIP_LOG_LEVEL: 'warn' },
  });
  const h = track(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/health/ready`)).ok).catch(() => {
    throw new Error(`server did not start:\n${h.output()}`);
  });
  return { ...h, url };
}

export function startAgent(root, configPath) {
  const bin = join(root, 'packages/agent/bin/logship-agent.js');
  const proc = spawn(process.execPath, [...binNodeFlags(bin), bin, '--config', configPath], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(proc);
}
