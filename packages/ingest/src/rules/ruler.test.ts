import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { LogEvent } from '@logship/query';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { buildAlertingConfig } from './alerting-config.js';
import { loadRuleFile } from './load-rule-file.js';
import { testRules } from './test-rules.js';
import { Ruler } from './ruler.js';

/** A real SQLite store with reader threads, as the server runs it. */
async function withStore(fn: (dir: string, store: Awaited<ReturnType<typeof openSqliteStore>>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'logship-ruler-'));
  const store = await openSqliteStore({ dataDir: join(dir, 'data') });
  try {
    await fn(dir, store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function events(n: number, now: number): LogEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    '@timestamp': new Date(now - (i % 50_000)).toISOString(),
    'event.id': `ruler-${i}`,
    level: i % 3 === 0 ? 'error' : 'info',
    host: `web-${i % 7}`,
    message: `request ${i} took ${i % 1000} ms for user ${i * 7919} with path /api/v${i % 5}/items`,
  }));
}

test('a rule slower than the query deadline fails, is reported with its code and counted, and keeps its alerts', async () => {
  await withStore(async (dir, store) => {
    const now = Date.now();
    await store.write(events(40_000, now), now);
    writeFileSync(
      join(dir, 'rules.yaml'),
      // A regex over every message of the window: far slower than 5 ms.
      "groups:\n  - name: slow\n    interval: 1h\n    rules:\n      - { alert: Slow, query: 'message:/.*(a|e|i)+.*z.*/', window: 1h, above: 0 }\n",
    );
    const registry = new Registry();
    const ruler = new Ruler({
      ruleFiles: [join(dir, 'rules.yaml')],
      alerting: buildAlertingConfig({ query_timeout: '5ms' }),
      savedQueries: {},
      reader: store,
      dataDir: join(dir, 'data'),
      registry,
    });
    await ruler.start('http://127.0.0.1:7700');
    const started = Date.now();
    while (ruler.groupRuntimes[0]?.lastEvaluation === null && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 10));
    await ruler.stop();
    const rule = ruler.groupRuntimes[0]?.rules[0];
    assert.equal(rule?.health, 'err');
    assert.match(rule?.lastError ?? '', /did not finish within the query deadline of 5 ms \(LS_RULES_EVALUATION_TIMEOUT\)/);
    assert.equal(rule?.alerts.size, 0);
    assert.match(await registry.metrics(), /logship_rules_evaluation_failures_total\{rule_group="slow"\} 1/);
  });
});

test('count, rate, max, p50, ratio_to and bounded group_by over the real store', async () => {
  await withStore(async (dir, store) => {
    const now = Date.now();
    await store.write(
      Array.from({ length: 30 }, (_, i) => ({
        '@timestamp': new Date(now - i * 1000).toISOString(),
        'event.id': `e-${i}`,
        level: i < 12 ? 'error' : 'info',
        host: `web-${i % 3}`,
        job: 'nginx',
        request_time: i / 10,
        message: `event ${i}`,
      })),
      now,
    );
    writeFileSync(
      join(dir, 'rules.yaml'),
      `groups:
  - name: g
    rules:
      - { alert: Count, query: 'level:error', window: 1m, above: 10 }
      - { alert: Rate, query: 'level:error', window: 1m, aggregate: rate, above: 0.1 }
      - { alert: Max, query: 'job:nginx', window: 1m, aggregate: max:request_time, above: 2 }
      - { alert: P50, query: 'job:nginx', window: 1m, aggregate: p50:request_time, below: 1 }
      - { alert: Ratio, query: 'level:error', ratio_to: 'job:nginx', window: 1m, above: 0.5 }
      - { alert: ByHost, query: 'level:error', window: 1m, group_by: [host], above: 3 }
`,
    );
    const { loadRuleFiles } = await import('./load-rule-files.js');
    const { groups } = loadRuleFiles([join(dir, 'rules.yaml')], { defaultInterval_ms: 60_000, savedQueries: {} });
    const results = await testRules(groups, store, buildAlertingConfig({ max_series_per_rule: 2 }), now);
    const by = Object.fromEntries(results.map((r) => [r.rule.name, r.series.map((s) => [s.labels, s.value, s.active])]));
    assert.deepEqual(by.Count, [[{}, 12, true]]);
    assert.deepEqual(by.Rate, [[{}, 0.2, true]]);
    assert.deepEqual(by.Max, [[{}, 2.9, true]]);
    assert.deepEqual(by.P50, [[{}, 1.45, false]]);
    assert.deepEqual(by.Ratio, [[{}, 0.4, false]]);
    // Three hosts, four errors each; only two series are kept.
    assert.equal(by.ByHost?.length, 2);
    for (const [labels, value, active] of by.ByHost ?? []) {
      assert.match((labels as Record<string, string>).host ?? '', /^web-[0-2]$/);
      assert.equal(value, 4);
      assert.equal(active, true);
    }
  });
});

