/**
 * An index blocked for reads (`PUT INDEX/_block/read`) on a real cluster:
 * Elasticsearch answers the store's search 403 `cluster_block_exception`,
 * which was said as LS_ES_AUTH, "refused the credentials or their
 * privileges", though no credential is involved (the test cluster has
 * none). It is LS_ES_INDEX_BLOCKED, naming the index, what the block stops,
 * Elasticsearch's reason and the setting that lifts it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@elastic/elasticsearch';
import type { LogStore } from '../store/log-store.js';
import type { QueryNode } from '@logship/query';
import { isEsError } from './es-error.js';
import { ES_SKIP_REASON, esTestUrl, openTestStore } from './es-test-env.js';
import { indexName, indexPattern } from './index-name.js';

const url = esTestUrl();
const ALL: QueryNode = { type: 'match_all', loc: { start: 0, end: 0 } };

if (!url) {
  test('an index blocked for reads', { skip: ES_SKIP_REASON }, () => {});
} else {
  describe('an index blocked for reads, on a real cluster', () => {
    const client = new Client({ node: url });
    let store: LogStore & { prefix: string };
    let index: string | undefined;
    const now = Date.now();

    before(async () => {
      store = await openTestStore(url);
      const written = await store.write([{ '@timestamp': new Date(now - 1000).toISOString(), 'event.id': 'blocked-0', level: 'info', message: 'in a blocked index' }]);
      assert.equal(written.stored, 1);
      index = indexName(store.prefix, 'default', now - 1000);
      assert.ok(index in (await client.indices.get({ index: indexPattern(store.prefix) })), `no index ${index}`);
      await client.indices.addBlock({ index, block: 'read' });
    });

    after(async () => {
      // The block lifted before the store's indices are deleted.
      if (index !== undefined) await client.indices.putSettings({ index, settings: { 'index.blocks.read': false } });
      await store.close();
      await client.close();
    });

    test('a search says the index is blocked for reads, with its name and Elasticsearch\'s reason, not refused credentials', async () => {
      await assert.rejects(store.search({ query: ALL, from: now - 3_600_000, to: now, now, limit: 10 }), (err: unknown) => {
        assert.ok(isEsError(err), String(err));
        assert.equal(err.code, 'LS_ES_INDEX_BLOCKED', err.message);
        assert.equal(err.message, `Elasticsearch refused the operation on a blocked index: index ${index} is blocked for reads (FORBIDDEN/7/index read (api)); lift it with PUT ${index}/_settings {"index.blocks.read": false}`);
        assert.doesNotMatch(err.message, /credentials/);
        return true;
      });
    });

    test('lifted, the same search answers', async () => {
      await client.indices.putSettings({ index: index!, settings: { 'index.blocks.read': false } });
      const res = await store.search({ query: ALL, from: now - 3_600_000, to: now, now, limit: 10 });
      assert.deepEqual(res.hits.map((h) => h['event.id']), ['blocked-0']);
    });
  });
}

if (url) {
  // A write block on today's index refuses each item inside a 200 bulk
  // answer (403 cluster_block_exception per item), which the bulk writer
  // reported as that event's permanent rejection: the agent dropped it.
  describe('an index blocked for writes, on a real cluster', () => {
    const client = new Client({ node: url });
    let store: LogStore & { prefix: string };
    let index: string | undefined;
    const now = Date.now();

    before(async () => {
      store = await openTestStore(url);
      const written = await store.write([{ '@timestamp': new Date(now - 1000).toISOString(), 'event.id': 'wblocked-0', level: 'info', message: 'before the block' }]);
      assert.equal(written.stored, 1);
      index = indexName(store.prefix, 'default', now - 1000);
      await client.indices.addBlock({ index, block: 'write' });
    });

    after(async () => {
      if (index !== undefined) await client.indices.putSettings({ index, settings: { 'index.blocks.write': false } });
      await store.close();
      await client.close();
    });

    test('a write into it throws LS_ES_INDEX_BLOCKED (retryable, so the agent holds the batch), with the words of a whole request\'s 403', async () => {
      const events = [{ '@timestamp': new Date(now - 500).toISOString(), 'event.id': 'wblocked-1', level: 'info', message: 'during the block' }];
      await assert.rejects(store.write(events), (err: unknown) => {
        assert.ok(isEsError(err), String(err));
        assert.equal(err.code, 'LS_ES_INDEX_BLOCKED', err.message);
        assert.equal(err.retryable, true);
        assert.equal(err.message, `Elasticsearch refused the operation on a blocked index: index ${index} is blocked for writes (FORBIDDEN/8/index write (api)); lift it with PUT ${index}/_settings {"index.blocks.write": false}`);
        return true;
      });
    });

    test('lifted, the same event is stored', async () => {
      await client.indices.putSettings({ index: index!, settings: { 'index.blocks.write': false } });
      const written = await store.write([{ '@timestamp': new Date(now - 500).toISOString(), 'event.id': 'wblocked-1', level: 'info', message: 'during the block' }]);
      assert.equal(written.stored, 1);
      assert.deepEqual(written.errors, []);
    });
  });
}
