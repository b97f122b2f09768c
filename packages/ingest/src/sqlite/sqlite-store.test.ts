/**
 * SQLite-specific behaviour beyond the shared contract: files on disk,
 * health of the data directory, dedupe across partitions, partitions
 * removed by another process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LogEvent } from '@logship/query';
import { DAY_MS, DEFAULT_RETENTION, type RetentionConfig } from '../retention/retention-config.js';
import { isStoreError } from '../store/store-error.js';
import { q } from '../store/contract/ast-builders.js';
import { openSqliteStore, type SqliteLogStore } from './open-sqlite-store.js';
import { OPEN_PARTITIONS } from './partition-pool.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-sqlite-'));
  try {
    await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function event(id: string, at: number, extra: Partial<LogEvent> = {}): LogEvent {
  return { '@timestamp': new Date(at).toISOString(), 'event.id': id, level: 'info', message: `event ${id}`, ...extra };
}

const everything = { query: q.all(), from: 0, to: NOW + DAY_MS, now: NOW };

async function open(dir: string, retention: RetentionConfig = DEFAULT_RETENTION, now = NOW): Promise<SqliteLogStore> {
  return openSqliteStore({ dataDir: dir, retention, now: () => now });
}

test('one database file per UTC day and retention class', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    await store.write([
      event('a', NOW, { level: 'error' }),
      event('b', NOW - DAY_MS, { level: 'debug' }),
      event('c', NOW - DAY_MS),
      event('d', NOW),
    ]);
    await store.close();
    const files = fs.readdirSync(path.join(dir, 'sqlite')).filter((f) => f.endsWith('.db'));
    assert.deepEqual(files.sort(), ['2026-11-22.debug.db', '2026-11-22.default.db', '2026-11-23.default.db', '2026-11-23.errors.db']);
  });
});

test('data survives closing and reopening the store', async () => {
  await withDir(async (dir) => {
    const first = await open(dir);
    await first.write([event('a', NOW), event('b', NOW - 1000)]);
    await first.close();
    const second = await open(dir);
    const res = await second.search({ ...everything, limit: 10 });
    assert.deepEqual(
      res.hits.map((h) => h['event.id']),
      ['a', 'b'],
    );
    const again = await second.write([event('a', NOW)]);
    assert.equal(again.duplicates, 1);
    await second.close();
  });
});

test('a retried event is a duplicate even when its class changed meanwhile', async () => {
  await withDir(async (dir) => {
    const first = await open(dir);
    assert.equal((await first.write([event('x', NOW)])).stored, 1);
    await first.close();
    // The retention config now puts the event in another class.
    const audit: RetentionConfig = { ...DEFAULT_RETENTION, classes: [{ name: 'audit', match: 'message:event', days: 400 }] };
    const second = await open(dir, audit);
    const retry = await second.write([event('x', NOW)]);
    assert.deepEqual([retry.stored, retry.duplicates], [0, 1]);
    assert.equal(await second.count(everything), 1);
    await second.close();
  });
});

test('an event stamped with its receive time is deduped by event.id, also across midnight and a class change', async () => {
  await withDir(async (dir) => {
    const received = { 'logship.no_timestamp': true } as const;
    const first = await open(dir);
    assert.equal((await first.write([event('r', NOW, received)])).stored, 1);
    // The retry is stamped again: later the same day, then after midnight.
    const sameDay = await first.write([event('r', NOW + 3_600_000, received)]);
    assert.deepEqual([sameDay.stored, sameDay.duplicates], [0, 1]);
    const nextDay = await first.write([event('r', NOW + 13 * 3_600_000, received)]);
    assert.deepEqual([nextDay.stored, nextDay.duplicates], [0, 1]);
    await first.close();
    const audit: RetentionConfig = { ...DEFAULT_RETENTION, classes: [{ name: 'audit', match: 'message:event', days: 400 }] };
    const second = await open(dir, audit);
    const moved = await second.write([event('r', NOW + 14 * 3_600_000, received)]);
    assert.deepEqual([moved.stored, moved.duplicates], [0, 1]);
    assert.equal(await second.count(everything), 1);
    await second.close();
  });
});

test('events are identified by (@timestamp, event.id): a reused id with another time of its own is a new event', async () => {
  // e.g. a file truncated in place and written again: same source and
  // offset, other lines.
  await withDir(async (dir) => {
    const store = await open(dir);
    assert.equal((await store.write([event('f:1:0', NOW)])).stored, 1);
    const other = await store.write([event('f:1:0', NOW + 60_000)]);
    assert.deepEqual([other.stored, other.duplicates], [1, 0]);
    assert.equal(await store.count(everything), 2);
    await store.close();
  });
});

test('a partition file of schema version 1 (event.id UNIQUE) is still read, written and deduped', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    await store.write([event('seed', NOW)]);
    await store.close();
    // Rebuild the day's file as version 1 wrote it.
    const file = path.join(dir, 'sqlite', '2026-11-23.default.db');
    const db = new Database(file);
    db.exec(`DROP INDEX events_ts_eid; DROP TABLE received_ids;
      CREATE UNIQUE INDEX events_eid ON events(eid); CREATE INDEX events_ts ON events(ts);
      PRAGMA user_version = 1;`);
    db.close();
    const reopened = await open(dir);
    const retry = await reopened.write([event('seed', NOW), event('new', NOW + 1)]);
    assert.deepEqual([retry.stored, retry.duplicates], [1, 1]);
    const restamped = await reopened.write([event('seed', NOW + 5, { 'logship.no_timestamp': true })]);
    assert.deepEqual([restamped.stored, restamped.duplicates], [0, 1]);
    const page = await reopened.search({ ...everything, limit: 10, sort: 'asc' });
    assert.deepEqual(page.hits.map((e) => e['event.id']), ['seed', 'new']);
    await reopened.close();
  });
});

test('a partition file of schema version 2 (no minute_rids) is still read and written, its ranges unbounded', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    const at = (i: number): number => NOW - 6 * 3_600_000 + i * 60_000;
    await store.write(Array.from({ length: 300 }, (_, i) => event(`a${i}`, at(i), { logger: i % 3 === 0 ? 'x' : 'y' })));
    await store.close();
    const file = path.join(dir, 'sqlite', '2026-11-23.default.db');
    const db = new Database(file);
    db.exec('DROP TABLE minute_rids; PRAGMA user_version = 2;');
    db.close();
    const reopened = await open(dir);
    await reopened.write(Array.from({ length: 30 }, (_, i) => event(`b${i}`, at(i * 10 + 5), { logger: 'x' })));
    // Minutes 100..159: a102..a159 every third minute (20), b10..b15 at minutes 105..155 (6).
    const range = { query: q.term('logger', 'x'), from: at(100), to: at(159) + 59_999, now: NOW };
    assert.equal(await reopened.count(range), 26);
    const page = await reopened.search({ ...range, limit: 3 });
    assert.deepEqual(page.hits.map((e) => e['event.id']), ['a159', 'a156', 'b15']);
    assert.deepEqual(page.total, { value: 26, relation: 'eq' });
    await reopened.close();
  });
});

test('health fails with a reason when the data directory becomes unusable', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    assert.deepEqual(await store.health(), { ok: true });
    fs.rmSync(store.dir, { recursive: true, force: true });
    const health = await store.health();
    assert.equal(health.ok, false);
    assert.match(health.reason ?? '', /not writable/);
    await store.close();
    assert.equal((await store.health()).ok, false);
  });
});

test('opening a store whose data directory is a file fails with LS_STORE_DATA_DIR', async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    await assert.rejects(openSqliteStore({ dataDir: file }), (err) => isStoreError(err, 'LS_STORE_DATA_DIR'));
  });
});

test('a closed store refuses work with LS_STORE_CLOSED', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    await store.close();
    await assert.rejects(store.write([event('a', NOW)]), (err) => isStoreError(err, 'LS_STORE_CLOSED'));
    await assert.rejects(store.search({ ...everything, limit: 1 }), (err) => isStoreError(err, 'LS_STORE_CLOSED'));
  });
});

test('retention run by another process (logship retention run) is picked up by the running store', async () => {
  await withDir(async (dir) => {
    const server = await open(dir);
    await server.write([event('old-debug', NOW - 2 * DAY_MS, { level: 'debug' }), event('fresh', NOW)]);
    const later = NOW + 6 * DAY_MS;
    const cli = await open(dir, DEFAULT_RETENTION, later);
    const run = await cli.enforceRetention(later);
    assert.deepEqual(run.partitionsDropped, ['2026-11-21.debug.db']);
    await cli.close();
    // The server still works, sees the file gone, and keeps its other data.
    const parts = await server.partitions(NOW);
    assert.deepEqual(
      parts.map((p) => p.name),
      ['2026-11-23.default.db'],
    );
    assert.deepEqual(
      (await server.search({ ...everything, limit: 10 })).hits.map((h) => h['event.id']),
      ['fresh'],
    );
    await server.close();
  });
});

test('enforcing retention shrinks the data folder by the bytes it reports', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    const events: LogEvent[] = [];
    for (let i = 0; i < 2000; i++) events.push(event(`d${i}`, NOW - 3 * DAY_MS + i, { level: 'debug', message: `debug line ${i} ${'x'.repeat(i % 200)}` }));
    for (let i = 0; i < 50; i++) events.push(event(`i${i}`, NOW - i));
    await store.write(events);
    const sizeOf = (): number => fs.readdirSync(store.dir).reduce((s, f) => s + fs.statSync(path.join(store.dir, f)).size, 0);
    const before = sizeOf();
    const run = await store.enforceRetention(NOW + 5 * DAY_MS);
    assert.equal(run.eventsRemoved, 2000);
    assert.equal(sizeOf(), before - run.bytesRemoved);
    assert.ok(run.bytesRemoved > before / 2, `${run.bytesRemoved} of ${before}`);
    await store.close();
  });
});

test('events keep their value types, including booleans and nulls in promoted fields', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    const odd: LogEvent = {
      ...event('odd', NOW),
      status: true as unknown as string,
      duration_ms: null as unknown as string,
      'http.status': '200',
      n: 0,
      weird: false,
      'q"uote': 'v',
      // doc is built as JSON text (event-row.ts encodeDoc): values needing escapes.
      'text.escaped': 'line 1\n"quoted" \\ back\u2028slash, ünïcødé \u{1F600}',
    };
    await store.write([odd, event('plain', NOW - 1, { status: 200 as unknown as string })]);
    const hits = (await store.search({ ...everything, limit: 10 })).hits;
    assert.deepEqual(hits[0], odd);
    const ids = async (query: ReturnType<typeof q.all>): Promise<string[]> =>
      (await store.search({ ...everything, query, limit: 10 })).hits.map((h) => h['event.id']);
    assert.deepEqual(await ids(q.term('status', 'true')), ['odd']);
    assert.deepEqual(await ids(q.term('status', '200')), ['plain']);
    assert.deepEqual(await ids(q.exists('duration_ms')), []);
    assert.deepEqual(await ids(q.term('q"uote', 'v')), ['odd']);
    assert.deepEqual(await ids(q.term('weird', 'false')), ['odd']);
    await store.close();
  });
});

test('concurrent writes are committed together and each gets its own result', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    const a = [event('a1', NOW), event('shared', NOW - 5), event('a2', NOW - DAY_MS, { level: 'error' })];
    const b = [event('b1', NOW - 1), event('shared', NOW - 5)];
    const c = [event('c1', NOW - 2), event('bad', NOW, { '@timestamp': 'never' })];
    const [ra, rb, rc] = await Promise.all([store.write(a), store.write(b), store.write(c)]);
    assert.deepEqual([ra.stored, ra.duplicates], [3, 0]);
    assert.deepEqual([rb.stored, rb.duplicates], [1, 1]);
    assert.deepEqual([rc.stored, rc.errors.map((e) => e.index)], [1, [1]]);
    // Closing right after accepting a write still commits and answers it.
    const last = store.write([event('late', NOW - 3)]);
    await store.close();
    assert.equal((await last).stored, 1);
    const reopened = await open(dir);
    assert.equal(await reopened.count(everything), 6);
    await reopened.close();
  });
});

test('only a bounded number of partitions are open at once, and all stay usable', async () => {
  await withDir(async (dir) => {
    const store = await open(dir, { ...DEFAULT_RETENTION, default_days: 400 });
    const events: LogEvent[] = [];
    for (let day = 0; day < OPEN_PARTITIONS + 20; day++) events.push(event(`d${day}`, NOW - day * DAY_MS));
    assert.equal((await store.write(events)).stored, events.length);
    const pool = (store as unknown as { pool: { openCount: number } }).pool;
    assert.ok(pool.openCount <= OPEN_PARTITIONS, `${pool.openCount} open`);
    const all = await store.search({ ...everything, limit: 1000 });
    assert.equal(all.hits.length, events.length);
    const terms = await store.aggregate({ ...everything, agg: { type: 'terms', field: 'message', size: 1000 } });
    assert.equal(terms.type === 'terms' ? terms.buckets.length : 0, events.length);
    assert.equal((await store.partitions()).length, events.length);
    assert.ok(pool.openCount <= OPEN_PARTITIONS);
    await store.close();
  });
});

// LS_STORE_WRITE_FAILED with SQLite's bare "database is locked" until 2026-12-07 (locked-partition.ts).
test('a batch SQLite cannot commit for another connection\'s lock fails with LS_STORE_PARTITION_LOCKED naming the file (retryable), and a retry succeeds', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    await store.write([event('first', NOW)]);
    // Another connection holds the write lock past the busy timeout.
    const blocker = new Database(path.join(store.dir, '2026-11-23.default.db'));
    blocker.exec('BEGIN IMMEDIATE');
    const file = path.join(store.dir, '2026-11-23.default.db');
    await assert.rejects(store.write([event('second', NOW)]), (err) => isStoreError(err, 'LS_STORE_PARTITION_LOCKED') && err.retryable && err.message.includes(`${file} is locked by another process`));
    blocker.exec('ROLLBACK');
    blocker.close();
    const retry = await store.write([event('second', NOW)]);
    assert.equal(retry.stored, 1);
    assert.equal(await store.count(everything), 2);
    await store.close();
  });
});

test('a partition file that is not a database is left out of reads and named by unreadablePartitions, not a failed search', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    fs.writeFileSync(path.join(store.dir, '2026-11-20.default.db'), 'this is not a database'.repeat(200));
    assert.deepEqual((await store.search({ ...everything, limit: 1 })).hits, []);
    assert.equal(await store.count({ ...everything }), 0);
    const bad = store.unreadablePartitions!(everything);
    assert.deepEqual(bad.map((p) => p.partition), ['2026-11-20.default.db']);
    assert.match(bad[0]!.reason, /does not start with SQLite's header/);
    assert.deepEqual(store.unreadablePartitions!({ from: everything.from, to: Date.parse('2026-11-19T00:00:00Z') }), []);
    await store.close();
  });
});

test('an event with a value JSON cannot encode fails alone; the rest of its batch is stored', async () => {
  await withDir(async (dir) => {
    for (const writerThread of [true, false]) {
      const store = await openSqliteStore({ dataDir: path.join(dir, String(writerThread)), now: () => NOW, writerThread });
      // A BigInt reaches the store only through its API, never over HTTP.
      const bad = event('big', NOW, { 'bytes.sent': 10n as unknown as number });
      const res = await store.write([event('a', NOW), bad, event('big', NOW - 1), event('b', NOW - 2)]);
      assert.deepEqual(res.errors.map((e) => e.index), [1]);
      assert.match(res.errors[0]?.reason ?? '', /cannot be stored/);
      // The failed event does not make a later one with its id a duplicate.
      assert.equal(res.stored, 3);
      assert.deepEqual(res.storedIndexes, [0, 2, 3]);
      assert.deepEqual((await store.search({ ...everything, limit: 10 })).hits.map((h) => h['event.id']), ['a', 'big', 'b']);
      await store.close();
    }
  });
});

test('partition stats follow writes from either thread', async () => {
  await withDir(async (dir) => {
    for (const writerThread of [true, false]) {
      const store = await openSqliteStore({ dataDir: path.join(dir, String(writerThread)), now: () => NOW, writerThread });
      await store.write([event('a', NOW)]);
      assert.deepEqual((await store.partitions()).map((p) => p.events), [1]);
      await store.write([event('b', NOW - 10), event('c', NOW - 20)]);
      const [part] = await store.partitions();
      assert.equal(part?.events, 3);
      assert.equal(part?.oldest, NOW - 20);
      await store.close();
    }
  });
});

test('when the writer thread dies, writes fail with LS_STORE_WRITE_FAILED and health says why', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    await store.write([event('a', NOW)]);
    // Kill the real worker thread, as a crash would.
    const writer = (store as unknown as { writer: { worker: { terminate(): Promise<number> } } }).writer;
    await writer.worker.terminate();
    await assert.rejects(store.write([event('b', NOW)]), (err) => isStoreError(err, 'LS_STORE_WRITE_FAILED'));
    const health = await store.health();
    assert.equal(health.ok, false);
    assert.match(health.reason ?? '', /writer thread/);
    // Reads still work on this thread.
    assert.equal(await store.count(everything), 1);
    await store.close();
  });
});

test('planner statistics are taken as a partition grows, so the rarer of two indexed fields leads', async () => {
  await withDir(async (dir) => {
    const store = await openSqliteStore({ dataDir: dir, now: () => NOW, writerThread: false, readerThreads: 0 });
    // user_id u1 is on every event, logger "rare" on one in twenty.
    for (let b = 0; b < 6; b++) {
      const batch = Array.from({ length: 2000 }, (_, i) =>
        event(`a-${b}-${i}`, NOW - (b * 2000 + i) * 1000, { user_id: 'u1', logger: i % 20 === 0 ? 'rare' : `noisy-${i % 3}` }),
      );
      await store.write(batch);
      // Statistics are refreshed after the answers, on a later turn.
      await new Promise((r) => setImmediate(r));
    }
    await store.close();
    const db = new Database(path.join(dir, 'sqlite', '2026-11-23.default.db'), { readonly: true });
    try {
      const analyzed = Number((db.prepare("SELECT value FROM meta WHERE key = 'analyzed_rows'").get() as { value: string }).value);
      // Taken at >= 5000 rows and again once doubled.
      assert.ok(analyzed >= 10_000, `analyzed at ${analyzed} rows`);
      const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT * FROM events WHERE logger IN ('rare') AND user_id IN ('u1')").all() as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
      assert.match(plan, /events_logger/);
    } finally {
      db.close();
    }
  });
});

test('an idle store checkpoints and truncates its WAL (issue 15 item 10)', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    await store.write(Array.from({ length: 200 }, (_, i) => event(`w${i}`, NOW - i * 1000, { message: `idle checkpoint ${i}`.repeat(20) })));
    const wal = path.join(dir, 'sqlite', '2026-11-23.default.db-wal');
    const walSize = (): number => (fs.existsSync(wal) ? fs.statSync(wal).size : 0);
    const db = fs.statSync(path.join(dir, 'sqlite', '2026-11-23.default.db')).size;
    assert.ok(walSize() > 0, 'the write went to the WAL first');
    const deadline = Date.now() + 10_000;
    while (walSize() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal(walSize(), 0, `WAL still ${walSize()} bytes next to a ${db}-byte database`);
    // Still readable and writable after the checkpoint.
    assert.equal(await store.count(everything), 200);
    await store.write([event('after', NOW)]);
    assert.equal(await store.count(everything), 201);
    await store.close();
  });
});

test('terms past the distinct-values limit answer LS_STORE_TOO_MANY_TERMS, on a reader thread and inline', async () => {
  await withDir(async (dir) => {
    const writer = await open(dir);
    // 9,000 distinct uids over 3 days, 5,000 of them in the oldest (read first): the limit is passed inside its rows.
    const events = Array.from({ length: 9_000 }, (_, i) => event(`t${i}`, NOW - (i < 5_000 ? 2 : i % 2) * DAY_MS - i * 10, { uid: `u${i}`, part: i < 1_500 ? 'few' : 'many' }));
    assert.equal((await writer.write(events)).stored, events.length);
    await writer.close();
    for (const readerThreads of [1, 0]) {
      const store = await openSqliteStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, readerThreads, maxTermsKeys: 2_500 });
      const terms = (text: string) => store.aggregate({ ...everything, from: NOW - 3 * DAY_MS, query: text === '*' ? q.all() : q.term('part', text), agg: { type: 'terms', field: 'uid', size: 3 } });
      await assert.rejects(terms('*'), (err: unknown) => isStoreError(err) && err.code === 'LS_STORE_TOO_MANY_TERMS', `${readerThreads} reader thread(s)`);
      const few = await terms('few');
      assert.ok(few.type === 'terms' && few.other_count === 1_500 - 3, `${readerThreads} reader thread(s)`);
      // Again: the statement left mid-iteration by the first refusal was reset, not left busy.
      await assert.rejects(terms('*'), (err: unknown) => isStoreError(err) && err.code === 'LS_STORE_TOO_MANY_TERMS');
      await store.close();
    }
  });
});
