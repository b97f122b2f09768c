/**
 * The scheduler against a real SQLite store: it enforces retention on its
 * interval, reports each run, never overlaps runs, and stops cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RetentionRunResult } from '../store/log-store.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { DAY_MS } from './retention-config.js';
import { startRetentionScheduler } from './retention-scheduler.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');

test('the scheduler drops expired partitions on its own and reports the run', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-scheduler-'));
  let clock = NOW;
  const store = await openSqliteStore({ dataDir: dir, now: () => clock });
  try {
    await store.write([
      { '@timestamp': new Date(NOW - DAY_MS).toISOString(), 'event.id': 'dbg', level: 'debug' },
      { '@timestamp': new Date(NOW).toISOString(), 'event.id': 'inf', level: 'info' },
    ]);
    clock = NOW + 7 * DAY_MS;
    const runs: RetentionRunResult[] = [];
    let ranOnce = (): void => undefined;
    const firstRun = new Promise<void>((resolve) => (ranOnce = resolve));
    const scheduler = startRetentionScheduler({
      store,
      interval_ms: 5,
      now: () => clock,
      onRun: (result) => {
        runs.push(result);
        ranOnce();
      },
      onError: (err) => runs.push({ partitionsDropped: [`error: ${String(err)}`], eventsRemoved: -1, bytesRemoved: -1 }),
    });
    // The scheduler's timer is unref'd (it must not keep a server alive on
    // its own); this test holds the event loop open while it waits.
    const keepAlive = setInterval(() => undefined, 1000);
    await firstRun.finally(() => clearInterval(keepAlive));
    await scheduler.stop();
    assert.deepEqual(runs[0]?.partitionsDropped, ['2026-11-22.debug.db']);
    assert.equal(runs[0]?.eventsRemoved, 1);
    assert.deepEqual(
      (await store.partitions()).map((p) => p.name),
      ['2026-11-23.default.db'],
    );
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('runNow waits for a run in progress instead of overlapping it', async () => {
  let active = 0;
  let maxActive = 0;
  let calls = 0;
  const release: (() => void)[] = [];
  const store = {
    enforceRetention: async (): Promise<RetentionRunResult> => {
      calls++;
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((resolve) => release.push(resolve));
      active--;
      return { partitionsDropped: [], eventsRemoved: 0, bytesRemoved: 0 };
    },
  };
  const scheduler = startRetentionScheduler({ store, interval_ms: 3_600_000 });
  const a = scheduler.runNow();
  const b = scheduler.runNow();
  // Let both callers reach their waiting points, then release runs one by one.
  while (calls < 2) {
    await new Promise((resolve) => setImmediate(resolve));
    release.shift()?.();
  }
  release.shift()?.();
  await Promise.all([a, b]);
  assert.equal(calls, 2);
  assert.equal(maxActive, 1);
  await scheduler.stop();
});

test('an interval longer than a timer can wait (check_interval_s: 3000000) does not run retention without pause', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-scheduler-'));
  const store = await openSqliteStore({ dataDir: dir });
  let runs = 0;
  const scheduler = startRetentionScheduler({ store, interval_ms: 3_000_000_000, onRun: () => runs++ });
  try {
    // setTimeout took 3e9 ms as 1 ms: hundreds of runs in this wait.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(runs, 0);
  } finally {
    await scheduler.stop();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
