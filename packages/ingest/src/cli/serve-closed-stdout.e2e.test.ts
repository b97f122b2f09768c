/**
 * `logship serve` whose standard output's reader goes away (a supervisor
 * restarted, `logship serve | tee` killed): the server exits 141 as other
 * commands do, so the data folder's lock is released and a new server can
 * start on it. Before, pino's flush at exit retried the broken pipe forever:
 * the process stayed, answered nothing and held the lock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

// dist/cli/serve-closed-stdout.e2e.test.js → packages/ingest/bin/logship.js
const BIN = fileURLToPath(new URL('../../bin/logship.js', import.meta.url));

test('logship serve exits 141 when its standard output is closed while it starts, releasing the data folder for the next server', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-serve-stdout-'));
  const data = join(dir, 'data');
  const started: ChildProcess[] = [];
  try {
    for (let round = 0; round < 3; round++) {
      const proc = spawn(process.execPath, [BIN, 'serve', '--data', data, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] });
      started.push(proc);
      const exit = new Promise<number | string | null>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal)));
      // The reader goes away while the server starts: the log lines written
      // next, and the address printed after them, meet a closed pipe.
      let seen = '';
      await new Promise<void>((resolve) => proc.stdout.on('data', (d: Buffer) => {
        seen += d.toString();
        if (/rule groups/.test(seen)) resolve();
      }));
      proc.stdout.destroy();
      // Hung, the process never exits and the test times out.
      assert.equal(await exit, 141, `round ${round}`);
    }
    // The lock went with the process: a server starts on the folder.
    const next = spawn(process.execPath, [BIN, 'serve', '--data', data, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(next);
    const exit = new Promise<number | string | null>((resolve) => next.on('exit', (code, signal) => resolve(code ?? signal)));
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: next.stdout }).on('line', (l) => {
        const m = /^logship listening on (http:\/\/\S+)$/.exec(l);
        if (m) resolve(m[1]!);
      });
      void exit.then((code) => reject(new Error(`the next server exited ${code}`)));
    });
    assert.equal((await fetch(`${url}/health/ready`)).status, 200);
    next.kill('SIGTERM');
    assert.equal(await exit, 0);
  } finally {
    for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
