/**
 * An index created before the text fields existed (issue 15 item 1): its
 * strict mapping has no `@txt`. Starting the store gives it the mapping, so
 * new events with tracebacks are written there and found by free text; its
 * older documents are still read and found by message. (When the
 * credentials may not update mappings, installIndexTemplate answers such
 * indices and the store leaves `@txt` out of what it writes there;
 * secure-cluster.test.ts opens a store with exactly the documented
 * privileges, which do not include updating mappings.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@elastic/elasticsearch';
import { parse, type LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { installIndexTemplate, templateName } from './index-template.js';
import { dropStoreData, ES_SKIP_REASON, esTestUrl, oldMappings } from './es-test-env.js';
import { indexName } from './index-name.js';
import { openElasticsearchStore } from './open-elasticsearch-store.js';

const url = esTestUrl();
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const TRACE = 'Traceback (most recent call last):\n  File "/srv/x.py", line 1, in f\nKeyError: \'missing_order_id\'';

if (!url) {
  test('text fields on an index from an older template', { skip: ES_SKIP_REASON }, () => {});
} else {
  describe('text fields on an index from an older template', () => {
    const prefix = `lstest_txt_${process.pid}`;
    const admin = new Client({ node: url });
    const index = indexName(prefix, 'errors', NOW);

    before(async () => {
      await admin.indices.create({ index, ...oldMappings(prefix) } as Parameters<Client['indices']['create']>[0]);
      // An event written by the older version.
      await admin.index({
        index,
        id: 'old',
        refresh: true,
        document: { '@timestamp': new Date(NOW - 1000).toISOString(), 'event.id': 'old', '@class': 'errors', level: 'error', '@text': 'keyerror in the message', '@event': { '@timestamp': new Date(NOW - 1000).toISOString(), 'event.id': 'old', level: 'error', message: 'KeyError in the message', exc_info: TRACE } },
      });
    });

    after(async () => {
      await dropStoreData(url, prefix);
      await admin.close();
    });

    test('the store updates its mapping: new tracebacks are found by free text, old events by message', async () => {
      const store = await openElasticsearchStore({ url, indexPrefix: prefix, replicas: 0, now: () => NOW, retention: DEFAULT_RETENTION });
      try {
        const event: LogEvent = { '@timestamp': new Date(NOW).toISOString(), 'event.id': 'new', level: 'error', message: 'Internal Server Error', exc_info: TRACE };
        const res = await store.write([event]);
        assert.equal(res.stored, 1, JSON.stringify(res.errors));
        const ids = async (q: string): Promise<string[]> =>
          (await store.search({ query: parse(q), from: NOW - 60_000, to: NOW + 60_000, now: NOW, limit: 10 })).hits.map((h) => h['event.id']).sort();
        assert.deepEqual(await ids('"missing_order_id"'), ['new']);
        assert.deepEqual(await ids('KeyError'), ['new', 'old']);
        assert.deepEqual(await ids('exc_info:keyerror'), ['new']);
      } finally {
        await store.close();
      }
    });

    test('installIndexTemplate reports no index left without @txt once it could update them', async () => {
      assert.deepEqual(await installIndexTemplate(admin, { prefix, shards: 1, replicas: 0, totalFieldsLimit: 1000 }), []);
      const mapping = await admin.indices.getMapping({ index });
      assert.ok(mapping[index]?.mappings.properties?.['@txt'], 'the old index has @txt now');
      await admin.indices.deleteIndexTemplate({ name: templateName(prefix) }, { ignore: [404] });
    });
  });
}