test('a rule keeps its firing alert, and its start, when a rule is added above it (reload) or the rules are reordered (restart)', async () => {
  await withStore(async (dir, store) => {
    const now = Date.now();
    await store.write(
      Array.from({ length: 5 }, (_, i) => ({ '@timestamp': new Date(now - i).toISOString(), 'event.id': `k-${i}`, level: 'error', host: 'web-1', message: 'boom' })),
      now,
    );
    const file = join(dir, 'rules.yaml');
    const errorsRule = "      - { alert: HighErrors, query: 'level:error', window: 1h, above: 1, group_by: [host], labels: { severity: page } }\n";
    const otherRule = (name: string) => `      - { alert: ${name}, query: 'level:critical', window: 1h, above: 100 }\n`;
    const rules = (...lines: string[]) => writeFileSync(file, `groups:\n  - name: g\n    interval: 1h\n    rules:\n${lines.join('')}`);
    // Stopped in `finally` too: a ruler's timers would keep a failing test's process alive.
    const started: Ruler[] = [];
    const newRuler = () => {
      const ruler = new Ruler({ ruleFiles: [file], alerting: buildAlertingConfig({}), savedQueries: {}, reader: store, dataDir: join(dir, 'data'), registry: new Registry() });
      started.push(ruler);
      return ruler;
    };
    const runtimeOf = (ruler: Ruler) => ruler.groupRuntimes[0]?.rules.find((r) => r.rule.name === 'HighErrors');
    const evaluatedAfter = async (ruler: Ruler, t: number) => {
      const since = Date.now();
      while ((runtimeOf(ruler)?.lastEvaluation ?? 0) <= t && Date.now() - since < 10_000) await new Promise((r) => setTimeout(r, 10));
      const alerts = [...(runtimeOf(ruler)?.alerts.values() ?? [])];
      assert.equal(alerts.length, 1);
      return alerts[0]!;
    };

    try {
      rules(errorsRule);
      const first = newRuler();
      await first.start('http://127.0.0.1:7700');
      const fired = await evaluatedAfter(first, 0);
      assert.equal(fired.state, 'firing');

      // Later than the first evaluation, so an alert made anew would have another start.
      await new Promise((r) => setTimeout(r, 20));
      rules(otherRule('Critical'), errorsRule);
      first.reload();
      const afterReload = await evaluatedAfter(first, Date.now() - 1);
      assert.deepEqual([afterReload.state, afterReload.activeAt, afterReload.firedAt], ['firing', fired.activeAt, fired.firedAt]);
      await first.stop();

      await new Promise((r) => setTimeout(r, 20));
      rules(errorsRule, otherRule('Critical'), otherRule('Emergency'));
      const second = newRuler();
      await second.start('http://127.0.0.1:7700');
      const afterRestart = await evaluatedAfter(second, Date.now() - 1);
      await second.stop();
      assert.deepEqual([afterRestart.state, afterRestart.activeAt, afterRestart.firedAt], ['firing', fired.activeAt, fired.firedAt]);
    } finally {
      await Promise.all(started.map((r) => r.stop()));
    }
  });
});

