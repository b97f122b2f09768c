/**
 * A day's index closed (`POST INDEX/_close`) on a real cluster: the
 * search's wildcard patterns expand to open indices only, so its events
 * were left out of the answer without a word. The read's left-out list
 * (the API answer's `warnings`) now names it, LS_ES_INDEX_CLOSED, with how
 * to open it; search, count and aggregate alike.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@elastic/elasticsearch';
import type { QueryNode } from '@logship/query';
import { collectingLeftOut, type LeftOutPartition } from '@logship/query/core';
import type { LogStore } from '../store/log-store.js';
import { ES_SKIP_REASON, esTestUrl, openTestStore } from './es-test-env.js';
import { indexName } from './index-name.js';

const url = esTestUrl();
const DAY = 86_400_000;
const ALL: QueryNode = { type: 'match_all', loc: { start: 0, end: 0 } };

if (!url) {
  test('a closed index of the range', { skip: ES_SKIP_REASON }, () => {});
} else {
  describe('a closed index of the range, on a real cluster', () => {
    const admin = new Client({ node: url });
    const now = Date.now();
    let store: LogStore & { prefix: string };
    let closed: string;

    before(async () => {
      store = await openTestStore(url);
      await store.write([
        { '@timestamp': new Date(now - 1000).toISOString(), 'event.id': 'today', message: 'today' },
        { '@timestamp': new Date(now - DAY).toISOString(), 'event.id': 'yesterday', message: 'yesterday' },
      ]);
      closed = indexName(store.prefix, 'default', now - DAY);
      await admin.indices.close({ index: closed });
    });

    after(async () => {
      await store.close();
      await admin.close();
    });

    async function collect<T>(read: () => Promise<T>): Promise<{ result: T; said: LeftOutPartition[] }> {
      const said: LeftOutPartition[] = [];
      const result = await collectingLeftOut(said, read);
      return { result, said };
    }

    test('search, count and aggregate answer the open day and name the closed one, with how to open it', async () => {
      const range = { query: ALL, from: now - 2 * DAY, to: now, now };
      const expected = [{
        partition: closed,
        code: 'LS_ES_INDEX_CLOSED',
        reason: `Elasticsearch did not search a closed index: index ${closed} is closed, so its events are left out of this answer; open it with POST ${closed}/_open`,
        message: `Elasticsearch did not search a closed index: index ${closed} is closed, so its events are left out of this answer; open it with POST ${closed}/_open`,
      }];
      const s = await collect(() => store.search({ ...range, limit: 10 }));
      assert.deepEqual(s.result.hits.map((h) => h['event.id']), ['today']);
      assert.deepEqual(s.said, expected);
      const c = await collect(() => store.count(range));
      assert.equal(c.result, 1);
      assert.deepEqual(c.said, expected);
      const a = await collect(() => store.aggregate({ ...range, agg: { type: 'terms', field: 'event.id', size: 10 } }));
      assert.deepEqual(a.said, expected);
    });

    test('a range without the closed day says nothing (a wide one, reading the whole prefix, included); with no list kept, the read answers as before', async () => {
      const today = await collect(() => store.search({ query: ALL, from: now - 60_000, to: now, now, limit: 10 }));
      if (new Date(now - 60_000).toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10)) assert.deepEqual(today.said, []);
      // A range wider than the day patterns reads the whole `<prefix>-*`; the closed day is named, no other.
      const wide = await collect(() => store.count({ query: ALL, from: now - 400 * DAY, to: now, now }));
      assert.deepEqual(wide.said.map((w) => [w.code, w.partition]), [['LS_ES_INDEX_CLOSED', closed]]);
      const before = await collect(() => store.count({ query: ALL, from: now - 400 * DAY, to: now - 3 * DAY, now }));
      assert.deepEqual(before.said, [], 'a closed day outside the range is not the read\'s');
      const res = await store.search({ query: ALL, from: now - 2 * DAY, to: now, now, limit: 10 });
      assert.deepEqual(res.hits.map((h) => h['event.id']), ['today']);
    });

    test('opened, its events are answered again', async () => {
      await admin.indices.open({ index: closed, wait_for_active_shards: 1 });
      // Another range (its own cache entry): yesterday alone.
      const s = await collect(() => store.search({ query: ALL, from: now - DAY - 60_000, to: now - DAY + 60_000, now, limit: 10 }));
      assert.deepEqual(s.result.hits.map((h) => h['event.id']), ['yesterday']);
      assert.deepEqual(s.said, []);
    });
  });
}
