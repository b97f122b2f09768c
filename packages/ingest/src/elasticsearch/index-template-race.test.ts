/**
 * Several servers share an index prefix; one's retention run deletes old
 * day indices while another starts and updates the mappings of every index
 * on the prefix (installIndexTemplate's putMapping and getMapping over the
 * prefix's wildcard). An index deleted between the wildcard's expansion and
 * the call failed the start's whole template install (LS_ES_TEMPLATE,
 * "no such index"), and with it that server's retention run.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@elastic/elasticsearch';
import { installIndexTemplate } from './index-template.js';
import { dropStoreData, ES_SKIP_REASON, esTestUrl, oldMappings } from './es-test-env.js';
import { indexName } from './index-name.js';

const url = esTestUrl();
const DAY = 86_400_000;
const DAYS = 40;
const ROUNDS = 4;

if (!url) {
  test('installing the template while day indices are deleted', { skip: ES_SKIP_REASON }, () => {});
} else {
  describe('installing the template while day indices are deleted', () => {
    const prefix = `lstest_tplrace_${process.pid}`;
    const admin = new Client({ node: url });
    const opts = { prefix, shards: 1, replicas: 0, totalFieldsLimit: 1000 };

    after(async () => {
      await dropStoreData(url, prefix);
      await admin.close();
    });

    test('a start succeeds while another server deletes old indices, and gives the others the new mappings', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const start = Date.parse('2026-10-01T12:00:00.000Z') + round * DAYS * DAY;
        const names = Array.from({ length: DAYS }, (_, i) => indexName(prefix, 'logs', start + i * DAY));
        // Made by an older version, so a start gives each the mappings added since.
        for (const index of names) {
          await admin.indices.create({ index, ...oldMappings(prefix) } as Parameters<Client['indices']['create']>[0]);
        }
        const [gone, kept] = [names.slice(0, DAYS / 2), names.slice(DAYS / 2)];
        const deletes = (async () => {
          for (const index of gone) await admin.indices.delete({ index });
        })();
        const [install] = await Promise.allSettled([installIndexTemplate(admin, opts), deletes]);
        assert.equal(install.status === 'rejected' ? String((install.reason as Error).message).split('\n')[0] : 'installed', 'installed', `round ${round}`);
        const mappings = await admin.indices.getMapping({ index: kept.join(',') });
        for (const index of kept) assert.ok('@txt' in (mappings[index]?.mappings.properties ?? {}), `${index} has the text fields' mapping`);
        await admin.indices.delete({ index: kept.join(',') });
      }
    });
  });
}