test('group_by: events without the field count in a series of their own, without the label', async () => {
  await withStore(async (dir, store) => {
    const now = Date.now();
    // Plain-text errors carry no logger: four of them, and two from django.db.
    await store.write(
      Array.from({ length: 6 }, (_, i) => ({
        '@timestamp': new Date(now - i * 1000).toISOString(),
        'event.id': `m-${i}`,
        level: 'error',
        host: 'web-1',
        ...(i < 2 ? { logger: 'django.db' } : {}),
        message: `boom ${i}`,
      })),
      now,
    );
    writeFileSync(
      join(dir, 'rules.yaml'),
      "groups:\n  - name: g\n    rules:\n      - { alert: ByLogger, query: 'level:error', window: 1m, group_by: [host, logger], above: 3 }\n",
    );
    const { loadRuleFiles } = await import('./load-rule-files.js');
    const { groups } = loadRuleFiles([join(dir, 'rules.yaml')], { defaultInterval_ms: 60_000, savedQueries: {} });
    const [result] = await testRules(groups, store, buildAlertingConfig({}), now);
    const series = (result?.series ?? []).map((s) => [s.labels, s.value, s.active]);
    assert.deepEqual(
      series.sort((a, b) => Number(a[1]) - Number(b[1])),
      [
        [{ host: 'web-1', logger: 'django.db' }, 2, false],
        [{ host: 'web-1' }, 4, true],
      ],
    );
  });
});

test('a group interval longer than a timer can wait (30d) is not evaluated without pause', async () => {
  await withStore(async (dir, store) => {
    writeFileSync(join(dir, 'rules.yaml'), "groups:\n  - name: monthly\n    interval: 30d\n    rules:\n      - { alert: A, query: 'level:error', above: 1 }\n");
    const registry = new Registry();
    const ruler = new Ruler({ ruleFiles: [join(dir, 'rules.yaml')], alerting: buildAlertingConfig({}), savedQueries: {}, reader: store, dataDir: join(dir, 'data'), registry });
    await ruler.start('http://127.0.0.1:7700');
    try {
      // Evaluated at start, then not again for the longest delay a timer takes (setTimeout read 30d as 1 ms).
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.match(await registry.metrics(), /logship_rules_evaluations_total\{rule_group="monthly"\} 1$/m);
    } finally {
      await ruler.stop();
    }
  });
});

test('a group a reload removes leaves no series behind: no stale last-evaluation time, its alerts out of the gauge', async () => {
  await withStore(async (dir, store) => {
    const now = Date.now();
    await store.write([{ '@timestamp': new Date(now).toISOString(), 'event.id': 'r-1', level: 'error', message: 'boom' }], now);
    const file = join(dir, 'rules.yaml');
    const group = (name: string) => `  - name: ${name}\n    interval: 1h\n    rules:\n      - { alert: A, query: 'level:error', window: 1h, above: 0 }\n`;
    writeFileSync(file, `groups:\n${group('kept')}${group('gone')}`);
    const registry = new Registry();
    const ruler = new Ruler({ ruleFiles: [file], alerting: buildAlertingConfig({}), savedQueries: {}, reader: store, dataDir: join(dir, 'data'), registry });
    await ruler.start('http://127.0.0.1:7700');
    try {
      const since = Date.now();
      while (!/logship_rules_alerts\{state="firing"\} 2$/m.test(await registry.metrics()) && Date.now() - since < 10_000) await new Promise((r) => setTimeout(r, 10));
      assert.match(await registry.metrics(), /logship_rules_group_last_evaluation_timestamp_seconds\{rule_group="gone"\}/);
      writeFileSync(file, `groups:\n${group('kept')}`);
      ruler.reload();
      const text = await registry.metrics();
      assert.doesNotMatch(text, /rule_group="gone"/);
      assert.match(text, /logship_rules_group_last_evaluation_timestamp_seconds\{rule_group="kept"\}/);
      assert.match(text, /logship_rules_alerts\{state="firing"\} 1$/m);
    } finally {
      await ruler.stop();
    }
  });
});

