/**
 * `GET /api/v1/aggregate?…&by=FIELD` through a real server, on the
 * embedded store and on Elasticsearch: each group's aggregation equals
 * what is computed here from the same events, values of mixed types
 * included (the number 500, the string "500", the string "500.0").
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ingest, logshipBin, removeDir, startServer, stopAll, tempDir } from './harness.js';

const run = promisify(execFile);

const ES_URL = process.env.LOGSHIP_TEST_ES_URL;
if (!ES_URL && process.env.CI === 'true') throw new Error('CI=true but LOGSHIP_TEST_ES_URL is not set: scripts/test.sh starts Elasticsearch');

after(stopAll);

const SERVICES = ['api', 'web', 'worker', 'cron'];
const STATUSES: unknown[] = [200, 200, 200, 500, '500', '500.0', 404, true];

interface Ev { '@timestamp': string; 'event.id': string; level: string; message: string; service: string; status?: unknown; duration_ms: number }

function events(endMs: number): Ev[] {
  const out: Ev[] = [];
  for (let i = 0; i < 1200; i++) {
    const e: Ev = {
      '@timestamp': new Date(endMs - i * 1500).toISOString(),
      'event.id': `by-${i}`,
      level: ['info', 'info', 'error', 'warning'][i % 4]!,
      message: `request ${i} handled`,
      service: SERVICES[(i * 7) % SERVICES.length]!,
      duration_ms: (i * 37) % 1000,
    };
    if (i % 11 !== 0) e.status = STATUSES[(i * 5) % STATUSES.length];
    out.push(e);
  }
  return out;
}

interface Group { key: string; count: number; result: Record<string, unknown> }

for (const store of ['embedded', 'elasticsearch'] as const) {
  describe(`aggregations by a field (${store})`, { skip: store === 'elasticsearch' && !ES_URL }, () => {
    test('stats, percentiles, histograms and terms per group equal what the events give; errors are coded', async () => {
      const root = await tempDir('logship-by-');
      // Its own prefix, removed at the end: the cluster is shared with the files running beside this one.
      const prefix = `by-${process.pid}-${Date.now()}`;
      try {
        const configYaml = store === 'elasticsearch'
          ? `store: { type: elasticsearch, url: "${ES_URL}", index_prefix: ${prefix}, replicas: 0 }\n`
          : undefined;
        const server = await startServer({ dataDir: join(root, 'data'), ...(configYaml ? { configYaml } : {}) });
        const endMs = Date.now() - 60_000;
        const evs = events(endMs);
        const ans = await ingest(server.url, evs.map((e) => JSON.stringify(e)));
        assert.equal(ans.stored, evs.length, JSON.stringify(ans));
        const from = new Date(endMs - 1200 * 1500 - 1000).toISOString();
        const to = new Date(endMs + 1000).toISOString();
        const agg = async (params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> => {
          const res = await fetch(`${server.url}/api/v1/aggregate?${new URLSearchParams({ from, to, ...params })}`);
          return { status: res.status, body: (await res.json()) as Record<string, unknown> };
        };
        const of = (by: keyof Ev, key: string, q: (e: Ev) => boolean = () => true) =>
          evs.filter((e) => q(e) && e[by] !== undefined && String(e[by]) === key);

        const stats = await agg({ q: 'NOT level:warning', type: 'stats', field: 'duration_ms', by: 'status' });
        assert.equal(stats.status, 200, JSON.stringify(stats.body));
        assert.equal(stats.body.by, 'status');
        const groups = stats.body.groups as Group[];
        const keys = new Set(evs.filter((e) => e.level !== 'warning' && e.status !== undefined).map((e) => String(e.status)));
        assert.deepEqual(groups.map((g) => g.key).sort(), [...keys].sort());
        assert.ok(keys.has('500') && keys.has('500.0'));
        for (const g of groups) {
          const mine = of('status', g.key, (e) => e.level !== 'warning');
          assert.equal(g.count, mine.length, g.key);
          assert.equal(g.result.count, mine.length, `stats of ${g.key} over its own events`);
          assert.equal(g.result.sum, mine.reduce((s, e) => s + e.duration_ms, 0), g.key);
          assert.equal(g.result.max, Math.max(...mine.map((e) => e.duration_ms)), g.key);
        }
        assert.equal(stats.body.missing_count, evs.filter((e) => e.status === undefined && e.level !== 'warning').length);

        const hist = await agg({ type: 'date_histogram', interval: '5m', by: 'level', by_size: '2' });
        assert.equal(hist.status, 200, JSON.stringify(hist.body));
        const hg = hist.body.groups as Group[];
        assert.deepEqual(hg.map((g) => g.key), ['info', 'error']);
        assert.equal(hist.body.other_count, evs.filter((e) => e.level === 'warning').length);
        for (const g of hg) {
          const buckets = g.result.buckets as { key: number; count: number }[];
          assert.equal(buckets.reduce((s, b) => s + b.count, 0), of('level', g.key).length);
        }

        const terms = await agg({ type: 'terms', field: 'level', by: 'service' });
        for (const g of terms.body.groups as Group[]) {
          for (const b of g.result.buckets as { key: string; count: number }[]) {
            assert.equal(b.count, of('service', g.key, (e) => e.level === b.key).length, `${g.key}/${b.key}`);
          }
        }
        const pct = await agg({ type: 'percentiles', field: 'duration_ms', percents: '50', by: 'service' });
        assert.equal(pct.status, 200, JSON.stringify(pct.body));
        assert.equal((pct.body.groups as Group[]).length, SERVICES.length);

        if (store === 'embedded') {
          // The CLI: one row per group, the same figures.
          const cli = await run(process.execPath, [logshipBin, 'stats', 'duration_ms', 'NOT level:warning', '--by', 'status', '--size', '20', '--server', server.url, '--from', from, '--to', to, '--json']);
          const rows = (JSON.parse(cli.stdout) as { groups: { key: string; events: number; sum: number; percentiles: Record<string, number> }[] }).groups;
          assert.deepEqual(rows.map((r) => [r.key, r.events, r.sum]), groups.map((g) => [g.key, g.count, g.result.sum]));
          assert.ok(rows.every((r) => typeof r.percentiles['95'] === 'number'));
          const table = await run(process.execPath, [logshipBin, 'stats', 'duration_ms', '--by', 'service', '--server', server.url, '--from', from, '--to', to]);
          const lines = table.stdout.trimEnd().split('\n');
          assert.match(lines[0]!, /^service\s+events\s+count\s+min\s+avg\s+max\s+p50\s+p95\s+p99$/);
          assert.equal(lines.length, 1 + SERVICES.length);
        }

        const text = await agg({ type: 'stats', field: 'duration_ms', by: 'message' });
        assert.equal(text.status, 400);
        assert.equal((text.body.error as { code: string }).code, 'LS_API_BAD_AGGREGATION');
        const alone = await agg({ type: 'stats', field: 'duration_ms', by_size: '3' });
        assert.equal(alone.status, 400);
        assert.equal((alone.body.error as { code: string }).code, 'LS_API_BAD_REQUEST');
      } finally {
        await stopAll();
        if (store === 'elasticsearch') {
          await fetch(`${ES_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => {});
          await fetch(`${ES_URL}/_index_template/${prefix}-logship`, { method: 'DELETE' }).catch(() => {});
        }
        await removeDir(root);
      }
    });
  });
}
