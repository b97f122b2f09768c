/**
 * Reads on reader threads (reader-pool.ts): a query's signal stops it with
 * LS_STORE_QUERY_ABORTED, its thread is replaced, and meanwhile writes
 * commit and other queries are answered. Real files, real threads; the
 * assertions are about outcomes, never durations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalLiveFeed, withReadStart, type LogEvent } from '@logship/query';
import { DAY_MS, DEFAULT_RETENTION } from '../retention/retention-config.js';
import { isStoreError } from '../store/store-error.js';
import { q } from '../store/contract/ast-builders.js';
import { openSqliteStore, type SqliteLogStore } from './open-sqlite-store.js';
import { ReaderPool } from './reader-pool.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const SEEDED = 20_000;

function event(id: string, at: number, extra: Partial<LogEvent> = {}): LogEvent {
  return { '@timestamp': new Date(at).toISOString(), 'event.id': id, level: 'info', message: `event ${id}`, ...extra };
}

/** Events whose non-promoted field makes a regex scan cost real work. */
async function seed(store: SqliteLogStore): Promise<void> {
  const padding = 'abcdefghij'.repeat(200);
  for (let b = 0; b < SEEDED / 1000; b++) {
    const batch: LogEvent[] = [];
    for (let i = 0; i < 1000; i++) {
      const n = b * 1000 + i;
      batch.push(event(`seed-${n}`, NOW - (n % 20) * 3_600_000, { 'http.user_agent': `${padding}${n}` }));
    }
    await store.write(batch);
  }
}

/** A regex on a non-promoted field: no index, a JS check of every event's value. */
const expensive = q.regex('http.user_agent', '.*a.*b.*c.*d.*e.*f.*g.*h.*i.*j.*zzz');
const range = { from: NOW - 2 * DAY_MS, to: NOW + DAY_MS, now: NOW };

