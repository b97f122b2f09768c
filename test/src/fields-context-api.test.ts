/**
 * The fields API, the context route and gap-free histograms through a real
 * `logship serve` process, on SQLite and (when LOGSHIP_TEST_ES_URL is set)
 * on a real Elasticsearch. Expected answers come from the events this test
 * sent, read back through the search API.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingest, removeDir, searchAll, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

const ES_URL = process.env.LOGSHIP_TEST_ES_URL;
if (!ES_URL && process.env.CI === 'true') throw new Error('CI=true but LOGSHIP_TEST_ES_URL is not set: scripts/test.sh starts Elasticsearch');
if (!ES_URL) console.warn('WARNING: LOGSHIP_TEST_ES_URL is not set: the Elasticsearch half of the fields/context API test is SKIPPED');

const MINUTE = 60_000;

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function errorCode(body: Record<string, unknown>): unknown {
  return (body.error as { code?: unknown } | undefined)?.code;
}

/**
 * Agent envelopes from three hosts and two files, one a minute for two
 * hours with a 30-minute outage in the middle, plus events with odd field
 * names (sent as JSON text, so `__proto__` is an ordinary key).
 */
function lines(start: number): string[] {
  const out: string[] = [];
  for (let m = 0; m < 120; m++) {
    if (m >= 50 && m < 80) continue;
    const t = new Date(start + m * MINUTE + 1234).toISOString();
    const raw = JSON.stringify({ time: t, level: m % 6 === 0 ? 'error' : 'info', msg: `request ${m} done`, logger: `app.l${m % 4}`, duration_ms: m * 3 });
    out.push(JSON.stringify({ '@raw': raw, 'event.id': `e2e-${m}`, host: `web-${m % 3}`, source: `/var/log/app${m % 2}.log` }));
  }
  const t = new Date(start + 10 * MINUTE + 500).toISOString();
  out.push(`{"time":"${t}","level":"info","msg":"odd names","event.id":"odd-1","constructor":"c","__proto__":"p","a/b":"slash"}`);
  return out;
}

