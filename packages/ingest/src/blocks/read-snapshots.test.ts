/**
 * Reads over more partitions than a thread keeps open (the pool's cap,
 * here 4): a search, its total, a count, terms, histograms from the
 * rollups and past them, a sum and (blocks) the fields API answer exactly
 * while no more than the cap are open at once, in both formats, on the calling
 * thread and (blocks) split between two reader threads. Until 2026-12-06
 * a block query held a read, so a connection, on every partition of its
 * range at once: ~300+ days ran out of descriptors under the usual limit
 * of 1024. A query over fewer partitions than the cap finds them open from
 * the last one: the cap bites only for wide ranges. And a search's total
 * counts a partition in the read its page's rows came from, in both
 * formats, while another connection commits mid-search (until 2026-12-07
 * the total counted an event no page could show).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, type LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import type { PartitionPool } from '../sqlite/partition-pool.js';
import { SqliteStore } from '../sqlite/sqlite-store.js';
import { BlockStore } from './block-store.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const DAYS = 30;
const CAP = 4;
const retention = { ...DEFAULT_RETENTION, default_days: 400 };
/** Every day: an info event (the default class's partition) and an error (the errors class's): 60 partitions. */
const EVENTS: LogEvent[] = Array.from({ length: DAYS }, (_, d) => [
  { '@timestamp': new Date(NOW - d * DAY - 3_600_000).toISOString(), 'event.id': `i${d}`, message: `kept day ${d}`, level: 'info', d, week: `w${Math.floor(d / 7)}` },
  { '@timestamp': new Date(NOW - d * DAY - 7_200_000).toISOString(), 'event.id': `e${d}`, message: `kept day ${d} failed`, level: 'error', d, week: `w${Math.floor(d / 7)}` },
]).flat();
const WIDE = { from: NOW - DAYS * DAY, to: NOW, now: NOW };
/** Two UTC days (the range's own, and the one before), so four partitions. */
const NARROW = { from: NOW - DAY - 12 * 3_600_000, to: NOW, now: NOW };
const kept = parse('kept');

let dir = '';

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-read-cap-'));
  for (const Store of [SqliteStore, BlockStore]) {
    const writer = new Store({ dataDir: dir, retention, now: () => NOW });
    writer.init();
    assert.equal((await writer.write(EVENTS)).stored, EVENTS.length);
    await writer.close();
  }
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

type Reader = SqliteStore | BlockStore;

function poolOf(store: Reader): PartitionPool<{ close(): void }> {
  return (store as unknown as { pool: PartitionPool<{ close(): void }> }).pool;
}

/** Every question asked over `range`, answered as numbers that say whether each event was counted once. */
async function answers(store: Reader, range: { from: number; to: number; now: number }): Promise<Record<string, unknown>> {
  const sum = (r: { buckets?: { count: number }[]; other_count?: number }): number => (r.buckets ?? []).reduce((s, b) => s + b.count, 0) + (r.other_count ?? 0);
  const page = await store.search({ query: kept, ...range, limit: 5 });
  const oldest = await store.search({ query: kept, ...range, limit: 1, sort: 'asc' });
  const all = await store.search({ query: kept, ...range, limit: 1000 });
  const histogram = await store.aggregate({ query: parse(''), ...range, agg: { type: 'date_histogram', interval_ms: DAY } });
  const filtered = await store.aggregate({ query: kept, ...range, agg: { type: 'date_histogram', interval_ms: DAY } });
  const terms = await store.aggregate({ query: kept, ...range, agg: { type: 'terms', field: 'week', size: 3 } });
  const stats = await store.aggregate({ query: kept, ...range, agg: { type: 'stats', field: 'd' } });
  // The block store's own fields API and sampled values (block-fields.ts); the row store's page through search.
  const fields = store instanceof BlockStore ? await store.fields({ query: kept, ...range }) : null;
  const messages = store instanceof BlockStore ? await store.fieldValues({ query: kept, ...range, field: 'message', size: 100 }) : null;
  return {
    total: page.total.value,
    page: page.hits.map((h) => h['event.id']),
    oldest: oldest.hits[0]?.['event.id'],
    ids: new Set(all.hits.map((h) => h['event.id'])).size,
    count: await store.count({ query: kept, ...range }),
    histogram: sum(histogram as { buckets: { count: number }[] }),
    filtered: sum(filtered as { buckets: { count: number }[] }),
    terms: sum(terms as { buckets: { count: number }[]; other_count: number }),
    sum: stats.type === 'stats' ? stats.sum : null,
    sampled: fields && messages ? [fields.fields.find((f) => f.name === 'week')?.count, messages.values.reduce((n, v) => n + v.count, messages.other_count)] : null,
  };
}

