/**
 * "Answered ⇒ survives SIGKILL": a child process writes batches and reports
 * each acknowledgement; it is killed with SIGKILL mid-stream, and every
 * acknowledged event must be found after reopening. (Power loss is covered by
 * synchronous=FULL, see partition-db.ts; a test cannot pull the plug.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { q } from '../store/contract/ast-builders.js';
import { openSqliteStore } from './open-sqlite-store.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const fixture = fileURLToPath(new URL('./durability-writer.fixture.js', import.meta.url));

// The timeout only guards against a hang; nothing here asserts on time.
test('every acknowledged write survives SIGKILL of the writing process', { timeout: 120_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-kill-'));
  try {
    const child = spawn(process.execPath, [fixture, dir, String(NOW)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acked = 0;
    let buffered = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const m = /^ack (\d+)$/.exec(line);
          if (m) acked = Number(m[1]);
        }
        // Kill while it is busy writing, after a few acknowledged batches.
        if (acked >= 1500 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    assert.equal(await exited, 'SIGKILL');
    assert.ok(acked >= 1500);
    const store = await openSqliteStore({ dataDir: dir, now: () => NOW });
    const stored = await store.count({ query: q.all(), from: 0, to: NOW + 1, now: NOW });
    assert.ok(stored >= acked, `acknowledged ${acked}, found ${stored}`);
    for (const i of [0, Math.floor(acked / 2), acked - 1]) {
      assert.equal(await store.count({ query: q.term('event.id', `k-${i}`), from: 0, to: NOW + 1, now: NOW }), 1, `k-${i}`);
    }
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