function storeSuite(name: string, configYaml: () => string | undefined): void {
  describe(`fields, context and histograms over HTTP: ${name}`, () => {
    let root: string;
    let server: ServerHandle;
    const start = Math.floor((Date.now() - 3 * 3_600_000) / MINUTE) * MINUTE;
    const from = new Date(start - 10 * MINUTE).toISOString();
    const to = new Date(start + 130 * MINUTE).toISOString();
    let hits: Record<string, unknown>[] = [];

    before(async () => {
      root = await tempDir('logship-fields-api-');
      const yaml = configYaml();
      server = await startServer({ dataDir: join(root, 'data'), ...(yaml ? { configYaml: yaml } : {}) });
      const ans = await ingest(server.url, lines(start));
      assert.deepEqual(ans.errors, []);
      hits = await searchAll(server.url, '', { from, to });
      assert.equal(hits.length, 91);
    });

    after(async () => {
      await stopAll();
      await removeDir(root);
    });

    const q = (params: Record<string, string>): string => new URLSearchParams({ from, to, ...params }).toString();

    test('GET /api/v1/fields lists every field of the range with types and exact counts', async () => {
      const { status, body } = await getJson(`${server.url}/api/v1/fields?${q({})}`);
      assert.equal(status, 200, JSON.stringify(body));
      assert.deepEqual(body.range, { from, to });
      assert.equal(body.counts, 'exact');
      const fields = body.fields as { name: string; types: string[]; count: number }[];
      const expected = new Map<string, number>();
      for (const h of hits) for (const [k, v] of Object.entries(h)) if (v !== null) expected.set(k, (expected.get(k) ?? 0) + 1);
      assert.deepEqual(new Map(fields.map((f) => [f.name, f.count])), expected);
      for (let i = 1; i < fields.length; i++) {
        const [a, b] = [fields[i - 1]!, fields[i]!];
        assert.ok(a.count > b.count || (a.count === b.count && a.name < b.name), `sorted: ${a.name} before ${b.name}`);
      }
      const by = new Map(fields.map((f) => [f.name, f]));
      assert.deepEqual(by.get('@timestamp')?.types, ['date']);
      assert.deepEqual(by.get('duration_ms')?.types, ['number']);
      for (const odd of ['constructor', '__proto__', 'a/b']) assert.equal(by.get(odd)?.count, 1, odd);

      const errors = await getJson(`${server.url}/api/v1/fields?${q({ q: 'level:error' })}`);
      const levelField = (errors.body.fields as { name: string; count: number }[]).find((f) => f.name === 'level');
      assert.equal(levelField?.count, hits.filter((h) => h.level === 'error').length);
    });

    test('GET /api/v1/fields/NAME/values: top values, other and missing; NAME URL-encoded', async () => {
      const { status, body } = await getJson(`${server.url}/api/v1/fields/logger/values?${q({ size: '2' })}`);
      assert.equal(status, 200, JSON.stringify(body));
      const counts = new Map<string, number>();
      for (const h of hits) if (typeof h.logger === 'string') counts.set(h.logger, (counts.get(h.logger) ?? 0) + 1);
      const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      // The live feed's mark as the read began (commit-mark.test.ts checks what it says).
      const { commit_mark: mark, ...rest } = body as { commit_mark?: unknown };
      assert.match(String(mark), /^b[a-z0-9]+\.\d+$/);
      assert.deepEqual(rest, {
        range: { from, to },
        field: 'logger',
        counts: 'exact',
        values: sorted.slice(0, 2).map(([value, count]) => ({ value, count })),
        other_count: sorted.slice(2).reduce((s, [, n]) => s + n, 0),
        missing_count: hits.filter((h) => typeof h.logger !== 'string').length,
      });
      for (const [field, value] of [['constructor', 'c'], ['__proto__', 'p'], ['a/b', 'slash']] as const) {
        const odd = await getJson(`${server.url}/api/v1/fields/${encodeURIComponent(field)}/values?${q({})}`);
        assert.equal(odd.status, 200, `${field}: ${JSON.stringify(odd.body)}`);
        assert.equal(odd.body.field, field);
        assert.deepEqual(odd.body.values, [{ value, count: 1 }], field);
        assert.equal(odd.body.missing_count, hits.length - 1);
      }
      const ts = await getJson(`${server.url}/api/v1/fields/%40timestamp/values?${q({ size: '1' })}`);
      assert.equal(ts.status, 200);
      assert.equal((ts.body.values as unknown[]).length, 1);
    });

    test('the fields routes refuse bad input with coded 400s', async () => {
      for (const [url, code] of [
        [`/api/v1/fields/level/values?${q({ size: '1001' })}`, 'LS_API_BAD_REQUEST'],
        [`/api/v1/fields/level/values?${q({ size: '0' })}`, 'LS_API_BAD_REQUEST'],
        [`/api/v1/fields?${q({ colour: 'red' })}`, 'LS_API_BAD_REQUEST'],
        [`/api/v1/fields?${q({ q: 'level:(error' })}`, 'LS_QUERY_SYNTAX'],
        [`/api/v1/fields?from=now&to=now-1h`, 'LS_API_BAD_RANGE'],
        [`/api/v1/fields/level/values?from=yesterday`, 'LS_API_BAD_TIME'],
      ] as const) {
        const res = await getJson(server.url + url);
        assert.equal(res.status, 400, url);
        assert.equal(errorCode(res.body), code, url);
      }
    });

    test('GET /api/v1/context: neighbours from the same host and source, oldest first; unknown id 404', async () => {
      const ordered = [...hits].sort((a, b) => String(a['@timestamp']).localeCompare(String(b['@timestamp'])) || String(a['event.id']).localeCompare(String(b['event.id'])));
      const anchor = ordered.find((h) => h['event.id'] === 'e2e-81')!;
      assert.ok(anchor);
      const same = ordered.filter((h) => h.host === anchor.host && h.source === anchor.source);
      const at = same.indexOf(anchor);
      const { status, body } = await getJson(`${server.url}/api/v1/context?${new URLSearchParams({ id: 'e2e-81', ts: String(anchor['@timestamp']), before: '3', after: '2' })}`);
      assert.equal(status, 200, JSON.stringify(body));
      assert.deepEqual(body.anchor, anchor);
      const ids = (list: unknown): unknown[] => (list as Record<string, unknown>[]).map((e) => e['event.id']);
      // Across the outage: the older neighbours come from before it.
      assert.deepEqual(ids(body.before), ids(same.slice(at - 3, at)));
      assert.deepEqual(ids(body.after), ids(same.slice(at + 1, at + 3)));

      const dflt = await getJson(`${server.url}/api/v1/context?${new URLSearchParams({ id: 'e2e-81', ts: String(anchor['@timestamp']) })}`);
      assert.deepEqual(ids(dflt.body.before), ids(same.slice(Math.max(0, at - 20), at)));

      const missing = await getJson(`${server.url}/api/v1/context?${new URLSearchParams({ id: 'no-such-event', ts: String(anchor['@timestamp']) })}`);
      assert.equal(missing.status, 404);
      assert.equal(errorCode(missing.body), 'LS_CONTEXT_NOT_FOUND');
      for (const [params, code] of [
        [{ id: 'e2e-81' }, 'LS_API_BAD_REQUEST'],
        [{ id: 'e2e-81', ts: 'noon-ish' }, 'LS_API_BAD_TIME'],
        [{ id: 'e2e-81', ts: String(anchor['@timestamp']), before: '501' }, 'LS_API_BAD_REQUEST'],
        [{ id: 'e2e-81', ts: String(anchor['@timestamp']), after: '-1' }, 'LS_API_BAD_REQUEST'],
      ] as const) {
        const res = await getJson(`${server.url}/api/v1/context?${new URLSearchParams(params)}`);
        assert.equal(res.status, 400, JSON.stringify(params));
        assert.equal(errorCode(res.body), code, JSON.stringify(params));
      }
    });

    test('date_histogram over HTTP has every bucket: the outage is zeros', async () => {
      for (const query of ['', 'level:info']) {
        const { status, body } = await getJson(`${server.url}/api/v1/aggregate?${q({ q: query, type: 'date_histogram', interval: '10m' })}`);
        assert.equal(status, 200, JSON.stringify(body));
        const buckets = body.buckets as { key: number; count: number }[];
        const first = Math.floor(Date.parse(from) / (10 * MINUTE)) * 10 * MINUTE;
        assert.deepEqual(buckets.map((b) => b.key), Array.from({ length: buckets.length }, (_, i) => first + i * 10 * MINUTE));
        assert.ok(buckets[buckets.length - 1]!.key <= Date.parse(to) && buckets[buckets.length - 1]!.key + 10 * MINUTE > Date.parse(to));
        const expected = new Map<number, number>();
        for (const h of hits) {
          if (query && h.level !== 'info') continue;
          const k = Math.floor(Date.parse(String(h['@timestamp'])) / (10 * MINUTE)) * 10 * MINUTE;
          expected.set(k, (expected.get(k) ?? 0) + 1);
        }
        for (const b of buckets) assert.equal(b.count, expected.get(b.key) ?? 0);
        const outage = buckets.filter((b) => b.key >= start + 50 * MINUTE && b.key + 10 * MINUTE <= start + 80 * MINUTE);
        assert.ok(outage.length >= 2 && outage.every((b) => b.count === 0), JSON.stringify(outage));
      }
    });

    test('the OpenAPI document describes the new routes', async () => {
      const { body } = await getJson(`${server.url}/api/v1/openapi.json`);
      const paths = body.paths as Record<string, Record<string, { parameters?: { name: string }[] }>>;
      const names = (path: string): string[] => (paths[path]?.get?.parameters ?? []).map((p) => p.name).sort();
      assert.deepEqual(names('/api/v1/fields'), ['from', 'q', 'to']);
      assert.deepEqual(names('/api/v1/fields/{name}/values'), ['from', 'name', 'q', 'size', 'to']);
      assert.deepEqual(names('/api/v1/context'), ['after', 'before', 'id', 'ts']);
    });
  });
}

storeSuite('sqlite', () => undefined);

if (ES_URL) {
  const prefix = `e2e-fields-${process.pid}`;
  storeSuite('elasticsearch', () => `store: { type: elasticsearch, url: "${ES_URL}", index_prefix: ${prefix}, replicas: 0 }\n`);
  after(async () => {
    await fetch(`${ES_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => {});
    await fetch(`${ES_URL}/_index_template/${prefix}-logship`, { method: 'DELETE' }).catch(() => {});
  });
} else {
  test('fields, context and histograms over HTTP: elasticsearch', { skip: 'LOGSHIP_TEST_ES_URL is not set' }, () => {});
}