const wideAnswers = {
  total: 2 * DAYS,
  page: ['i0', 'e0', 'i1', 'e1', 'i2'],
  oldest: `e${DAYS - 1}`,
  ids: 2 * DAYS,
  count: 2 * DAYS,
  histogram: 2 * DAYS,
  filtered: 2 * DAYS,
  terms: 2 * DAYS,
  sum: DAYS * (DAYS - 1),
};
const sampled = (format: 'rows' | 'blocks', n: number): number[] | null => (format === 'blocks' ? [n, n] : null);

for (const [format, Store] of [['rows', SqliteStore], ['blocks', BlockStore]] as const) {
  test(`${format}: queries over ${2 * DAYS} partitions answer exactly with at most ${CAP} open, and a query over fewer opens nothing again`, async () => {
    const store = new Store({ dataDir: dir, retention, now: () => NOW, maxOpenPartitions: CAP });
    store.init();
    const pool = poolOf(store);
    try {
      assert.deepEqual(await answers(store, WIDE), { ...wideAnswers, sampled: sampled(format, 2 * DAYS) });
      assert.ok(pool.opens > 2 * DAYS, `${pool.opens} opens`);
      assert.ok(pool.peakOpen <= CAP, `${pool.peakOpen} open at once`);
      // Files opened before and unchanged are not opened again only to be tried (daysInRange): once each.
      const before = pool.opens;
      assert.equal(await store.count({ query: kept, ...WIDE }), 2 * DAYS);
      assert.ok(pool.opens - before <= 2 * DAYS, `${pool.opens - before} opens for ${2 * DAYS} partitions`);

      // Two days, four partitions: opened by the first query, kept by the next ones.
      await answers(store, NARROW);
      const opens = pool.opens;
      assert.deepEqual(await answers(store, NARROW), { ...wideAnswers, total: 4, page: ['i0', 'e0', 'i1', 'e1'], oldest: 'e1', ids: 4, count: 4, histogram: 4, filtered: 4, terms: 4, sum: 2, sampled: sampled(format, 4) });
      assert.equal(pool.opens, opens, 'no partition of a narrow range opened again');
    } finally {
      await store.close();
    }
  });
}

/** Descriptors this process has open on partition files (a .db, its -wal, its -shm). */
function partitionDescriptors(): number {
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir)) n++;
    } catch {
      // closed since the listing
    }
  }
  return n;
}

test(`blocks, split between two reader threads: queries over ${2 * DAYS} partitions answer exactly, each thread with at most ${CAP} open`, async () => {
  const store = new BlockStore({ dataDir: dir, retention, now: () => NOW, readerThreads: 2, splitMinBytes: 0, maxOpenPartitions: CAP });
  store.init();
  await store.start();
  try {
    // The reader threads read while this thread waits: it looks at the
    // descriptors meanwhile (a peak between two looks may be missed, never
    // one that was not there).
    let peak = 0;
    let on = true;
    const look = (): void => {
      if (!on) return;
      peak = Math.max(peak, partitionDescriptors());
      setTimeout(look, 1).unref();
    };
    look();
    let got: Record<string, unknown>;
    try {
      got = await answers(store, WIDE);
    } finally {
      on = false;
    }
    assert.ok(store.splitQueries > 0, 'the queries ran in two lanes');
    assert.deepEqual(got, { ...wideAnswers, sampled: sampled('blocks', 2 * DAYS) });
    // The main thread's pool (daysInRange tries the files) and each
    // reader's, three descriptors a partition at most (SQLite shares a
    // file's -wal and -shm between a process's connections), doubled: the
    // listing is read while the threads open and close files, so it may
    // count some twice. Holding a read on every partition of its lane, as
    // each thread did, was 192.
    assert.ok(peak <= 2 * 3 * CAP * 3, `${peak} descriptors open on partition files during the queries`);
  } finally {
    await store.close();
  }
});

