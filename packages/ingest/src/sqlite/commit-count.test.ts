/**
 * A read cut at one commit count (commit-count.ts, partitioned-store.ts
 * cutRead) holds exactly that many events: writes land on two days (two
 * partition files, two snapshots) from four writers at once while counts,
 * searches and histograms of every event run again and again, and each
 * answer that tells a cut holds exactly as many events as its cut says.
 * Both formats, each with reader and writer threads, with a writer thread
 * and reads on this thread, and with both on this thread. Real files, real
 * threads; nothing timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agreedCut, collectingCuts, type LogEvent } from '@logship/query/core';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { q } from '../store/contract/ast-builders.js';
import { openSqliteStore, type OpenSqliteStoreOptions, type SqliteLogStore } from './open-sqlite-store.js';
import { openBlockStore } from '../blocks/open-block-store.js';
import { BlockStore } from '../blocks/block-store.js';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { CommitCount } from './commit-count.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const DAY = 86_400_000;
const WRITERS = 4;
const BATCHES = 30;
const PER_BATCH = 5;
const range = { from: NOW - 2 * DAY, to: NOW };

/** The block store with every query of two days or more split between its two reader threads (blocks/split-query.ts). */
async function openSplitting(o: OpenSqliteStoreOptions): Promise<SqliteLogStore> {
  const store = new BlockStore({ ...o, retention: DEFAULT_RETENTION, splitMinBytes: 0 });
  store.init();
  await store.start();
  return store;
}

const opens: [string, (o: OpenSqliteStoreOptions) => Promise<SqliteLogStore>][] = [
  ['rows', openSqliteStore],
  ['blocks', openBlockStore],
  ['blocks split in lanes', openSplitting],
];
const setups = [
  { name: 'reader and writer threads', writerThread: true, readerThreads: 2 },
  { name: 'a writer thread, reads on this thread', writerThread: true, readerThreads: 0 },
  { name: 'reads and writes on this thread', writerThread: false, readerThreads: 0 },
];

for (const [format, open] of opens) {
  // Lanes need two reader threads.
  for (const setup of format.includes('lanes') ? setups.slice(0, 1) : setups) {
    test(`${format}, ${setup.name}: an answer cut at a commit count holds exactly that many events`, { timeout: 120_000 }, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-cut-'));
      const store = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, writerThread: setup.writerThread, readerThreads: setup.readerThreads });
      try {
        let stored = 0;
        let done = false;
        const writer = async (w: number): Promise<void> => {
          for (let b = 0; b < BATCHES; b++) {
            const batch: LogEvent[] = [];
            for (let i = 0; i < PER_BATCH; i++) {
              // Yesterday and today: two partition files in one read.
              const at = NOW - ((b + i) % 2) * DAY - 60_000 + w * 1_000 + b * 10 + i;
              batch.push({ '@timestamp': new Date(at).toISOString(), 'event.id': `w${w}-b${b}-e${i}`, level: 'info', message: 'race' });
            }
            // Every other batch again: stored once, counted once.
            const first = await store.write(batch);
            const again = b % 2 === 0 ? await store.write(batch) : { stored: 0 };
            stored += first.stored + again.stored;
          }
        };
        const mismatched: string[] = [];
        let cut = 0;
        let uncut = 0;
        const check = (what: string, cuts: (number | null)[], held: number): void => {
          // A split query's two lanes tell one each (a search's trailing lane that took no day may not have yet).
          assert.ok(cuts.length >= 1 && cuts.length <= 2, `${what}: ${cuts.length} cuts told`);
          const c = agreedCut(cuts) ?? null;
          if (c === null) uncut++;
          else {
            cut++;
            if (c !== held) mismatched.push(`${what} cut at ${c} holds ${held}`);
          }
        };
        const reader = async (): Promise<void> => {
          while (!done) {
            // Reads on this thread answer without a turn of the loop: the writes get theirs.
            await new Promise((resolve) => setImmediate(resolve));
            const counted: (number | null)[] = [];
            check('count', counted, await collectingCuts(counted, () => store.count({ query: q.all(), ...range, now: NOW })));
            const searched: (number | null)[] = [];
            const s = await collectingCuts(searched, () => store.search({ query: q.all(), ...range, now: NOW, limit: WRITERS * BATCHES * PER_BATCH }));
            check('search', searched, s.hits.length);
            const histogram: (number | null)[] = [];
            const h = await collectingCuts(histogram, () => store.aggregate({ query: q.all(), ...range, now: NOW, agg: { type: 'date_histogram', interval_ms: 3_600_000 } }));
            assert.equal(h.type, 'date_histogram');
            check('histogram', histogram, h.type === 'date_histogram' ? h.buckets.reduce((n, x) => n + x.count, 0) : -1);
          }
        };
        const readers = [reader(), reader()];
        try {
          await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
        } finally {
          done = true;
        }
        await Promise.all(readers);
        assert.deepEqual(mismatched, [], `${mismatched.length} of ${cut} cut answers`);
        assert.ok(cut > 0, `no answer was cut (${uncut} were not)`);
        if (store instanceof BlockStore && format.includes('lanes')) assert.ok(store.splitQueries > 0, 'no query ran in lanes');
        // Once the writes are done, a read is cut after every event stored.
        const last: (number | null)[] = [];
        assert.equal(await collectingCuts(last, () => store.count({ query: q.all(), ...range, now: NOW })), stored);
        assert.equal(agreedCut(last), stored);
        assert.equal(stored, WRITERS * BATCHES * PER_BATCH);
      } finally {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}

// A hold is set as now + 10 ms; the clock stepping back (NTP at boot) after
// that left a deadline an hour off, and the writer waited for it: ingest
// stopped for as long as the step. Run on a thread of its own, as the writer is.
test('a hold whose deadline is further off than a hold lasts (the clock stepped back since) does not stop the writer', { timeout: 30_000 }, async () => {
  const count = new CommitCount();
  new BigInt64Array(count.buffer)[2] = BigInt(Date.now() + 3_600_000);
  const url = new URL('./commit-count.js', import.meta.url).href;
  const writer = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     import(workerData.url).then(({ CommitCount }) => {
       const c = new CommitCount(workerData.buffer);
       c.opening();
       c.closing(1);
       parentPort.postMessage(c.committed);
     });`,
    { eval: true, workerData: { url, buffer: count.buffer } },
  );
  try {
    const [committed] = (await once(writer, 'message')) as [number];
    assert.equal(committed, 1);
    assert.equal(count.committed, 1);
  } finally {
    await writer.terminate();
  }
});
