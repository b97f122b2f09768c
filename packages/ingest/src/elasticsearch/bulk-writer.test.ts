/**
 * The bulk writer and the store's write path against a real Elasticsearch:
 * duplicates, permanent per-event failures, retry of 429s, and a cluster
 * that cannot be reached.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@elastic/elasticsearch';
import type { LogEvent } from '@logship/query';
import { bulkWrite, type BulkItem } from './bulk-writer.js';
import { isEsError } from './es-error.js';
import { eventToDocument } from './event-document.js';
import { ES_SKIP_REASON, esTestUrl, openTestStore, dropStoreData } from './es-test-env.js';
import { indexName } from './index-name.js';
import { installIndexTemplate } from './index-template.js';
import { openElasticsearchStore } from './open-elasticsearch-store.js';
import { closedPort } from '../testing/closed-port.js';

const url = esTestUrl();
const NOW = Date.parse('2026-11-23T12:00:00.000Z');

function event(i: number, extra: Partial<LogEvent> = {}): LogEvent {
  return { '@timestamp': new Date(NOW - i * 1000).toISOString(), 'event.id': `bw-${i}`, level: 'info', message: `line ${i}`, ...extra };
}

describe('unreachable Elasticsearch', () => {
  test('opening a store fails with the retryable LS_ES_UNAVAILABLE', async () => {
    const port = await closedPort();
    await assert.rejects(
      openElasticsearchStore({ url: `http://127.0.0.1:${port}`, requestTimeoutMs: 2000 }),
      (err: unknown) => isEsError(err, 'LS_ES_UNAVAILABLE') && err.retryable && (err.retryAfterS ?? 0) > 0,
    );
  });

  test('a bulk write fails with LS_ES_UNAVAILABLE after its retries', async () => {
    const port = await closedPort();
    const client = new Client({ node: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const retries: number[] = [];
    try {
      const items: BulkItem[] = [{ index: 0, id: 'x', indexName: 'nowhere-default-2026.11.23', doc: eventToDocument(event(0), 'default') }];
      await assert.rejects(
        bulkWrite(client, items, { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, onRetry: (r) => void retries.push(r.attempt) }),
        (err: unknown) => isEsError(err, 'LS_ES_UNAVAILABLE'),
      );
      assert.deepEqual(retries, [1, 2]);
    } finally {
      await client.close();
    }
  });

  test('bad options are rejected before connecting', async () => {
    await assert.rejects(openElasticsearchStore({ url: 'ftp://x' }), (err: unknown) => isEsError(err, 'LS_ES_BAD_OPTIONS'));
    await assert.rejects(openElasticsearchStore({ url: 'http://127.0.0.1:1', indexPrefix: 'Bad-Prefix' }), (err: unknown) =>
      isEsError(err, 'LS_ES_BAD_OPTIONS'),
    );
    await assert.rejects(openElasticsearchStore({ url: 'http://127.0.0.1:1', username: 'u' }), (err: unknown) => isEsError(err, 'LS_ES_BAD_OPTIONS'));
  });
});

if (!url) {
  test('Elasticsearch bulk writer', { skip: ES_SKIP_REASON }, () => {});
} else {
  describe('bulk writes on a real Elasticsearch', () => {
    const prefix = `lstest_bulk_${process.pid}`;
    const client = new Client({ node: url });
    before(async () => {
      await installIndexTemplate(client, { prefix, shards: 1, replicas: 0, totalFieldsLimit: 1000 });
    });
    after(async () => {
      await client.close();
      await dropStoreData(url, prefix);
    });

    test('429 items are retried, and succeed once the cluster accepts them again', async () => {
      const index = indexName(prefix, 'default', NOW);
      await client.indices.create({ index });
      // The flood-stage block answers every write with 429, as an overloaded
      // or full cluster does.
      await client.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': true } });
      const items: BulkItem[] = [0, 1, 2].map((i) => ({ index: i, id: `r-${i}`, indexName: index, doc: eventToDocument(event(i), 'default') }));
      const seen: string[] = [];
      const outcome = await bulkWrite(client, items, {
        attempts: 4,
        baseDelayMs: 1,
        maxDelayMs: 5,
        onRetry: async (r) => {
          seen.push(r.reason);
          if (seen.length === 2) await client.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': null } });
        },
      });
      assert.deepEqual(outcome, { stored: 3, duplicates: 0, errors: [], storedIndexes: [0, 1, 2], indices: [index] });
      assert.equal(seen.length, 2);
      assert.match(seen[0] ?? '', /cluster_block_exception/);
      const again = await bulkWrite(client, items);
      assert.deepEqual(again, { stored: 0, duplicates: 3, errors: [], storedIndexes: [], indices: [index] });
    });

    test('429 items that never clear make the write fail as unavailable', async () => {
      const index = indexName(prefix, 'blocked', NOW);
      await client.indices.create({ index });
      await client.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': true } });
      const items: BulkItem[] = [{ index: 0, id: 'b-0', indexName: index, doc: eventToDocument(event(0), 'blocked') }];
      await assert.rejects(bulkWrite(client, items, { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 }), (err: unknown) =>
        isEsError(err, 'LS_ES_UNAVAILABLE'),
      );
      await client.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': null } });
    });
  });

  describe('ElasticsearchStore.write on a real Elasticsearch', () => {
    test('a value Elasticsearch rejects is reported for that event only', async () => {
      const store = await openTestStore(url, { now: () => NOW });
      try {
        // JavaScript parses this date; Elasticsearch's strict ISO format does not.
        const res = await store.write([event(1), event(2, { '@timestamp': '2026-11-23 11:00:00' }), event(3)]);
        assert.equal(res.stored, 2);
        assert.deepEqual(res.errors.map((e) => e.index), [1]);
        assert.match(res.errors[0]?.reason ?? '', /@timestamp/);
      } finally {
        await store.close();
      }
    });

    test('a field explosion is bounded: fields past the limit are kept but not indexed, nothing is rejected', async () => {
      const store = await openTestStore(url, { now: () => NOW, totalFieldsLimit: 100 });
      try {
        const wide: LogEvent = event(1);
        for (let i = 0; i < 300; i++) wide[`f${i}`] = i % 2 ? `v${i}` : i;
        const res = await store.write([wide]);
        assert.deepEqual(res, { stored: 1, duplicates: 0, expired: 0, errors: [], storedIndexes: [0] });
        const page = await store.search({ query: { type: 'match_all', loc: { start: 0, end: 0 } }, from: 0, to: NOW, limit: 5, now: NOW });
        assert.deepEqual(page.hits, [wide]);
        // Readiness names fields past the limit: queries on them find nothing.
        const health = await store.health();
        assert.equal(health.ok, true);
        assert.match(health.unindexedFields ?? '', /^1 event since yesterday has fields Elasticsearch keeps but does not index.*: f\d+(, f\d+){9}$/);
      } finally {
        await store.close();
      }
    });

    test('the same field as a number in one event and a string in another: both stored and both found', async () => {
      const store = await openTestStore(url, { now: () => NOW });
      try {
        const res = await store.write([event(1, { status: 200 }), event(2, { status: '200' }), event(3, { status: 'OK' })]);
        assert.equal(res.stored, 3, JSON.stringify(res.errors));
        const loc = { start: 0, end: 0 };
        const page = await store.search({
          query: { type: 'term', field: 'status', value: '200', phrase: false, loc },
          from: 0,
          to: NOW,
          limit: 5,
          now: NOW,
          sort: 'asc',
        });
        assert.deepEqual(page.hits.map((h) => [h['event.id'], h.status]), [['bw-2', '200'], ['bw-1', 200]]);
      } finally {
        await store.close();
      }
    });
  });
}