test(`blocks: a search over ${2 * DAYS} partitions counts its total in the reads its page came from, though the pool closes them on the way`, async () => {
  const own = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-read-cap-total-'));
  const writer = new BlockStore({ dataDir: own, retention, now: () => NOW, merges: false });
  const reader = new BlockStore({ dataDir: own, retention, now: () => NOW, maxOpenPartitions: CAP });
  try {
    writer.init();
    reader.init();
    assert.equal((await writer.write(EVENTS)).stored, EVENTS.length);
    // An event of the newest day committed once the search has begun
    // reading that day (the walk checks the signal before each block):
    // by another connection, synchronously, as another thread's commit lands.
    const late: LogEvent = { '@timestamp': new Date(NOW - 1000).toISOString(), 'event.id': 'late', message: 'kept late', level: 'info', d: 0, week: 'w0' };
    let wrote: Promise<unknown> | null = null;
    const signal = {
      get aborted(): boolean {
        if (!wrote) {
          wrote = writer.write([late]);
          (writer as unknown as { writes: { flush(): void } }).writes.flush();
        }
        return false;
      },
    } as AbortSignal;
    const page = await reader.search({ query: kept, ...WIDE, limit: 5, signal });
    assert.ok(wrote, 'the search read the signal');
    assert.equal(((await wrote) as { stored: number }).stored, 1);
    assert.deepEqual(page.hits.map((h) => h['event.id']), ['i0', 'e0', 'i1', 'e1', 'i2']);
    // The page was read before the late event, and so was its total: every
    // page after this one holds older events, so the 60 are all a user can
    // page through. Counted in a newer read of the day, it was 61.
    assert.deepEqual(page.total, { value: 2 * DAYS, relation: 'eq' });
    assert.ok(poolOf(reader).peakOpen <= CAP);
    // A new search sees it.
    assert.equal((await reader.search({ query: kept, ...WIDE, limit: 5 })).total.value, 2 * DAYS + 1);
  } finally {
    await reader.close();
    await writer.close();
    fs.rmSync(own, { recursive: true, force: true });
  }
});

test(`rows: a search counts each partition it reads rows from in the same read as its rows`, async () => {
  const own = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-read-cap-rows-'));
  const writer = new SqliteStore({ dataDir: own, retention, now: () => NOW });
  const reader = new SqliteStore({ dataDir: own, retention, now: () => NOW, maxOpenPartitions: CAP });
  try {
    writer.init();
    reader.init();
    assert.equal((await writer.write(EVENTS)).stored, EVENTS.length);
    // Events of the newest day (one a class) committed as the search makes
    // its first hit into an event (reading its projection, the second time
    // it is read: the first chose the columns to read, readColumns), by
    // another connection, synchronously, as another thread's commit lands:
    // after the first partition's rows were read, before the second's.
    const late: LogEvent[] = [
      { '@timestamp': new Date(NOW - 1000).toISOString(), 'event.id': 'late-i', message: 'kept late', level: 'info', d: 0, week: 'w0' },
      { '@timestamp': new Date(NOW - 1000).toISOString(), 'event.id': 'late-e', message: 'kept late failed', level: 'error', d: 0, week: 'w0' },
    ];
    let wrote: Promise<unknown> | null = null;
    let reads = 0;
    const req = {
      query: kept,
      ...WIDE,
      limit: 5,
      get fields(): undefined {
        if (++reads === 2) {
          wrote = writer.write(late);
          (writer as unknown as { writes: { flush(): void } }).writes.flush();
        }
        return undefined;
      },
    };
    const page = await reader.search(req);
    assert.ok(wrote, 'the search read its projection');
    assert.equal(((await wrote) as { stored: number }).stored, 2);
    // Newest first, a late event is in this page or in none: every later
    // page is older. The total counts the events a user can page through.
    const lateInPage = page.hits.filter((h) => String(h['event.id']).startsWith('late')).length;
    assert.equal(lateInPage, 1, 'the second partition read after the commit');
    assert.deepEqual(page.total, { value: 2 * DAYS + lateInPage, relation: 'eq' });
    assert.equal((await reader.search({ query: kept, ...WIDE, limit: 5 })).total.value, 2 * DAYS + 2);
  } finally {
    await reader.close();
    await writer.close();
    fs.rmSync(own, { recursive: true, force: true });
  }
});
