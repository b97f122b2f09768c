/**
 * "Answered ⇒ survives SIGKILL", for both embedded formats: a child process
 * writes batches of 100 through the writer thread (the block store merges
 * blocks in the background meanwhile) and is killed with SIGKILL
 * mid-stream. Every acknowledged event must be found after reopening,
 * exactly once (a merge is one transaction: its sources and its result
 * never both survive). Power loss is covered by synchronous=FULL and the
 * folder fsync (sqlite/open-partition-file.ts, blocks/block-partition.ts); a test
 * cannot pull the plug.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { q } from './contract/ast-builders.js';
import { DEFAULT_SERVER_CONFIG } from '../config/server-config.js';
import { openStore } from './open-store.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const fixture = fileURLToPath(new URL('../testing/durability-writer.fixture.js', import.meta.url));
const KILL_AFTER = 4000;

// The timeout only guards against a hang; nothing here asserts on time.
for (const format of ['rows', 'blocks'] as const) {
  test(`${format}: every acknowledged write survives SIGKILL of the writing process, exactly once`, { timeout: 120_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logship-${format}-kill-`));
    try {
      const child = spawn(process.execPath, [fixture, format, dir, String(NOW)], { stdio: ['ignore', 'pipe', 'inherit'] });
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
          if (acked >= KILL_AFTER && child.exitCode === null && !child.killed) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', () => resolve());
      });
      assert.equal(await exited, 'SIGKILL');
      assert.ok(acked >= KILL_AFTER);
      const store = await openStore({ ...DEFAULT_SERVER_CONFIG, data: dir, store: { type: 'sqlite', format } }, { now: () => NOW });
      const stored = await store.count({ query: q.all(), from: 0, to: NOW + 1, now: NOW });
      assert.ok(stored >= acked, `acknowledged ${acked}, found ${stored}`);
      const ids = (await store.search({ query: q.all(), from: 0, to: NOW + 1, now: NOW, limit: stored + 1, fields: [] })).hits.map((h) => h['event.id']);
      const found = new Set(ids);
      assert.equal(found.size, ids.length, 'an event was found twice');
      for (let i = 0; i < acked; i++) assert.ok(found.has(`k-${i}`), `k-${i} was acknowledged and is gone`);
      await store.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
