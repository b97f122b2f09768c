/**
 * Row partitions damaged where SQLite's quick_check does not look (the
 * values of rows: a `doc` that is not JSON, a field code doc_keys lacks):
 * reads leave the file out and name it, as they do a file whose pages are
 * damaged, instead of failing whole with a 500 naming nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { isStoreError } from '../store/store-error.js';
import { q } from '../store/contract/ast-builders.js';
import { openSqliteStore } from './open-sqlite-store.js';

const NOW = Date.parse('2026-02-08T12:00:00.000Z');
const DAY = 86_400_000;
const TODAY = '2026-02-08.default.db';

function events(day: number, tag: string): LogEvent[] {
  return Array.from({ length: 50 }, (_, i) => ({
    '@timestamp': new Date(NOW - day * DAY - i * 1000).toISOString(),
    'event.id': `${tag}-${i}`,
    level: 'info',
    message: `${tag} ${i}`,
    'user.id': i,
  }));
}

const damages: [string, string, RegExp][] = [
  ['a row whose doc is not JSON', 'UPDATE events SET doc = \'{"0":\' WHERE rid % 7 = 0', /the fields of event row \d+ are not a JSON object/],
  ['doc_keys emptied', 'DELETE FROM doc_keys', /field code \w+ of stored events is not in doc_keys/],
];

for (const [what, sql, reason] of damages) {
  test(`${what} (quick_check passes): searches, counts and aggregations leave the file out and name it; its day's writes are refused naming it`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-rowcheck-'));
    try {
      let store = await openSqliteStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, readerThreads: 1 });
      await store.write([...events(0, 'today'), ...events(1, 'yesterday')], NOW);
      await store.close();
      const db = new Database(path.join(dir, 'sqlite', TODAY));
      db.exec(sql);
      assert.equal(db.pragma('quick_check', { simple: true }), 'ok');
      db.close();

      store = await openSqliteStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, readerThreads: 1 });
      try {
        const range = { from: NOW - 3 * DAY, to: NOW + 1000, now: NOW };
        // Reads that decode the doc: rows built for a page, a doc field filtered, counted, ranked.
        const found = await store.search({ ...range, query: q.term('user.id', '7'), limit: 10, sort: 'desc' });
        assert.deepEqual(found.hits.map((e) => e.message), ['yesterday 7']);
        const all = await store.search({ ...range, query: q.all(), limit: 100, sort: 'desc' });
        assert.equal(all.hits.length, 50);
        assert.ok(all.hits.every((e) => String(e.message).startsWith('yesterday ')));
        assert.equal(await store.count({ ...range, query: q.gte('user.id', '10') }), 40);
        const pct = await store.aggregate({ ...range, query: q.all(), agg: { type: 'percentiles', field: 'user.id', percents: [50] } });
        assert.equal(pct.type === 'percentiles' ? pct.count : -1, 50);
        const unreadable = store.unreadablePartitions!(range);
        assert.deepEqual(unreadable.map((p) => p.partition), [TODAY]);
        assert.match(unreadable[0]!.reason, reason);
        assert.ok(unreadable[0]!.reason.includes(path.join(dir, 'sqlite', TODAY)), unreadable[0]!.reason);
        // Writes to the damaged day: refused (retryable), naming the file.
        await assert.rejects(store.write(events(0, 'later'), NOW), (err) => isStoreError(err, 'LS_STORE_WRITE_FAILED') && err.retryable && err.message.includes(TODAY));
      } finally {
        await store.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