async function withStore(fn: (store: SqliteLogStore) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-readers-'));
  const store = await openSqliteStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, readerThreads: 2 });
  try {
    await fn(store);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('an aborted query rejects with LS_STORE_QUERY_ABORTED while writes commit and other queries answer', async () => {
  await withStore(async (store) => {
    await seed(store);
    // The query is handed to a reader thread, then its caller gives up.
    const ac = new AbortController();
    const slow = store.search({ query: expensive, ...range, limit: 10, signal: ac.signal });
    const outcome = slow.then(
      () => 'resolved',
      (err: unknown) => err,
    );
    setImmediate(() => ac.abort(new Error('deadline passed')));
    // Meanwhile: a write commits and is visible to a query on another thread.
    const written = await store.write([event('live-1', NOW)]);
    assert.equal(written.stored, 1);
    const err = await outcome;
    assert.ok(isStoreError(err, 'LS_STORE_QUERY_ABORTED'), `expected an abort, got ${String(err)}`);
    assert.match((err as Error).message, /deadline passed/);
    // The replaced thread and the other one answer, and see everything.
    const counts = await Promise.all([
      store.count({ query: q.all(), ...range }),
      store.count({ query: q.term('event.id', 'live-1'), ...range }),
      store.count({ query: q.all(), ...range }),
    ]);
    assert.deepEqual(counts, [SEEDED + 1, 1, SEEDED + 1]);
    const page = await store.search({ query: q.term('event.id', 'live-1'), ...range, limit: 5 });
    assert.deepEqual(
      page.hits.map((h) => h['event.id']),
      ['live-1'],
    );
  });
});

test('a signal already aborted rejects at once; one aborted while queued leaves the queue', async () => {
  await withStore(async (store) => {
    await store.write([event('a', NOW)]);
    const gone = AbortSignal.abort(new Error('too late'));
    await assert.rejects(store.count({ query: q.all(), ...range, signal: gone }), (err: unknown) =>
      isStoreError(err, 'LS_STORE_QUERY_ABORTED'),
    );
    // Two threads, four queries: the last two wait in the queue.
    const acs = [0, 1, 2, 3].map(() => new AbortController());
    const runs = acs.map((ac) =>
      store.aggregate({ query: q.all(), ...range, agg: { type: 'terms', field: 'level', size: 5 }, signal: ac.signal }).then(
        () => 'ok',
        (err: unknown) => (isStoreError(err, 'LS_STORE_QUERY_ABORTED') ? 'aborted' : String(err)),
      ),
    );
    acs[3]?.abort();
    assert.equal(await runs[3], 'aborted');
    assert.deepEqual(await Promise.all(runs.slice(0, 3)), ['ok', 'ok', 'ok']);
  });
});

test('query errors from a reader store keep their types; results match the calling-thread store', async () => {
  await withStore(async (store) => {
    await store.write([event('a', NOW, { status: 500 }), event('b', NOW - 1000, { status: 200 })]);
    await assert.rejects(store.search({ query: q.all(), ...range, limit: -1 }), (err: unknown) => isStoreError(err, 'LS_STORE_BAD_REQUEST'));
    await assert.rejects(store.search({ query: q.all(), ...range, limit: 1, cursor: 'nope' }), (err: unknown) =>
      isStoreError(err, 'LS_STORE_BAD_CURSOR'),
    );
    const first = await store.search({ query: q.all(), ...range, limit: 1 });
    assert.deepEqual(first.hits.map((h) => h['event.id']), ['a']);
    assert.deepEqual(first.total, { value: 2, relation: 'eq' });
    assert.ok(first.next_cursor);
    const second = await store.search({ query: q.all(), ...range, limit: 1, cursor: first.next_cursor });
    assert.deepEqual(second.hits.map((h) => h['event.id']), ['b']);
    assert.equal(second.hits[0]?.status, 200);
  });
});

/** A CountRequest, typed as what run() takes. */
const countAll: { signal?: AbortSignal } = { query: q.all(), ...range } as { signal?: AbortSignal };

test('reader threads start with the queries that need them, up to the pool size', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-readers-lazy-'));
  const store = await openSqliteStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, writerThread: false, readerThreads: 0 });
  const pool = new ReaderPool({ dataDir: dir, retention: DEFAULT_RETENTION, rollups: true }, 2);
  try {
    await store.write([event('a', NOW), event('b', NOW - 1000)]);
    assert.equal(pool.threads, 0, 'none before a query');
    const one = await pool.run('count', countAll, NOW);
    assert.equal(one, 2);
    assert.equal(pool.threads, 1, 'one query, one thread');
    // Three at once: a second thread starts, the third query waits for one of the two.
    const many = await Promise.all([0, 1, 2].map(() => pool.run('count', countAll, NOW)));
    assert.deepEqual(many, [one, one, one]);
    assert.equal(pool.threads, 2);
  } finally {
    await pool.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a reader thread that cannot open its store fails the queries given to it, and the pool goes on', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-readers-broken-'));
  // A file where the data folder should be: the thread's store cannot open.
  const notAFolder = path.join(dir, 'file');
  fs.writeFileSync(notAFolder, 'not a folder');
  const pool = new ReaderPool({ dataDir: notAFolder, retention: DEFAULT_RETENTION, rollups: true }, 2);
  try {
    const runs = [0, 1, 2].map(() => pool.run('count', countAll, NOW));
    // Every handler at once: a later query's rejection must not wait unhandled for an earlier one's.
    await Promise.all(runs.map((run) => assert.rejects(run, (err: unknown) => isStoreError(err) && /file|folder|directory|ENOTDIR|EEXIST/i.test((err as Error).message))));
    assert.equal(pool.threads, 0, 'failed threads are gone');
  } finally {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A pool of one reader thread over a store holding one event, and a live feed; `read` runs a count as http/commit-mark.ts readMarked does, noting the feed's mark each time the pool says a step started. */
async function withMarkedReads(fn: (pool: ReaderPool, feed: LocalLiveFeed, read: (name: string, lane?: number) => Promise<unknown>, marks: Map<string, number[]>) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-readers-start-'));
  const store = await openSqliteStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, writerThread: false, readerThreads: 0 });
  const pool = new ReaderPool({ dataDir: dir, retention: DEFAULT_RETENTION, rollups: true }, 1);
  const feed = new LocalLiveFeed();
  const marks = new Map<string, number[]>();
  const read = (name: string, lane?: number): Promise<unknown> =>
    withReadStart(
      () => marks.set(name, [...(marks.get(name) ?? []), feed.mark().seq]),
      () => pool.run('count', countAll, NOW, lane),
    );
  try {
    await store.write([event('a', NOW)]);
    await fn(pool, feed, read, marks);
  } finally {
    await pool.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a read waiting for the thread to start is told it started when the thread is ready, after what was published meanwhile', async () => {
  await withMarkedReads(async (pool, feed, read, marks) => {
    const first = read('first');
    assert.equal(pool.threads, 1, 'its thread starting');
    assert.equal(marks.get('first'), undefined, 'not posted to a thread still starting');
    feed.publish([event('while-starting', NOW)]);
    assert.equal(await first, 1);
    assert.deepEqual(marks.get('first'), [1], 'told once, as it was posted');
  });
});

test('a read waiting for a busy thread is told it started as it is posted, after what was published while it waited; a lane as it is asked', async () => {
  await withMarkedReads(async (pool, feed, read, marks) => {
    // Outside any read: nothing to tell, the pool answers as before (and its thread is ready).
    assert.equal(await pool.run('count', countAll, NOW), 1);
    const first = read('first');
    const second = read('second');
    // A lane of a split query: its days were listed as it was asked.
    const lane = read('lane', 0);
    assert.deepEqual(marks.get('first'), [0], 'posted at once: told at once');
    assert.deepEqual(marks.get('lane'), [0], 'a lane: told as it is asked');
    assert.equal(marks.get('second'), undefined, 'queued: not yet');
    feed.publish([event('while-queued', NOW)]);
    assert.deepEqual(await Promise.all([first, second, lane]), [1, 1, 1]);
    assert.deepEqual(marks.get('second'), [1], 'told once, as it was posted');
    assert.deepEqual(marks.get('first'), [0]);
    assert.deepEqual(marks.get('lane'), [0], 'a lane is not told again');
  });
});
