/**
 * `logship rules test` on a real Elasticsearch whose yesterday's index has
 * no active shard copy (an allocation filter no node meets, as a day whose
 * node is gone), with a rule on a field-name pattern (`http.*:500`). The
 * CLI was the one reader of the cluster with no left-out list in scope:
 * `_field_caps` answered 200 without that index, and its failure was
 * dropped without a word, as the search's own shard failure was (both go
 * on silently where no list is kept, partial-answer.ts). It now reads with
 * a list, so both are told: the rule is marked partial, LS_ES_FIELDS_FAILED
 * naming the index, and fires on today's events alone (an above count).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@elastic/elasticsearch';
import { ES_SKIP_REASON, esTestUrl, openTestStore } from '../elasticsearch/es-test-env.js';
import { indexName } from '../elasticsearch/index-name.js';
import type { LogStore } from '../store/log-store.js';
import { rulesCommand } from './rules-command.js';

const url = esTestUrl();
const DAY = 86_400_000;

if (!url) {
  test('rules test over an index whose fields cannot be listed', { skip: ES_SKIP_REASON }, () => {});
} else {
  describe('rules test over an index whose fields cannot be listed', () => {
    const admin = new Client({ node: url });
    const dir = mkdtempSync(join(tmpdir(), 'logship-rules-field-caps-'));
    const now = Date.now();
    let store: LogStore & { prefix: string };
    let downIndex: string;

    before(async () => {
      store = await openTestStore(url);
      await store.write([1, 2, 3].map((i) => ({ '@timestamp': new Date(now - 1000 * i).toISOString(), 'event.id': `t${i}`, message: 'today', 'http.status': 500 })));
      downIndex = indexName(store.prefix, 'default', now - DAY);
      await admin.indices.create({
        index: downIndex,
        wait_for_active_shards: 0,
        settings: { number_of_shards: 1, number_of_replicas: 0, 'index.routing.allocation.require._name': 'no-such-node' },
      });
      writeFileSync(join(dir, 'server.yaml'), `data: ${join(dir, 'data')}\nstore: { type: elasticsearch, url: "${url}", index_prefix: ${store.prefix} }\n`);
      writeFileSync(join(dir, 'rules.yaml'), "groups:\n  - name: g\n    rules:\n      - { alert: Many500, query: 'http.*:500', window: 2d, above: 2 }\n");
    });

    after(async () => {
      // First: the cluster is red while it exists, and other suites share it.
      await admin.indices.delete({ index: downIndex }, { ignore: [404] });
      await store.close();
      await admin.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('the rule is marked partial, naming the index whose fields could not be listed, and fires on what was read', async () => {
      const stdout = new PassThrough();
      let text = '';
      stdout.on('data', (d: Buffer) => (text += d.toString()));
      const code = await rulesCommand(['test', join(dir, 'rules.yaml'), '--config', join(dir, 'server.yaml'), '--json'], { stdout, stderr: new PassThrough() }, () => now);
      const [rule] = (JSON.parse(text) as { rules: { alert: string; error: string | null; partial: boolean; warnings?: { code: string; partition: string; message: string }[]; series: { value: number; active: boolean }[] }[] }).rules;
      assert.equal(rule!.error, null, text);
      assert.equal(rule!.partial, true, text);
      const fields = (rule!.warnings ?? []).filter((w) => w.code === 'LS_ES_FIELDS_FAILED');
      assert.deepEqual(fields.map((w) => w.partition), [downIndex], text);
      assert.match(fields[0]!.message, new RegExp(`^Elasticsearch could not list the fields of every index: index ${downIndex}: no_shard_available_action_exception: `));
      assert.deepEqual(rule!.series.map((s) => [s.value, s.active]), [[3, true]]);
      assert.equal(code, 1);
    });
  });
}
