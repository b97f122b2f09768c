/**
 * Store behaviour beyond the shared contract: what the mapping does on a real
 * cluster, retention when the configuration changes under existing indices,
 * and how the store reports a cluster it cannot reach.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Client } from '@elastic/elasticsearch';
import { parse, type LogEvent, type QueryNode } from '@logship/query';
import { DAY_MS, DEFAULT_RETENTION } from '../retention/retention-config.js';
import { isStoreError } from '../store/store-error.js';
import { ElasticsearchStore } from './elasticsearch-store.js';
import { isEsError } from './es-error.js';
import { dropStoreData, ES_SKIP_REASON, esTestUrl, openTestStore } from './es-test-env.js';
import { openElasticsearchStore } from './open-elasticsearch-store.js';
import { installIndexTemplate } from './index-template.js';
import { indexName } from './index-name.js';
import { closedPort } from '../testing/closed-port.js';

const url = esTestUrl();
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const loc = { start: 0, end: 0 };
const ALL: QueryNode = { type: 'match_all', loc };

describe('a store whose cluster is unreachable', () => {
  test('health says why, reads and writes fail with LS_ES_UNAVAILABLE, a closed store says so', async () => {
    const client = new Client({ node: `http://127.0.0.1:${await closedPort()}`, maxRetries: 0 });
    const store = new ElasticsearchStore({
      client,
      prefix: 'nowhere',
      retention: DEFAULT_RETENTION,
      now: () => NOW,
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const health = await store.health();
    assert.equal(health.ok, false);
    assert.match(health.reason ?? '', /unreachable/);
    const unavailable = (err: unknown): boolean => isEsError(err, 'LS_ES_UNAVAILABLE') && err.retryable;
    await assert.rejects(store.search({ query: ALL, from: 0, to: NOW, limit: 1, now: NOW }), unavailable);
    await assert.rejects(store.count({ query: ALL, from: 0, to: NOW, now: NOW }), unavailable);
    await assert.rejects(store.write([{ '@timestamp': new Date(NOW).toISOString(), 'event.id': 'a' }]), unavailable);
    await assert.rejects(store.partitions(), unavailable);
    await store.close();
    await assert.rejects(store.search({ query: ALL, from: 0, to: NOW, limit: 1, now: NOW }), (err: unknown) =>
      isStoreError(err, 'LS_STORE_CLOSED'),
    );
    assert.equal((await store.health()).ok, false);
  });
});

describe('a store whose cluster hangs (accepts connections, never answers)', () => {
  test('readiness answers within seconds, not after the 30 s of ordinary requests', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const client = new Client({ node: `http://127.0.0.1:${port}`, requestTimeout: 30_000, maxRetries: 1 });
    const store = new ElasticsearchStore({ client, prefix: 'hung', retention: DEFAULT_RETENTION, now: () => NOW });
    try {
      const started = performance.now();
      const health = await store.health();
      const took = performance.now() - started;
      assert.equal(health.ok, false);
      assert.match(health.reason ?? '', /timed out/i);
      assert.ok(took < 10_000, `readiness took ${Math.round(took)} ms`);
    } finally {
      await store.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

if (!url) {
  test('Elasticsearch store', { skip: ES_SKIP_REASON }, () => {});
} else {
  describe('the Elasticsearch store on a real cluster', () => {
    test('daily indices per class carry the mapping: level normalized, @timestamp a date, message tokens', async () => {
      const store = await openTestStore(url, { now: () => NOW });
      const admin = new Client({ node: url });
      try {
        await store.write([{ '@timestamp': new Date(NOW).toISOString(), 'event.id': 'm1', level: 'error', message: 'Disk FULL on /var', status: 507 }]);
        const index = indexName(store.prefix, 'errors', NOW);
        const mapping = (await admin.indices.getMapping({ index }))[index]?.mappings.properties ?? {};
        assert.deepEqual(mapping.level, { type: 'keyword', normalizer: 'lowercase' });
        assert.equal(mapping['@timestamp']?.type, 'date');
        // Through the normalizer, any case finds it (for people querying the index directly).
        const direct = await admin.count({ index, query: { term: { level: 'Error' } } });
        assert.equal(direct.count, 1);
        const tokens = await admin.count({ index, query: { match_phrase: { '@text': 'full on var' } } });
        assert.equal(tokens.count, 1);
      } finally {
        await admin.close();
        await store.close();
      }
    });

    test('ECS names are aliases on the daily indices, for Kibana and direct queries: message, log.level, host.name, …', async () => {
      const store = await openTestStore(url, { now: () => NOW });
      const admin = new Client({ node: url });
      try {
        await store.write([
          {
            '@timestamp': new Date(NOW).toISOString(),
            'event.id': 'ecs-1',
            level: 'error',
            message: 'Payment FAILED for order 42',
            host: 'pay-1',
            logger: 'payments.api',
            source: '/var/log/pay/app.log',
            'service.name': 'payments',
          },
          { '@timestamp': new Date(NOW).toISOString(), 'event.id': 'ecs-2', level: 'info', message: 'ok', host: 'pay-2' },
        ]);
        const index = `${store.prefix}-*`;
        const one = async (query: Record<string, unknown>): Promise<string[]> => {
          const res = await admin.search({ index, query, _source: false, fields: ['event.id'] });
          return res.hits.hits.map((h) => String(h._id)).sort();
        };
        assert.deepEqual(await one({ term: { 'host.name': 'pay-1' } }), ['ecs-1']);
        assert.deepEqual(await one({ term: { 'log.level': 'ERROR' } }), ['ecs-1']);
        assert.deepEqual(await one({ term: { 'log.logger': 'payments.api' } }), ['ecs-1']);
        assert.deepEqual(await one({ term: { 'log.file.path': '/var/log/pay/app.log' } }), ['ecs-1']);
        assert.deepEqual(await one({ term: { 'service.name': 'payments' } }), ['ecs-1']);
        assert.deepEqual(await one({ term: { message: 'Payment FAILED for order 42' } }), ['ecs-1']);
        assert.deepEqual(await one({ wildcard: { message: '*FAILED*' } }), ['ecs-1']);
        // What Discover shows: the values as stored, under the ECS names.
        const shown = await admin.search({
          index,
          query: { ids: { values: ['ecs-1'] } },
          _source: false,
          fields: ['message', 'log.level', 'host.name', 'log.logger', 'log.file.path', 'service.name'],
        });
        assert.deepEqual(shown.hits.hits[0]?.fields, {
          message: ['Payment FAILED for order 42'],
          'log.level': ['error'],
          'host.name': ['pay-1'],
          'log.logger': ['payments.api'],
          'log.file.path': ['/var/log/pay/app.log'],
          'service.name': ['payments'],
        });
        const caps = await admin.fieldCaps({ index, fields: ['message', 'host.name', 'log.level'] });
        for (const f of ['message', 'host.name', 'log.level']) {
          assert.equal(caps.fields[f]?.keyword?.aggregatable, true, `${f} is aggregatable`);
        }
      } finally {
        await admin.close();
        await store.close();
      }
    });

    test('a 10,000-hit page holds 10,000 hits, with a cursor only when more follow', async () => {
      const store = await openTestStore(url, { now: () => NOW });
      try {
        const events: LogEvent[] = Array.from({ length: 10_001 }, (_, i) => ({
          '@timestamp': new Date(NOW - 1 - i).toISOString(),
          'event.id': `p-${String(i).padStart(5, '0')}`,
          last: i === 10_000,
        }));
        assert.equal((await store.write(events)).stored, events.length);
        const first = await store.search({ query: ALL, from: 0, to: NOW, limit: 10_000, now: NOW });
        assert.equal(first.hits.length, 10_000);
        assert.ok(first.next_cursor);
        const second = await store.search({ query: ALL, from: 0, to: NOW, limit: 10_000, now: NOW, cursor: first.next_cursor });
        assert.deepEqual(second.hits.map((h) => h['event.id']), ['p-10000']);
        assert.equal(second.next_cursor, null);
        // Exactly 10,000 matching: one full page and no cursor.
        const exact = await store.search({ query: parse('last:false'), from: 0, to: NOW, limit: 10_000, now: NOW });
        assert.equal(exact.hits.length, 10_000);
        assert.equal(exact.next_cursor, null);
      } finally {
        await store.close();
      }
    });

    test("readiness fails while today's indices refuse writes (flood-stage disk watermark), and says why", async () => {
      const clock = { now: NOW };
      const store = await openTestStore(url, { now: () => clock.now });
      const admin = new Client({ node: url });
      const block = (value: boolean | null) =>
        admin.indices.putSettings({ index: `${store.prefix}-*`, settings: { 'index.blocks.read_only_allow_delete': value } });
      try {
        await store.write([{ '@timestamp': new Date(NOW).toISOString(), 'event.id': 'ro-1' }]);
        assert.deepEqual(await store.health(), { ok: true });
        await block(true);
        const health = await store.health();
        assert.equal(health.ok, false);
        assert.match(health.reason ?? '', new RegExp(`refuses writes to ${indexName(store.prefix, 'default', NOW).replaceAll('.', '\\.')}`));
        assert.match(health.reason ?? '', /read_only_allow_delete.*flood-stage/);
        // As ingest sees it: the write fails, retryably.
        await assert.rejects(
          store.write([{ '@timestamp': new Date(NOW).toISOString(), 'event.id': 'ro-2' }]),
          (err: unknown) => isEsError(err, 'LS_ES_UNAVAILABLE') && err.retryable,
        );
        // A blocked index of another day does not stop today's writes.
        clock.now = NOW + 2 * DAY_MS;
        assert.deepEqual(await store.health(), { ok: true });
        clock.now = NOW;
        await block(null);
        assert.deepEqual(await store.health(), { ok: true });
      } finally {
        await block(null).catch(() => {});
        await admin.close();
        await store.close();
      }
    });

    // A shared cluster turns red when any index lacks a primary shard. Readiness
    // used to ask the whole cluster's health: another application's red index
    // (or, in CI, another test's) made logship not ready though its own
    // indices took every write.
    test("readiness judges the store's own indices: another prefix's red index leaves it ready, its own does not", async () => {
      const store = await openTestStore(url, { now: () => NOW });
      const admin = new Client({ node: url });
      const held = (index: string) =>
        admin.indices.create({
          index,
          wait_for_active_shards: 0,
          settings: { number_of_shards: 1, number_of_replicas: 0, 'index.routing.allocation.require._name': 'no-such-node' },
        });
      const other = `${store.prefix}_other-held`;
      try {
        await held(other);
        assert.equal((await admin.cluster.health({ index: other })).status, 'red');
        assert.deepEqual(await store.health(), { ok: true });
        await held(`${store.prefix}-held`);
        const health = await store.health();
        assert.equal(health.ok, false);
        assert.equal(health.reason, `indices ${store.prefix}-* of cluster ${(await admin.cluster.health()).cluster_name} are red: a primary shard is not allocated`);
      } finally {
        await admin.indices.delete({ index: other, ignore_unavailable: true }).catch(() => {});
        await admin.close();
        await store.close();
      }
    });

    test('started while the cluster is unreachable: not ready, writes fail retryably, then it recovers with its template', async () => {
      const port = await closedPort();
      const target = new URL(url);
      const store = await openElasticsearchStore({
        url: `http://127.0.0.1:${port}`,
        indexPrefix: `lstest_late_${process.pid}`,
        replicas: 0,
        now: () => NOW,
        startWhenUnavailable: true,
        retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
      });
      // The cluster "comes back": a plain TCP relay to the real node on that port.
      const relay = net.createServer((socket) => {
        const upstream = net.connect(Number(target.port), target.hostname);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      try {
        assert.equal((await store.health()).ok, false);
        const e = { '@timestamp': new Date(NOW).toISOString(), 'event.id': 'late-1', status: 'x' };
        await assert.rejects(store.write([e]), (err: unknown) => isEsError(err, 'LS_ES_UNAVAILABLE'));
        await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
        assert.deepEqual(await store.write([e]), { stored: 1, duplicates: 0, expired: 0, errors: [], storedIndexes: [0] });
        assert.deepEqual(await store.health(), { ok: true });
        const admin = new Client({ node: url });
        try {
          const index = indexName(`lstest_late_${process.pid}`, 'default', NOW);
          const mapping = (await admin.indices.getMapping({ index }))[index]?.mappings;
          // The index was created from the template, not by dynamic mapping.
          assert.equal(mapping?.dynamic, 'strict');
        } finally {
          await admin.close();
        }
      } finally {
        await store.close();
        relay.close();
        await dropStoreData(url, `lstest_late_${process.pid}`);
      }
    });

    test('events of a class removed from the configuration age by the default retention', async () => {
      const at = (days: number): string => new Date(NOW - days * DAY_MS).toISOString();
      const events: LogEvent[] = [
        { '@timestamp': at(20), 'event.id': 'audit-20', logger: 'audit' },
        { '@timestamp': at(5), 'event.id': 'audit-5', logger: 'audit' },
      ];
      const withAudit = {
        default_days: 10,
        classes: [{ name: 'audit', match: 'logger:audit', days: 365 }],
        check_interval_s: 60,
      };
      const first = await openTestStore(url, { now: () => NOW, retention: withAudit });
      try {
        assert.equal((await first.write(events)).stored, 2);
        // A server restarted without the audit class (replacing the prefix's policy): same indices, new policy.
        const second = await openTestStore(url, { now: () => NOW, indexPrefix: first.prefix, retention: { ...withAudit, classes: [] }, retentionOverwrite: true });
        const page = await second.search({ query: ALL, from: 0, to: NOW, limit: 10, now: NOW });
        assert.deepEqual(page.hits.map((h) => h['event.id']), ['audit-5']);
        const parts = await second.partitions(NOW);
        assert.deepEqual(parts.map((p) => [p.class, p.day, p.expired]), [
          ['audit', at(5).slice(0, 10), false],
          ['audit', at(20).slice(0, 10), true],
        ]);
        const run = await second.enforceRetention(NOW);
        assert.deepEqual(run.partitionsDropped, [indexName(first.prefix, 'audit', NOW - 20 * DAY_MS)]);
        assert.equal(run.eventsRemoved, 1);
      } finally {
        await first.close();
      }
    });

    test('a prefix policy in the cluster that is not a retention section: the config applies, with a warning', async () => {
      const prefix = `lstest_badpolicy_${process.pid}`;
      const admin = new Client({ node: url });
      const notices: string[] = [];
      try {
        // Someone edited the document by hand.
        await admin.index({ index: `${prefix}-meta`, id: 'retention', document: { '@event': { default_days: 'thirty' } }, refresh: true });
        const store = await openElasticsearchStore({
          url, indexPrefix: prefix, replicas: 0, now: () => NOW, retention: { ...DEFAULT_RETENTION, default_days: 12 },
          onRetentionNotice: (level, message) => notices.push(`${level}: ${message}`),
        });
        try {
          const inForce = store.retentionInForce?.();
          assert.equal(inForce?.from, 'config');
          assert.equal(inForce?.default_days, 12);
          assert.match(inForce?.detail ?? '', /is invalid/);
          assert.ok(notices.some((n) => /^warn: The retention policy in .*-meta cannot be used/.test(n)), notices.join('\n'));
          // Not replaced behind the operator's back: only retention_overwrite does that.
          const doc = await admin.get<{ '@event': { default_days: unknown } }>({ index: `${prefix}-meta`, id: 'retention' });
          assert.equal(doc._source?.['@event'].default_days, 'thirty');
        } finally {
          await store.close();
        }
      } finally {
        await dropStoreData(url, prefix);
        await admin.close();
      }
    });

    test('a write is searchable as soon as it resolves, even with scheduled refreshes off, for concurrent writes too', async () => {
      const store = await openTestStore(url, { now: () => NOW });
      const admin = new Client({ node: url });
      const at = new Date(NOW).toISOString();
      try {
        // The index exists first, then stops refreshing on its own: only the
        // store's explicit refresh can make the later writes visible.
        await store.write([{ '@timestamp': at, 'event.id': 'ryw-0' }]);
        await admin.indices.putSettings({ index: `${store.prefix}-*`, settings: { refresh_interval: '-1' } });
        // Several writes at once: some ask for a refresh while another runs
        // and must be served by a later one.
        const writes = Array.from({ length: 6 }, async (_, w) => {
          const ids = Array.from({ length: 50 }, (_, i) => `ryw-${w}-${i}`);
          const res = await store.write(ids.map((id) => ({ '@timestamp': at, 'event.id': id, writer: w })));
          assert.equal(res.stored, ids.length);
          assert.equal(await store.count({ query: parse(`writer:${w}`), from: 0, to: NOW + 1, now: NOW }), ids.length, `writer ${w} reads its own writes`);
        });
        await Promise.all(writes);
        assert.equal(await store.count({ query: ALL, from: 0, to: NOW + 1, now: NOW }), 301);
      } finally {
        await admin.close();
        await store.close();
      }
    });

    describe('when the refresh after a write fails', () => {
      const prefix = `lstest_refresh_${process.pid}`;
      const at = new Date(NOW).toISOString();

      async function storeWithRefresh(failures: number): Promise<{
        store: ElasticsearchStore;
        reports: { indices: string[]; error: Error }[];
        refreshCalls: () => number;
      }> {
        const client = new Client({ node: url! });
        await installIndexTemplate(client, { prefix, shards: 1, replicas: 0, totalFieldsLimit: 1000 });
        const reports: { indices: string[]; error: Error }[] = [];
        let calls = 0;
        const realRefresh = client.indices.refresh.bind(client.indices);
        // The bulk requests reach the real cluster; only _refresh fails, the
        // way a role without the maintenance privilege or an overloaded
        // cluster makes it fail.
        client.indices.refresh = (async (...args: Parameters<typeof realRefresh>) => {
          calls++;
          if (calls <= failures) throw Object.assign(new Error('refresh refused'), { statusCode: 503 });
          return realRefresh(...args);
        }) as typeof client.indices.refresh;
        const store = new ElasticsearchStore({
          client,
          prefix,
          retention: DEFAULT_RETENTION,
          now: () => NOW,
          onRefreshError: (info) => reports.push(info),
        });
        return { store, reports, refreshCalls: () => calls };
      }

      afterEach(async () => {
        await dropStoreData(url, prefix);
      });

      test('once: it is tried again, and the write is searchable when it resolves', async () => {
        const { store, reports, refreshCalls } = await storeWithRefresh(1);
        try {
          assert.deepEqual(await store.write([{ '@timestamp': at, 'event.id': 'rf-1' }]), { stored: 1, duplicates: 0, expired: 0, errors: [], storedIndexes: [0] });
          assert.equal(refreshCalls(), 2);
          assert.deepEqual(reports, []);
          assert.equal(await store.count({ query: ALL, from: 0, to: NOW + 1, now: NOW }), 1);
          assert.equal(store.seesAcknowledgedWrites(), true, 'every acknowledged write was refreshed');
        } finally {
          await store.close();
        }
      });

      test('twice: the write still succeeds (it is durable), and the failure is reported with its indices', async () => {
        const { store, reports, refreshCalls } = await storeWithRefresh(2);
        const admin = new Client({ node: url });
        try {
          assert.deepEqual(await store.write([{ '@timestamp': at, 'event.id': 'rf-2' }]), { stored: 1, duplicates: 0, expired: 0, errors: [], storedIndexes: [0] });
          assert.equal(refreshCalls(), 2);
          assert.equal(reports.length, 1);
          assert.deepEqual(reports[0]!.indices, [indexName(prefix, 'default', NOW)]);
          assert.match(reports[0]!.error.message, /refresh refused/);
          // Acknowledged and not searchable: the query API must not give commit marks (http/commit-mark.ts).
          assert.equal(store.seesAcknowledgedWrites(), false);
          // Stored all along: any later refresh (the scheduled one, here an explicit one) shows it.
          await admin.indices.refresh({ index: `${prefix}-*` });
          assert.equal(await store.count({ query: ALL, from: 0, to: NOW + 1, now: NOW }), 1);
          // The next write's refresh works again.
          await store.write([{ '@timestamp': at, 'event.id': 'rf-3' }]);
          assert.equal(refreshCalls(), 3);
          assert.equal(await store.count({ query: ALL, from: 0, to: NOW + 1, now: NOW }), 2);
          assert.equal(store.seesAcknowledgedWrites(), false, 'for as long as the store runs');
        } finally {
          await admin.close();
          await store.close();
        }
      });
    });
  });
}