test('samples: one line per event, a traceback\'s line breaks written as \\n', async () => {
  await withStore(async (_dir, store) => {
    const now = Date.now();
    await store.write(
      [0, 1].map((i) => ({
        '@timestamp': new Date(now - i * 1000).toISOString(),
        'event.id': `tb-${i}`,
        level: 'error',
        host: 'web-1',
        message: `Internal Server Error ${i}\nTraceback (most recent call last):\n  File "views.py", line 3\nKeyError: 'x'`,
      })),
      now,
    );
    const { sampleLines } = await import('./evaluate-rule.js');
    const { loadRuleFile } = await import('./load-rule-file.js');
    const [group] = loadRuleFile('r.yaml', "groups:\n  - name: g\n    rules:\n      - { alert: A, query: 'level:error', window: 1m, above: 0, sample_lines: 2 }\n", { defaultInterval_ms: 60_000, savedQueries: {} });
    const rule = group!.rules[0]!;
    const lines = (await sampleLines(store, rule, rule.ast, now)).split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /web-1 error Internal Server Error 0\\nTraceback \(most recent call last\):\\n {2}File "views\.py", line 3\\nKeyError: 'x'$/);
  });
});

test('alert states saved under the keys of earlier versions (file, group, position, name) are restored once', async () => {
  await withStore(async (dir, store) => {
    const now = Date.now();
    await store.write([{ '@timestamp': new Date(now).toISOString(), 'event.id': 'l-1', level: 'error', message: 'boom' }], now);
    const file = join(dir, 'rules.yaml');
    writeFileSync(file, "groups:\n  - name: g\n    interval: 1h\n    rules:\n      - { alert: A, query: 'level:error', window: 1h, above: 0 }\n      - { alert: B, query: 'level:error', window: 1h, above: 0 }\n");
    const labels = (name: string) => ({ alertname: name });
    const saved = (name: string) => ({
      fingerprint: JSON.stringify([['alertname', name]]), labels: labels(name), annotations: {}, state: 'firing', value: 1,
      activeAt: now - 3_600_000, firedAt: now - 3_600_000, resolvedAt: null, lastSentAt: now - 60_000, keepFiringSince: null, validUntil: now + 60_000,
    });
    mkdirSync(join(dir, 'data', 'rules'), { recursive: true });
    // Position 0 held B when this was saved: B's alert must not become A's.
    writeFileSync(
      join(dir, 'data', 'rules', 'alert-state.json'),
      JSON.stringify({ version: 1, rules: { [`${file}\u0000g\u00000\u0000B`]: [saved('B')], [`${file}\u0000g\u00001\u0000B`]: [saved('B')] } }),
    );
    const ruler = new Ruler({ ruleFiles: [file], alerting: buildAlertingConfig({}), savedQueries: {}, reader: store, dataDir: join(dir, 'data'), registry: new Registry() });
    await ruler.start('http://127.0.0.1:7700');
    try {
      const since = Date.now();
      while (ruler.groupRuntimes[0]?.rules.some((r) => r.lastEvaluation === null) && Date.now() - since < 10_000) await new Promise((r) => setTimeout(r, 10));
      const [a, b] = ruler.groupRuntimes[0]?.rules.map((r) => [...r.alerts.values()]) ?? [];
      assert.equal(a?.[0]?.activeAt === now - 3_600_000, false);
      assert.deepEqual([b?.[0]?.state, b?.[0]?.activeAt], ['firing', now - 3_600_000]);
    } finally {
      await ruler.stop();
    }
  });
});

