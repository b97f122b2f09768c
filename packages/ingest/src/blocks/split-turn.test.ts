/**
 * Split queries (split-query.ts: two lanes, one a reader thread) run one
 * at a time. Until 2026-12-07 two at once (`stats … by`: two groups read
 * together; the page's search beside its counts) handed the two threads
 * four lanes, which landed on whichever thread was idle: each thread then
 * read every day of the range instead of its lane's half, and over a month
 * its pool (64 partitions) and column cache (32 MB) no longer held them,
 * so every read reopened partitions and decoded their columns again (3M
 * events over 30 days: `stats` of a field by logger 2.7-3.5 CPU-s, 1.3
 * after; BENCHMARKS.md "A month of logs"). The answers are the same either
 * way; this checks the lanes the threads are given at once, through the
 * real reader pool, and that each answer is still exact.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, type AggregateResult, type LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { BlockStore } from './block-store.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const DAYS = 8;
const retention = { ...DEFAULT_RETENTION, default_days: 400 };
const EVENTS: LogEvent[] = Array.from({ length: DAYS * 4 }, (_, i) => ({
  '@timestamp': new Date(NOW - Math.floor(i / 4) * DAY - 3_600_000 - (i % 4) * 1000).toISOString(),
  'event.id': `e${i}`,
  message: `request ${i}`,
  level: 'info',
  logger: i % 2 === 0 ? 'web' : 'worker',
  duration_ms: i,
}));
const WIDE = { from: NOW - DAYS * DAY, to: NOW, now: NOW };

let dir = '';

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-split-turn-'));
  const writer = new BlockStore({ dataDir: dir, retention, now: () => NOW });
  writer.init();
  assert.equal((await writer.write(EVENTS)).stored, EVENTS.length);
  await writer.close();
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('two split aggregations at once give the reader threads two lanes at a time, and both answer exactly', async () => {
  const store = new BlockStore({ dataDir: dir, retention, now: () => NOW, readerThreads: 2, splitMinBytes: 0 });
  store.init();
  await store.start();
  try {
    // The real pool's run, counted on its way through.
    const readers = (store as unknown as { readers: { run: (...args: unknown[]) => Promise<unknown> } }).readers;
    const run = readers.run.bind(readers);
    let inFlight = 0;
    let most = 0;
    readers.run = async (...args: unknown[]) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        return await run(...args);
      } finally {
        inFlight--;
      }
    };
    const stats = (logger: string): Promise<AggregateResult> =>
      store.aggregate({ query: parse(`logger:${logger}`), ...WIDE, agg: { type: 'stats', field: 'duration_ms' } });
    const [web, worker] = await Promise.all([stats('web'), stats('worker')]);
    assert.ok(store.splitQueries >= 2, 'both ran in two lanes');
    assert.equal(most, 2, `${most} lanes handed to the two reader threads at once`);
    const even = EVENTS.filter((e) => e.logger === 'web').map((e) => e.duration_ms as number);
    const odd = EVENTS.filter((e) => e.logger === 'worker').map((e) => e.duration_ms as number);
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    assert.deepEqual(
      [web, worker].map((r) => (r.type === 'stats' ? [r.count, r.min, r.max, r.sum] : r.type)),
      [[even.length, Math.min(...even), Math.max(...even), sum(even)], [odd.length, Math.min(...odd), Math.max(...odd), sum(odd)]],
    );
  } finally {
    await store.close();
  }
});

test('a split query aborted while it waits its turn is refused as an aborted read, and the one before it answers', async () => {
  const store = new BlockStore({ dataDir: dir, retention, now: () => NOW, readerThreads: 2, splitMinBytes: 0 });
  store.init();
  await store.start();
  try {
    const first = store.count({ query: parse('*'), ...WIDE });
    const ac = new AbortController();
    const second = store.count({ query: parse('*'), ...WIDE, signal: ac.signal });
    ac.abort();
    await assert.rejects(second, (err: { code?: string }) => err.code === 'LS_STORE_QUERY_ABORTED');
    assert.equal(await first, EVENTS.length);
  } finally {
    await store.close();
  }
});
