/**
 * Reads over a range holding a partition file another process holds
 * locked (a connection in exclusive locking mode, as an operator's
 * `sqlite3` session or a backup tool may leave it), in both embedded
 * formats, on the calling thread and on reader threads. A read whose owner
 * keeps a list of what it leaves out (@logship/query read-left-out.ts, as
 * the HTTP API's reads do) answers the other days, its total and
 * aggregations without the locked day, and names it in the list with
 * LS_STORE_PARTITION_LOCKED; one without a list fails as before, and so
 * does a read whose every partition is locked. Until 2026-12-07 every read
 * over the range failed with the 503, though the other days could be read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectingLeftOut, parse, type LeftOutPartition, type LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { isStoreError } from '../store/store-error.js';
import { openSqliteStore } from './open-sqlite-store.js';
import { openBlockStore } from '../blocks/open-block-store.js';

const NOW = Date.parse('2026-02-08T12:00:00.000Z');
const DAY = 86_400_000;
const LOCKED_DAY = '2026-02-06.default.db';
const RANGE = { from: NOW - 4 * DAY, to: NOW + 1000, now: NOW };

function events(tag: string, at: number, n: number): LogEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    '@timestamp': new Date(at - i * 1000).toISOString(),
    'event.id': `${tag}-${i}`,
    level: i % 2 === 0 ? 'info' : 'warning',
    message: `${tag} ${i}`,
    bytes: 10 + i,
  }));
}

/** `read` with a list of what it leaves out in scope, as the HTTP API runs its reads. */
async function listing<T>(read: () => Promise<T>): Promise<{ result: T; leftOut: LeftOutPartition[] }> {
  const leftOut: LeftOutPartition[] = [];
  const result = await collectingLeftOut(leftOut, read);
  return { result, leftOut };
}

const formats = [
  { format: 'rows', open: openSqliteStore, folder: 'sqlite' },
  { format: 'blocks', open: openBlockStore, folder: 'blocks' },
] as const;

// `evicted`: the day's connection was open and closed since (a read over more days than the pool keeps open), so the
// read finds it unopened only as it reaches it, where the read's first listing took it for readable.
const setups = [
  { readerThreads: 0, evicted: false },
  { readerThreads: 0, evicted: true },
  { readerThreads: 2, evicted: false },
] as const;

for (const { format, open, folder } of formats) {
  for (const { readerThreads, evicted } of setups) {
    test(`${format}, ${readerThreads} reader threads${evicted ? ', its connection closed since' : ''}: a read over a range with a locked day answers the other days and names it LS_STORE_PARTITION_LOCKED`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logship-locked-reads-${format}-`));
      const file = path.join(dir, folder, LOCKED_DAY);
      const first = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW });
      try {
        // 6 on the locked day, 5 the day before it and 4 yesterday, all of the default class (one file a day): 9 events readable.
        await first.write([...events('locked', NOW - 2 * DAY, 6), ...events('older', NOW - 3 * DAY, 5), ...events('newer', NOW - DAY, 4)], NOW);
      } finally {
        await first.close();
      }
      const store = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, readerThreads });
      let lock: Database.Database | undefined;
      try {
        if (evicted) {
          assert.equal(await store.count({ ...RANGE, query: parse('*') }), 15);
          (store as unknown as { pool: { closeAll(): void } }).pool.closeAll();
        }
        lock = new Database(file);
        lock.pragma('locking_mode = EXCLUSIVE');
        lock.exec('BEGIN IMMEDIATE; COMMIT');
        const named = (leftOut: LeftOutPartition[]): void => {
          assert.deepEqual(leftOut.map((p) => [p.partition, p.code]), [[LOCKED_DAY, 'LS_STORE_PARTITION_LOCKED']]);
          assert.ok(leftOut[0]!.reason.includes(`${file} is locked by another process`), leftOut[0]!.reason);
        };

        const searched = await listing(() => store.search({ ...RANGE, query: parse('*'), limit: 1000 }));
        assert.deepEqual(searched.result.hits.map((h) => String(h.message).split(' ')[0]).sort(), [...Array(4).fill('newer'), ...Array(5).fill('older')]);
        named(searched.leftOut);
        // A page short of the total: the total counted over the readable days alone.
        const page = await listing(() => store.search({ ...RANGE, query: parse('*'), limit: 2 }));
        assert.deepEqual(page.result.total, { value: 9, relation: 'eq' });
        named(page.leftOut);
        const counted = await listing(() => store.count({ ...RANGE, query: parse('level:info') }));
        assert.equal(counted.result, 5);
        named(counted.leftOut);
        // Terms of every event (the rollups' path) and a histogram of a query (the events' path).
        const terms = await listing(() => store.aggregate({ ...RANGE, query: parse('*'), agg: { type: 'terms', field: 'level', size: 5 } }));
        assert.deepEqual(terms.result.type === 'terms' ? terms.result.buckets.map((b) => [b.key, b.count]) : null, [['info', 5], ['warning', 4]]);
        named(terms.leftOut);
        const histogram = await listing(() => store.aggregate({ ...RANGE, query: parse('level:warning'), agg: { type: 'date_histogram', interval_ms: DAY } }));
        assert.equal(histogram.result.type === 'date_histogram' ? histogram.result.buckets.reduce((n, b) => n + b.count, 0) : -1, 4);
        named(histogram.leftOut);
        if (store.fields) {
          const fields = await listing(() => store.fields!({ ...RANGE, query: parse('*') }));
          assert.equal(fields.result.fields.find((f) => f.name === 'message')?.count, 9);
          named(fields.leftOut);
        }

        // Without a list the read cannot say what it left out: it fails, as before.
        await assert.rejects(store.count({ ...RANGE, query: parse('*') }), (err) => isStoreError(err, 'LS_STORE_PARTITION_LOCKED'));
        // Every partition of the range locked: the retryable failure, not an empty answer.
        const lockedOnly = { from: NOW - 2 * DAY - 3_600_000, to: NOW - 2 * DAY + 1000, now: NOW };
        await assert.rejects(listing(() => store.search({ ...lockedOnly, query: parse('*'), limit: 10 })), (err) => {
          assert.ok(isStoreError(err, 'LS_STORE_PARTITION_LOCKED'), String(err));
          assert.equal(err.statusCode, 503);
          assert.ok(err.message.includes(file), err.message);
          return true;
        });
        // Nothing noted: the file is sound.
        assert.deepEqual(store.unreadablePartitions!(RANGE), []);

        lock.close();
        const whole = await listing(() => store.search({ ...RANGE, query: parse('*'), limit: 1000 }));
        assert.equal(whole.result.hits.length, 15);
        assert.deepEqual(whole.leftOut, []);
      } finally {
        if (lock?.open) lock.close();
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}