test('a pending alert restored after a stop counts its `for` without the downtime, as Prometheus does', async () => {
  await withStore(async (dir, store) => {
    const now = Date.now();
    await store.write([{ '@timestamp': new Date(now).toISOString(), 'event.id': 'p-1', level: 'error', message: 'boom' }], now);
    const file = join(dir, 'rules.yaml');
    writeFileSync(file, "groups:\n  - name: g\n    interval: 1h\n    rules:\n      - { alert: A, query: 'level:error', window: 1h, above: 0, for: 10m }\n");
    const { loadRuleFile } = await import('./load-rule-file.js');
    const key = loadRuleFile(file, readFileSync(file, 'utf8'), { defaultInterval_ms: 60_000, savedQueries: {} })[0]!.rules[0]!.key;
    const min = 60_000;
    // Pending for 5 minutes, then the server stopped for 45.
    mkdirSync(join(dir, 'data', 'rules'), { recursive: true });
    writeFileSync(
      join(dir, 'data', 'rules', 'alert-state.json'),
      JSON.stringify({
        version: 1,
        saved_at: now - 45 * min,
        rules: {
          [key]: [{ fingerprint: JSON.stringify([['alertname', 'A']]), labels: { alertname: 'A' }, annotations: {}, state: 'pending', value: 1,
            activeAt: now - 50 * min, firedAt: null, resolvedAt: null, lastSentAt: null, keepFiringSince: null, validUntil: null }],
        },
      }),
    );
    const ruler = new Ruler({ ruleFiles: [file], alerting: buildAlertingConfig({}), savedQueries: {}, reader: store, dataDir: join(dir, 'data'), registry: new Registry() });
    await ruler.start('http://127.0.0.1:7700');
    try {
      const since = Date.now();
      while (ruler.groupRuntimes[0]?.rules[0]?.lastEvaluation === null && Date.now() - since < 10_000) await new Promise((r) => setTimeout(r, 10));
      const [alert] = [...(ruler.groupRuntimes[0]?.rules[0]?.alerts.values() ?? [])];
      // Five of its ten minutes are left: still pending, started 5 minutes of observed time ago.
      assert.equal(alert?.state, 'pending');
      const pendingFor = Date.now() - (alert?.activeAt ?? 0);
      assert.ok(pendingFor >= 5 * min && pendingFor < 5 * min + 10_000, String(pendingFor));
    } finally {
      await ruler.stop();
    }
  });
});

test('a reload that fails shows in logship_rules_last_reload_successful until one succeeds, as prometheus_config_last_reload_successful does', async () => {
  await withStore(async (dir, store) => {
    const file = join(dir, 'rules.yaml');
    const good = "groups:\n  - name: g\n    interval: 1h\n    rules:\n      - { alert: A, query: 'level:error', above: 0 }\n";
    writeFileSync(file, good);
    const registry = new Registry();
    let clock = 1_000_000;
    const ruler = new Ruler({ ruleFiles: [file], alerting: buildAlertingConfig({}), savedQueries: {}, reader: store, dataDir: join(dir, 'data'), registry, now: () => clock });
    const gauge = async (name: string) => /^(\S+) (\S+)$/m.exec((await registry.metrics()).split('\n').filter((l) => l.startsWith(`${name} `)).join('\n'))?.[2];
    assert.equal(await gauge('logship_rules_last_reload_successful'), '1');
    assert.equal(await gauge('logship_rules_last_reload_success_timestamp_seconds'), '1000');
    clock = 2_000_000;
    writeFileSync(file, good.replace("'level:error'", "'level:(error'"));
    assert.throws(() => ruler.reload(), { code: 'LS_RULES_BAD_QUERY' });
    assert.equal(await gauge('logship_rules_last_reload_successful'), '0');
    assert.equal(await gauge('logship_rules_last_reload_success_timestamp_seconds'), '1000');
    clock = 3_000_000;
    writeFileSync(file, good);
    ruler.reload();
    assert.equal(await gauge('logship_rules_last_reload_successful'), '1');
    assert.equal(await gauge('logship_rules_last_reload_success_timestamp_seconds'), '3000');
    await ruler.stop();
  });
});

test('group_by: an empty value and no value are one series without the label, as Alertmanager sees them', async () => {
  await withStore(async (_dir, store) => {
    const now = Date.now();
    const loggers: (string | undefined)[] = ['', '', undefined, undefined, 'app', 'app', 'app'];
    await store.write(
      loggers.map((logger, i) => ({
        '@timestamp': new Date(now - i * 1000).toISOString(),
        'event.id': `empty-${i}`,
        level: 'error',
        message: `boom ${i}`,
        ...(logger === undefined ? {} : { logger }),
      })),
      now,
    );
    const groups = loadRuleFile('r.yaml', "groups:\n  - name: g\n    rules:\n      - { alert: A, query: 'level:error', window: 1h, above: 0, group_by: [logger] }\n", {
      defaultInterval_ms: 60_000,
      savedQueries: {},
    });
    const [result] = await testRules(groups, store, buildAlertingConfig({}), now + 1);
    assert.equal(result?.error, null);
    assert.deepEqual(
      result?.series.map((s) => [s.labels, s.value]).sort((a, b) => Number(a[1]) - Number(b[1])),
      [[{ logger: 'app' }, 3], [{}, 4]],
    );
  });
});
