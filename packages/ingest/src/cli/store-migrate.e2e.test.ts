/**
 * `logship store migrate` on a real row store: killed with SIGKILL again
 * and again while it moves partitions, then run to the end, every event is
 * in the block store exactly once, unchanged, and the row partitions are
 * gone (issue 18 item 5).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, parse, type LogEvent } from '@logship/query';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { openBlockStore } from '../blocks/open-block-store.js';
import { hasPartitions, resolveStoreFormat, rowStoreDir } from '../store/store-format.js';

// dist/cli/store-migrate.e2e.test.js → packages/ingest/bin/logship.js
const BIN = fileURLToPath(new URL('../../bin/logship.js', import.meta.url));
const DAY = 86_400_000;

function corpus(n: number, end: number): LogEvent[] {
  const rng = createRng(18);
  const events: LogEvent[] = [];
  for (let i = 0; i < n; i++) {
    const e: LogEvent = {
      '@timestamp': new Date(end - 2 * DAY + Math.floor((i / n) * 2 * DAY)).toISOString(),
      'event.id': `m-${i}-${Math.floor(rng.next() * 1e9).toString(36)}`,
      // info and warning only: two partitions (one class, two days) of
      // several pages each, so kills land inside a partition too.
      level: i % 4 === 0 ? 'warning' : 'info',
      message: `request ${i} took ${Math.floor(rng.next() * 2000)} ms`,
      host: `web-${i % 3}`,
    };
    if (i % 5 === 0) e.status = i % 10 === 0 ? 500 : 'ok';
    if (i % 7 === 0) e['http.path'] = `/api/${i % 11}`;
    if (i % 13 === 0) e.flag = i % 2 === 0;
    if (i % 17 === 0) e.nothing = null;
    events.push(e);
  }
  return events;
}

/**
 * Runs `store migrate` and kills it with SIGKILL `afterMs` after it has
 * printed its `lines`-th line (a page acknowledged, a partition finished);
 * resolves whether it finished first, and what it printed.
 */
function runKilledAfter(dir: string, lines: number, afterMs: number): Promise<{ finished: boolean; out: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [BIN, 'store', 'migrate', '--data', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let timer: NodeJS.Timeout | undefined;
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').length > lines) timer ??= setTimeout(() => proc.kill('SIGKILL'), afterMs);
    });
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ finished: signal === null && code === 0, out: `${signal ?? code}: ${out}` });
    });
  });
}

test('store migrate: SIGKILLed at random moments, then finished, moves every event exactly once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-migrate-'));
  try {
    const end = Date.now();
    const events = corpus(40_000, end);
    const rows = await openSqliteStore({ dataDir: dir, writerThread: false, readerThreads: 0 });
    for (let i = 0; i < events.length; i += 5_000) await rows.write(events.slice(i, i + 5_000));
    await rows.close();
    assert.equal(resolveStoreFormat(dir, undefined), 'rows', 'a folder with row partitions stays on rows until migrated');

    const rng = createRng(7);
    const outcomes: string[] = [];
    let kills = 0;
    // Each run gets one line further before the kill (plus up to 100 ms),
    // so kills land inside pages, between pages, between a partition's
    // last page and its removal, and between partitions.
    for (let k = 1; k <= 40; k++) {
      const run = await runKilledAfter(dir, k, Math.floor(rng.next() * 100));
      outcomes.push(run.out);
      if (run.finished) break;
      kills++;
    }
    assert.ok(kills >= 3, `killed only ${kills} times while migrating:\n${outcomes.join('\n')}`);
    const last = spawnSync(process.execPath, [BIN, 'store', 'migrate', '--data', dir], { encoding: 'utf8' });
    assert.equal(last.status, 0, `${last.stdout}\n${last.stderr}\nearlier runs:\n${outcomes.join('\n')}`);
    assert.equal(hasPartitions(rowStoreDir(dir)), false, 'no row partition is left');
    assert.ok(!fs.readdirSync(rowStoreDir(dir)).some((n) => n.includes('.migrated')), 'retired files are removed');
    assert.equal(resolveStoreFormat(dir, undefined), 'blocks');

    const again = spawnSync(process.execPath, [BIN, 'store', 'migrate', '--data', dir], { encoding: 'utf8' });
    assert.equal(again.status, 0);
    assert.match(again.stdout, /Nothing to migrate/);

    const blocks = await openBlockStore({ dataDir: dir, writerThread: false, readerThreads: 0 });
    try {
      const range = { from: end - 3 * DAY, to: end + DAY, now: end };
      assert.equal(await blocks.count({ ...range, query: parse('*') }), events.length, 'every event once');
      const byId = new Map(events.map((e) => [e['event.id'], e]));
      let cursor: string | null = null;
      let seen = 0;
      do {
        const page = await blocks.search({ ...range, query: parse('*'), limit: 5_000, sort: 'asc', ...(cursor ? { cursor } : {}) });
        for (const h of page.hits) {
          assert.deepEqual(h, byId.get(h['event.id']), `event ${h['event.id']} unchanged`);
          byId.delete(h['event.id']);
          seen++;
        }
        cursor = page.next_cursor;
      } while (cursor);
      assert.equal(seen, events.length);
      assert.equal(byId.size, 0);
    } finally {
      await blocks.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('store migrate: a partition retired but not deleted by a killed run is removed even when nothing is left to migrate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-migrate-'));
  try {
    // What a kill between retire()'s rename and its delete leaves behind.
    fs.mkdirSync(rowStoreDir(dir), { recursive: true });
    fs.writeFileSync(path.join(rowStoreDir(dir), '2026-12-01.default.db.migrated'), 'retired');
    fs.writeFileSync(path.join(rowStoreDir(dir), '2026-12-01.default.db.migrated-wal'), 'retired');
    const run = spawnSync(process.execPath, [BIN, 'store', 'migrate', '--data', dir], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Nothing to migrate/);
    assert.deepEqual(fs.readdirSync(rowStoreDir(dir)), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
