/**
 * A split query's lanes read the days listed for them (split-query.ts), so
 * a day whose first partition is made after that listing is not in the
 * answer. What the answer's commit mark says must agree:
 *
 * - a read cut at a commit count (sqlite/commit-count.ts) whose count holds
 *   that new day's events does not tell that count (the page would take
 *   those events for being in the answer, and not add them: lost from view);
 * - a split query that waited its turn (block-store.ts inTurn) lists its
 *   days when its turn comes, as its start is taken then (reader-pool.ts:
 *   a lane counts as started as it is handed to the pool), not before the
 *   wait: until 2026-12-08 a day made during the wait was left out of an
 *   answer whose start came after it.
 *
 * A write lands at the moment in between through the real reader pool's
 * run (as split-turn.test.ts counts lanes through it); real threads and
 * files, nothing timed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agreedCut, collectingCuts, parse, withReadStart, type LogEvent } from '@logship/query/core';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { BlockStore } from './block-store.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const DAYS = 4;
const retention = { ...DEFAULT_RETENTION, default_days: 400 };
const EVENTS: LogEvent[] = Array.from({ length: DAYS * 4 }, (_, i) => ({
  '@timestamp': new Date(NOW - Math.floor(i / 4) * DAY - 3_600_000 - (i % 4) * 1000).toISOString(),
  'event.id': `e${i}`,
  message: `request ${i}`,
  level: 'info',
}));
// From 2026-11-19T12:00: that day's afternoon is in the range, and has no partition yet.
const RANGE = { from: NOW - DAYS * DAY, to: NOW, now: NOW };
const NEW_DAY_EVENT: LogEvent = {
  '@timestamp': new Date(NOW - DAYS * DAY + 6 * 3_600_000).toISOString(),
  'event.id': 'new-day',
  message: 'the first event of a day in the range',
  level: 'info',
};

let dir = '';

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-split-new-day-'));
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A store over EVENTS alone (a folder of its own), its two reader threads started, every query of two days split. */
async function openStore(name: string): Promise<BlockStore> {
  const dataDir = path.join(dir, name);
  const writer = new BlockStore({ dataDir, retention, now: () => NOW });
  writer.init();
  assert.equal((await writer.write(EVENTS)).stored, EVENTS.length);
  await writer.close();
  const store = new BlockStore({ dataDir, retention, now: () => NOW, readerThreads: 2, splitMinBytes: 0 });
  store.init();
  await store.start();
  return store;
}

/** Runs `before` (once, awaited by every lane) as the first lane is handed to the real pool. */
function beforeFirstLane(store: BlockStore, before: () => Promise<unknown>): void {
  const readers = (store as unknown as { readers: { run: (...args: unknown[]) => Promise<unknown> } }).readers;
  const run = readers.run.bind(readers);
  let first: Promise<unknown> | null = null;
  readers.run = async (...args: unknown[]) => {
    first ??= before();
    await first;
    return run(...args);
  };
}

test('a split query whose lanes cut after a day was made that their list lacks tells no cut that holds the day\'s events', async () => {
  const store = await openStore('cut');
  try {
    beforeFirstLane(store, async () => assert.equal((await store.write([NEW_DAY_EVENT])).stored, 1));
    const cuts: (number | null)[] = [];
    const count = await collectingCuts(cuts, () => store.count({ query: parse('*'), ...RANGE }));
    assert.ok(store.splitQueries >= 1, 'the count ran in two lanes');
    const cut = agreedCut(cuts);
    // Every event the store committed since it opened (the new day's: 1) is numbered at or below a cut of 1.
    if (cut !== undefined && cut >= 1) assert.equal(count, EVENTS.length + 1, `cut at ${cut} committed events, but the answer lacks the new day's (cuts ${JSON.stringify(cuts)})`);
  } finally {
    await store.close();
  }
});

test('a split query that waited its turn reads the days there are when its turn comes (its start)', async () => {
  const store = await openStore('turn');
  try {
    let written = false;
    beforeFirstLane(store, async () => {
      assert.equal((await store.write([NEW_DAY_EVENT])).stored, 1);
      written = true;
    });
    // The first holds the turn; the second waits for it, and starts after the write.
    const first = store.count({ query: parse('*'), ...RANGE });
    let startedAfterWrite: boolean | undefined;
    const second = withReadStart(() => { startedAfterWrite ??= written; }, () => store.count({ query: parse('*'), ...RANGE }));
    await first;
    const count = await second;
    assert.equal(startedAfterWrite, true, 'the second read started after the write');
    assert.equal(count, EVENTS.length + 1, 'the event written before the read started is in its answer');
  } finally {
    await store.close();
  }
});
