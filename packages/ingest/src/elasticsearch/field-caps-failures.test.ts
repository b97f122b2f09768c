/**
 * A field-name pattern (`http.*:500`) over a range where one day's index
 * has no active shard copy (created with an allocation filter no node
 * meets, as a day whose node is gone), on a real cluster: `_field_caps`
 * answers 200 with the other index's fields and that index in `failures`.
 * The store answers what the other day holds and says, in the read's
 * left-out list (the API answer's `warnings`), that the pattern's fields
 * could not be listed on that index (LS_ES_FIELDS_FAILED), beside the
 * search's own shard failure there; it said only the latter. The day alone
 * is a coded 503, never a 200 with nothing nor a 500.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@elastic/elasticsearch';
import { parse } from '@logship/query';
import { collectingLeftOut, type LeftOutPartition } from '@logship/query/core';
import { ES_SKIP_REASON, esTestUrl, openTestStore } from './es-test-env.js';
import { fieldCapsWarnings } from './field-caps-failures.js';
import { indexName } from './index-name.js';
import type { LogStore } from '../store/log-store.js';

const url = esTestUrl();
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T12:00:00.000Z');

test('fieldCapsWarnings: one per failed index, the cause unwrapped from its `error`, the patterns read when none is named', () => {
  assert.deepEqual(fieldCapsWarnings({ indices: ['a'] }, 'p-*'), []);
  const said = fieldCapsWarnings({
    indices: ['a'],
    failed_indices: 2,
    failures: [
      { indices: ['b', 'c'], failure: { type: 'x', error: { type: 'no_shard_available_action_exception', reason: 'index [b] has no active shard copy' } } },
      { failure: { type: 'circuit_breaking_exception', reason: 'too much' } },
    ],
  }, 'p-*');
  assert.deepEqual(said.map((w) => [w.code, w.partition]), [['LS_ES_FIELDS_FAILED', 'b'], ['LS_ES_FIELDS_FAILED', 'c'], ['LS_ES_FIELDS_FAILED', 'p-*']]);
  assert.match(said[0]!.message, /^Elasticsearch could not list the fields of every index: index b: no_shard_available_action_exception: index \[b\] has no active shard copy; the fields only it maps/);
  assert.match(said[2]!.message, /index p-\*: circuit_breaking_exception: too much;/);
});

if (!url) {
  test('field_caps failures', { skip: ES_SKIP_REASON }, () => {});
} else {
  describe('a field-name pattern over an index with no active shard copy', () => {
    let store: LogStore & { prefix: string };
    let downIndex: string;
    const admin = new Client({ node: url });
    const range = { from: NOW - DAY - 3_600_000, to: NOW, now: NOW };

    before(async () => {
      store = await openTestStore(url, { now: () => NOW });
      await store.write([
        { '@timestamp': new Date(NOW - 1000).toISOString(), 'event.id': 't1', message: 'today 500', 'http.status': 500 },
        { '@timestamp': new Date(NOW - 2000).toISOString(), 'event.id': 't2', message: 'today 200', 'http.status': 200 },
      ]);
      downIndex = indexName(store.prefix, 'default', NOW - DAY);
      // Its one shard can go to no node: the index exists, red, with no copy to read.
      await admin.indices.create({
        index: downIndex,
        wait_for_active_shards: 0,
        settings: { number_of_shards: 1, number_of_replicas: 0, 'index.routing.allocation.require._name': 'no-such-node' },
      });
    });

    after(async () => {
      // First: the cluster is red while it exists, and other suites share it.
      await admin.indices.delete({ index: downIndex }, { ignore: [404] });
      await store.close();
      await admin.close();
    });

    async function collect<T>(read: () => Promise<T>): Promise<{ result: T; said: LeftOutPartition[] }> {
      const said: LeftOutPartition[] = [];
      const result = await collectingLeftOut(said, read);
      return { result, said };
    }

    test('search and count answer today\'s event and say the index whose fields could not be listed', async () => {
      const query = parse('http.*:500');
      const s = await collect(() => store.search({ ...range, query, limit: 10 }));
      assert.deepEqual(s.result.hits.map((h) => h['event.id']), ['t1']);
      const fields = s.said.filter((w) => w.code === 'LS_ES_FIELDS_FAILED');
      assert.deepEqual(fields.map((w) => w.partition), [downIndex], JSON.stringify(s.said));
      assert.match(fields[0]!.message ?? '', new RegExp(`^Elasticsearch could not list the fields of every index: index ${downIndex}: no_shard_available_action_exception: .*left out of this answer$`));
      // The search's own failure on that index is said too, as before.
      assert.ok(s.said.some((w) => w.code === 'LS_ES_SHARDS_FAILED' && w.partition === downIndex), JSON.stringify(s.said));

      const c = await collect(() => store.count({ ...range, query }));
      assert.equal(c.result, 1);
      assert.deepEqual(c.said.filter((w) => w.code === 'LS_ES_FIELDS_FAILED').map((w) => w.partition), [downIndex]);
    });

    test('over that day alone: a coded 503 (LS_ES_UNAVAILABLE), not an answer', async () => {
      const day = { from: NOW - DAY - 3_600_000, to: NOW - DAY + 3_600_000, now: NOW };
      await assert.rejects(
        collect(() => store.search({ ...day, query: parse('http.*:500'), limit: 10 })),
        (err: Error & { code?: string; statusCode?: number }) => {
          assert.equal(err.code, 'LS_ES_UNAVAILABLE', err.message);
          assert.equal(err.statusCode, 503);
          return true;
        },
      );
    });
  });
}
