import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServerConfig } from '../config/load-server-config.js';
import { buildApp } from '../server/app.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';

const WRITE = 'write-token-0123456789';
const READ = 'read-token-0123456789';

async function withApp(config: Record<string, unknown>, fn: (app: Awaited<ReturnType<typeof buildApp>>['app'], dir: string) => Promise<void>, dir = mkdtempSync(join(tmpdir(), 'logship-rules-routes-'))): Promise<void> {
  const cfg = buildServerConfig({ data: join(dir, 'data'), ...config });
  const store = await openSqliteStore({ dataDir: cfg.data });
  const { app } = await buildApp({ config: cfg, store, defaultMetrics: false });
  try {
    await fn(app, dir);
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const auth = {
  tokens: [
    { name: 'agents', token: WRITE, scopes: ['write'] },
    { name: 'grafana', token: READ, scopes: ['read'] },
  ],
};

test('without rule_files: empty Prometheus-shaped answers, and reload answers 404 with its code', async () => {
  await withApp({}, async (app) => {
    assert.deepEqual((await app.inject('/api/v1/rules')).json(), { status: 'success', data: { groups: [] } });
    assert.deepEqual((await app.inject('/api/v1/alerts')).json(), { status: 'success', data: { alerts: [] } });
    const res = await app.inject({ method: 'POST', url: '/api/v1/rules/reload' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'LS_RULES_NOT_CONFIGURED');
    // As Prometheus: a parameter it does not know is ignored; a known one with a wrong value is refused.
    assert.equal((await app.inject('/api/v1/rules?match[]=%7Bseverity%3D%22page%22%7D&typo=1')).statusCode, 200);
    assert.equal((await app.inject('/api/v1/rules?type=bogus')).statusCode, 400);
  });
});

test('scopes: reading rules needs read, reloading needs write; loaded rules are listed before their first evaluation', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-rules-routes-'));
  writeFileSync(join(dir, 'r.yaml'), "groups:\n  - name: g\n    rules:\n      - { alert: A, query: 'level:error', above: 1, for: 1m }\n");
  writeFileSync(join(dir, 's.yaml'), "groups:\n  - name: h\n    rules:\n      - { alert: B, query: x, above: 1 }\n      - { alert: C, query: y, below: 1 }\n");
  await withApp({ auth, rule_files: [join(dir, '*.yaml')] }, async (app) => {
    assert.equal((await app.inject('/api/v1/rules')).statusCode, 401);
    const rules = await app.inject({ url: '/api/v1/rules', headers: { authorization: `Bearer ${READ}` } });
    assert.equal(rules.statusCode, 200);
    const rule = rules.json().data.groups[0].rules[0];
    assert.equal(rule.health, 'unknown');
    assert.equal(rule.state, 'inactive');
    assert.equal(rule.duration, 60);
    assert.equal(rule.lastEvaluation, '0001-01-01T00:00:00Z');
    assert.equal(rules.json().data.groups[0].interval, 60);
    const denied = await app.inject({ method: 'POST', url: '/api/v1/rules/reload', headers: { authorization: `Bearer ${READ}` } });
    assert.equal(denied.statusCode, 403);
    const ok = await app.inject({ method: 'POST', url: '/api/v1/rules/reload', headers: { authorization: `Bearer ${WRITE}` } });
    assert.deepEqual(ok.json(), { status: 'success', data: { groups: 2, rules: 3 } });

    // Prometheus's filters.
    const get = async (qs: string) =>
      (await app.inject({ url: `/api/v1/rules?${qs}`, headers: { authorization: `Bearer ${READ}` } })).json().data.groups as {
        name: string;
        rules: { name: string; alerts?: unknown }[];
      }[];
    const shape = (groups: Awaited<ReturnType<typeof get>>) => groups.map((g) => [g.name, g.rules.map((r) => r.name)]);
    assert.deepEqual(shape(await get('')), [['g', ['A']], ['h', ['B', 'C']]]);
    assert.deepEqual(shape(await get('rule_name[]=C')), [['h', ['C']]]);
    assert.deepEqual(shape(await get('rule_name[]=A&rule_name[]=B')), [['g', ['A']], ['h', ['B']]]);
    assert.deepEqual(shape(await get('rule_group[]=h')), [['h', ['B', 'C']]]);
    // No recording rules: every group is left out, as Prometheus leaves out groups a filter emptied.
    assert.deepEqual(shape(await get('type=record')), []);
    assert.equal((await get('exclude_alerts=true'))[0]?.rules[0]?.alerts, undefined);
    assert.deepEqual((await get('type=alert'))[0]?.rules[0]?.alerts, []);
  }, dir);
});

test('a broken rule file stops the app from being built', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-rules-routes-'));
  try {
    writeFileSync(join(dir, 'r.yaml'), "groups:\n  - name: g\n    rules:\n      - { alert: A, query: 'level:(error', above: 1 }\n");
    const cfg = buildServerConfig({ data: join(dir, 'data'), rule_files: [join(dir, 'r.yaml')] });
    const store = await openSqliteStore({ dataDir: cfg.data });
    try {
      await assert.rejects(buildApp({ config: cfg, store, defaultMetrics: false }), { code: 'LS_RULES_BAD_QUERY' });
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Prometheus 3 paging (group_limit, group_next_token), which Grafana sends: pages of groups, not a 400', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-rules-routes-'));
  writeFileSync(
    join(dir, 'r.yaml'),
    ['g1', 'g2', 'g3'].map((g) => `  - name: ${g}\n    rules:\n      - { alert: A, query: x, above: 1 }\n`).reduce((a, b) => a + b, 'groups:\n'),
  );
  await withApp({ rule_files: [join(dir, 'r.yaml')] }, async (app) => {
    const get = async (qs: string) => app.inject(`/api/v1/rules?${qs}`);
    const first = (await get('group_limit=2')).json() as { data: { groups: { name: string }[]; groupNextToken?: string } };
    assert.deepEqual(first.data.groups.map((g) => g.name), ['g1', 'g2']);
    assert.match(first.data.groupNextToken ?? '', /^[0-9a-f]{40}$/);
    const second = (await get(`group_limit=2&group_next_token=${first.data.groupNextToken}`)).json() as typeof first;
    assert.deepEqual(second.data.groups.map((g) => g.name), ['g3']);
    assert.equal(second.data.groupNextToken, undefined);
    assert.deepEqual(((await get('group_limit=5')).json() as typeof first).data.groups.map((g) => g.name), ['g1', 'g2', 'g3']);
    for (const qs of [`group_next_token=${first.data.groupNextToken}`, 'group_limit=2&group_next_token=nope']) {
      const res = await get(qs);
      assert.equal(res.statusCode, 400, qs);
      assert.equal(res.json().error.code, 'LS_RULES_BAD_PAGINATION', qs);
    }
    assert.equal((await get('group_limit=0')).statusCode, 400);
    // Decimal digits only: 0x10, 1e1, 2.0 were read as numbers.
    for (const qs of ['group_limit=0x10', 'group_limit=1e1', 'group_limit=2.0']) {
      const res = await get(qs);
      assert.equal(res.statusCode, 400, qs);
      assert.equal(res.json().error.code, 'LS_API_BAD_REQUEST', qs);
      assert.match(res.json().error.message, /group_limit/, qs);
    }
    assert.equal((await get('group_limit=02')).statusCode, 200);
  }, dir);
});
