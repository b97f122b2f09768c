/**
 * Alert rules over a window some of whose events cannot be read, on a real
 * Elasticsearch through the real app (buildApp: ruler, rules API,
 * /metrics, the server's pino logger). Yesterday's index holds the three
 * `service:api` events the rules count; a runtime field added to its
 * mapping (`@kw.service` as `long`, as one added from Kibana to one index
 * would be) makes the rules' query fail on that index's shard only, and
 * Elasticsearch answers 200 with today's shard (none of them).
 *
 * Taken as the whole, that answer resolved the firing `above` rule and
 * fired the quiet `below` one. Now neither does: both are marked partial
 * in /api/v1/rules (health err, lastError, `partial`, `warnings`) and
 * /metrics, and the log has one warn line each. An `above` count is still
 * fired by what was read (today's `service:web` events, over its threshold
 * in the readable part alone: a count over part of the window is at most
 * the whole's), so a damaged day does not silence an outage. With the
 * runtime field removed, the next evaluation is whole again.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from '@elastic/elasticsearch';
import { pino } from 'pino';
import { buildServerConfig } from '../config/load-server-config.js';
import { ES_SKIP_REASON, esTestUrl, openTestStore } from '../elasticsearch/es-test-env.js';
import { indexName } from '../elasticsearch/index-name.js';
import { buildApp } from '../server/app.js';
import type { LogStore } from '../store/log-store.js';

const url = esTestUrl();
const DAY = 86_400_000;

interface RuleJson {
  name: string;
  state: string;
  health: string;
  lastError?: string;
  lastEvaluation: string;
  partial: boolean;
  fires_on_part?: boolean;
  warnings?: { code: string; partition: string; message: string }[];
}

if (!url) {
  test('rules over a partial answer', { skip: ES_SKIP_REASON }, () => {});
} else {
  describe('alert rules over a window Elasticsearch answers in part', () => {
    const admin = new Client({ node: url });
    const dir = mkdtempSync(join(tmpdir(), 'logship-ruler-partial-'));
    const now = Date.now();
    const logLines: Record<string, unknown>[] = [];
    let store: LogStore & { prefix: string };
    let built: Awaited<ReturnType<typeof buildApp>>;
    let oldIndex: string;

    before(async () => {
      store = await openTestStore(url);
      await store.write([{ '@timestamp': new Date(now - 1000).toISOString(), 'event.id': 't1', message: 'today', service: 'web' }]);
      const yesterday = now - DAY;
      await store.write([1, 2, 3].map((i) => ({ '@timestamp': new Date(yesterday + i).toISOString(), 'event.id': `y${i}`, message: 'yesterday', service: 'api' })));
      oldIndex = indexName(store.prefix, 'default', yesterday);
      writeFileSync(join(dir, 'rules.yaml'), [
        'groups:',
        '  - name: g',
        '    interval: 1h',
        '    rules:',
        "      - { alert: ApiBusy, query: 'service:api', window: 2d, above: 2 }",
        "      - { alert: ApiQuiet, query: 'service:api', window: 2d, below: 1 }",
        "      - { alert: WebBusy, query: 'service:web', window: 2d, above: 2 }",
        '',
      ].join('\n'));
      const logger = pino({ level: 'warn' }, new Writable({
        write(chunk: Buffer, _enc, done) {
          for (const line of chunk.toString().split('\n')) if (line) logLines.push(JSON.parse(line) as Record<string, unknown>);
          done();
        },
      }));
      const config = buildServerConfig({ data: join(dir, 'data'), rule_files: [join(dir, 'rules.yaml')] });
      built = await buildApp({ config, store, defaultMetrics: false, logger });
    });

    after(async () => {
      await built.app.close();
      await store.close();
      await admin.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function rules(): Promise<Record<string, RuleJson>> {
      const res = await built.app.inject('/api/v1/rules');
      assert.equal(res.statusCode, 200, res.body);
      const list = (res.json() as { data: { groups: { rules: RuleJson[] }[] } }).data.groups[0]!.rules;
      return Object.fromEntries(list.map((r) => [r.name, r]));
    }

    /** Runs `evaluate` and waits until both rules have been evaluated after it began. */
    async function evaluation(evaluate: () => unknown): Promise<Record<string, RuleJson>> {
      const before = built.ruler.groupRuntimes[0]!.rules.map((r) => r.lastEvaluation);
      await evaluate();
      for (;;) {
        const done = built.ruler.groupRuntimes[0]!.rules.every((r, i) => r.lastEvaluation !== null && r.lastEvaluation !== before[i]);
        if (done && built.ruler.groupRuntimes[0]!.lastEvaluation !== null) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // The group's evaluation ends after its rules' (alerts sent, gauge set).
      while (built.ruler.groupRuntimes.some((g) => (g as { running?: unknown }).running)) await new Promise((r) => setTimeout(r, 20));
      return rules();
    }

    async function partialCount(): Promise<string | undefined> {
      const metrics = (await built.app.inject('/metrics')).body;
      return /^logship_rules_evaluations_partial_total\{rule_group="g"\} (\d+)$/m.exec(metrics)?.[1];
    }

    test('a whole window: ApiBusy fires, ApiQuiet and WebBusy stay quiet, none partial', async () => {
      const r = await evaluation(() => built.ruler.start('http://127.0.0.1:7700'));
      assert.equal(r.ApiBusy!.state, 'firing');
      assert.equal(r.ApiQuiet!.state, 'inactive');
      assert.equal(r.WebBusy!.state, 'inactive');
      for (const rule of Object.values(r)) {
        assert.equal(rule.health, 'ok', JSON.stringify(rule));
        assert.equal(rule.partial, false);
        assert.equal(rule.warnings, undefined);
      }
    });

    test('yesterday\'s shard failing: nothing resolved or fired on missing events, an above count fired by what was read; marked partial in the rules API and /metrics, one warn line each', async () => {
      await admin.indices.putMapping({ index: oldIndex, runtime: { '@kw.service': { type: 'long' } } });
      // Three more today: WebBusy's four are over its threshold in the readable part alone.
      await store.write([2, 3, 4].map((i) => ({ '@timestamp': new Date(now - 1000 + i).toISOString(), 'event.id': `t${i}`, message: 'today', service: 'web' })));
      const r = await evaluation(() => built.ruler.reload());
      assert.equal(r.ApiBusy!.state, 'firing', 'not resolved on missing events');
      assert.equal(r.ApiQuiet!.state, 'inactive', 'not fired on missing events');
      assert.equal(r.WebBusy!.state, 'firing', 'fired by what was read: the whole holds at least as many');
      const words = {
        keep: "so the rule's alerts keep their state",
        fires: "so the rule resolves nothing until it reads the whole window \\(what it read can still fire it: its value over part of the window is at most the whole's\\)",
      };
      for (const [name, did, value] of [['ApiBusy', words.fires, 'api'], ['ApiQuiet', words.keep, 'api'], ['WebBusy', words.fires, 'web']] as const) {
        const rule = r[name]!;
        assert.equal(rule.health, 'err', JSON.stringify(rule));
        assert.equal(rule.partial, true);
        assert.equal(rule.fires_on_part, did === words.fires);
        assert.deepEqual(rule.warnings?.map((w) => [w.code, w.partition]), [['LS_ES_SHARDS_FAILED', oldIndex]]);
        assert.match(rule.lastError ?? '', new RegExp(`^the store answered without part of the window, ${did}: Elasticsearch could not read every shard: 1 of 2 shards failed; index \\S+, shard 0: query_shard_exception: failed to create query: For input string: "${value}"; .* \\(LS_ES_SHARDS_FAILED\\)$`));
      }
      assert.equal(await partialCount(), '3');
      const warned = logLines.filter((l) => typeof l.msg === 'string' && l.msg.includes('read only part of its window'));
      assert.deepEqual(warned.map((l) => [l.level, l.rule]), [[40, 'ApiBusy'], [40, 'ApiQuiet'], [40, 'WebBusy']]);
      // A failure counts elsewhere: this was no failed read.
      assert.doesNotMatch((await built.app.inject('/metrics')).body, /^logship_rules_evaluation_failures_total\{rule_group="g"\} [1-9]/m);
    });

    test('the runtime field removed: whole again, health ok, ApiBusy and WebBusy still firing', async () => {
      await admin.indices.putMapping({ index: oldIndex, runtime: { '@kw.service': null } as never });
      const r = await evaluation(() => built.ruler.reload());
      assert.equal(r.ApiBusy!.state, 'firing');
      assert.equal(r.ApiQuiet!.state, 'inactive');
      assert.equal(r.WebBusy!.state, 'firing');
      for (const rule of Object.values(r)) {
        assert.equal(rule.health, 'ok', JSON.stringify(rule));
        assert.equal(rule.partial, false);
      }
      assert.equal(await partialCount(), '3');
    });
  });
}
