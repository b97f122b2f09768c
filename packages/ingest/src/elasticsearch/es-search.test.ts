/**
 * Projected searches (`fields`) on a real cluster: Elasticsearch sends only
 * the fields asked (seen in the responses the client receives), and every
 * field name, even one `_source` filtering cannot find as it is, is
 * answered exactly as from the whole event.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@elastic/elasticsearch';
import { parse, type LogEvent, type QueryNode } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { ElasticsearchStore } from './elasticsearch-store.js';
import { dropStoreData, ES_SKIP_REASON, esTestUrl } from './es-test-env.js';
import { SOURCE_FIELD, sourceIncludes } from './event-document.js';
import { installIndexTemplate } from './index-template.js';

const url = esTestUrl();
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const ALL: QueryNode = { type: 'match_all', loc: { start: 0, end: 0 } };
const RANGE = { query: ALL, from: NOW - 3_600_000, to: NOW, now: NOW, limit: 10 };

/** Names `_source` filtering finds as they are, and names it may miss (event-document.ts FILTERABLE_NAME). */
const ODD_NAMES = ['a.', 'tail ', 'tab\t', 'x\\y', 'st*r', '.lead', 'a..b', '', 'ü.ß', 'sp ace', 'q"uote', '__proto__'];

test('sourceIncludes: the keys of @event a projection needs, or all of @event when a name cannot be filtered as it is', () => {
  assert.deepEqual(sourceIncludes(undefined), [SOURCE_FIELD]);
  assert.deepEqual(sourceIncludes([]), ['@event.@timestamp', '@event.event.id']);
  assert.deepEqual(sourceIncludes(['level', 'http.method', 'level', '@timestamp']), [
    '@event.@timestamp',
    '@event.event.id',
    '@event.level',
    '@event.http.method',
  ]);
  for (const odd of ['a.', 'tail ', 'tab\t', 'x\\y', 'st*r', '.lead', 'a..b', '']) {
    assert.deepEqual(sourceIncludes(['level', odd]), [SOURCE_FIELD], JSON.stringify(odd));
  }
});

if (!url) {
  test('es-search projection', { skip: ES_SKIP_REASON }, () => {});
} else {
  describe('a projected search', () => {
    const prefix = `lstest_projection_${process.pid}`;
    const client = new Client({ node: url });
    /** The `_source` of every hit the cluster sent for a search, as the client received it. */
    let received: Record<string, unknown>[] = [];
    client.diagnostic.on('response', (_err, result) => {
      if (!result?.meta.request.params.path.endsWith('/_search')) return;
      const hits = (result.body as { hits?: { hits?: { _source?: Record<string, unknown> }[] } }).hits?.hits ?? [];
      for (const hit of hits) received.push(hit._source ?? {});
    });
    const store = new ElasticsearchStore({
      client,
      prefix,
      retention: DEFAULT_RETENTION,
      now: () => NOW,
      installTemplate: () => installIndexTemplate(client, { prefix, shards: 1, replicas: 0, totalFieldsLimit: 1000 }),
    });
    const at = (s: number): string => new Date(NOW - s * 1000).toISOString();
    // A Python traceback of 200 KB: what a projected search must not carry.
    const trace = 'Traceback (most recent call last):\n'.padEnd(200_000, '  File "app.py", line 1, in handler\n');
    const big: LogEvent = { '@timestamp': at(1), 'event.id': 'big', level: 'error', status: 500, 'http.method': 'GET', exc_info: trace };
    const odd: LogEvent = { '@timestamp': at(2), 'event.id': 'odd', http: 'h', 'http.method': 'POST', level: 'info' };
    ODD_NAMES.forEach((name, i) => Object.defineProperty(odd, name, { value: `v${i}`, enumerable: true, writable: true }));

    before(async () => {
      assert.equal((await store.write([big, odd])).stored, 2);
    });
    after(async () => {
      await store.close();
      await dropStoreData(url, prefix);
    });

    test('receives only the fields asked from the cluster, not a large one it did not ask for', async () => {
      received = [];
      const res = await store.search({ ...RANGE, fields: ['level', 'status'] });
      assert.deepEqual(res.hits, [
        { '@timestamp': big['@timestamp'], 'event.id': 'big', level: 'error', status: 500 },
        { '@timestamp': odd['@timestamp'], 'event.id': 'odd', level: 'info' },
      ]);
      assert.equal(received.length, 2);
      for (const source of received) {
        const keys = Object.keys(source[SOURCE_FIELD] as object);
        assert.deepEqual(keys.filter((k) => !['@timestamp', 'event.id', 'level', 'status'].includes(k)), [], 'fields not asked for');
        assert.ok(JSON.stringify(source).length < 1000, `a projected hit of ${JSON.stringify(source).length} characters`);
      }
      // Without a projection, the whole event comes, traceback and all.
      received = [];
      const whole = await store.search({ ...RANGE, query: parse('event.id:big') });
      assert.deepEqual(whole.hits, [big]);
      assert.ok(JSON.stringify(received).length > trace.length);
    });

    test('answers every field name as the whole event does, those filtering cannot find as they are too', async () => {
      for (const fields of [...ODD_NAMES.map((n) => [n]), ['http'], ['http.method'], ['level', 'ü.ß', 'sp ace'], ['nope'], ODD_NAMES]) {
        const res = await store.search({ ...RANGE, fields, query: parse('event.id:odd') });
        const expected: LogEvent = { '@timestamp': odd['@timestamp'], 'event.id': 'odd' };
        for (const f of fields) if (Object.hasOwn(odd, f)) Object.defineProperty(expected, f, { value: odd[f], enumerable: true, writable: true });
        assert.deepEqual(res.hits, [expected], JSON.stringify(fields));
      }
    });
  });
}
