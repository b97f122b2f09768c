/**
 * Concurrent readers while writing: another process (as `logship retention
 * status` or a second server reading the same folder) searches and counts
 * while this one writes batches. WAL lets it read without blocking the
 * writer or failing; what it sees only grows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogEvent } from '@logship/query';
import { openSqliteStore } from './open-sqlite-store.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const fixture = fileURLToPath(new URL('./concurrent-reader.fixture.js', import.meta.url));

// The timeout only guards against a hang; nothing here asserts on time.
test('another process reads consistently while this one writes', { timeout: 120_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-readers-'));
  const store = await openSqliteStore({ dataDir: dir, now: () => NOW });
  try {
    await store.write([{ '@timestamp': new Date(NOW).toISOString(), 'event.id': 'seed', message: 'first line' }]);
    const reader = spawn(process.execPath, [fixture, dir, String(NOW)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const counts: number[] = [];
    const errors: string[] = [];
    let buffered = '';
    reader.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^count (\d+) (\d+)$/.exec(line);
        if (m) counts.push(Number(m[1]));
        else errors.push(line);
      }
    });
    const exited = new Promise<number | null>((resolve) => reader.on('exit', (code) => resolve(code)));
    // Wait for the reader to be reading, then write while it reads.
    while (counts.length === 0 && reader.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 5));
    let written = 1;
    for (let batch = 0; batch < 40; batch++) {
      const events: LogEvent[] = [];
      for (let i = 0; i < 250; i++) {
        const n = written++;
        events.push({ '@timestamp': new Date(NOW - (n % 3) * 86_400_000 - n).toISOString(), 'event.id': `r-${n}`, message: `line ${n}` });
      }
      await store.write(events);
      // The reader, polling all along, sees each committed batch.
      while (!counts.includes(written) && reader.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    reader.stdin.end('stop\n');
    assert.equal(await exited, 0, errors.join('\n'));
    assert.deepEqual(errors, []);
    for (let n = 251; n <= written; n += 250) assert.ok(counts.includes(n), `the reader saw ${n}`);
    for (let i = 1; i < counts.length; i++) assert.ok((counts[i] as number) >= (counts[i - 1] as number), 'counts never go backwards');
    assert.equal(counts[counts.length - 1], written);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
