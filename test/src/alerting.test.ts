/**
 * Rules evaluated by a real `logship serve`, delivered to a real Alertmanager
 * (Debian prometheus-alertmanager) on loopback, on SQLite and, when
 * LOGSHIP_TEST_ES_URL is set, on Elasticsearch:
 *
 *   ingest errors ─► logship ruler (1 s interval) ─► POST /api/v2/alerts ─► Alertmanager
 *   test ─► GET /api/v2/alerts (Alertmanager) and /api/v1/rules, /api/v1/alerts (logship)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { ingest, logshipBin, removeDir, repoRoot, sleep, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { alertmanagerAlerts, missingPrometheusTools, startAlertmanager, type ToolHandle } from './prometheus-support.js';

const skip = missingPrometheusTools();
const ES_URL = process.env.LOGSHIP_TEST_ES_URL;
if (!ES_URL && process.env.CI === 'true') throw new Error('CI=true but LOGSHIP_TEST_ES_URL is not set: scripts/test.sh starts Elasticsearch');
if (!ES_URL) console.warn('WARNING: LOGSHIP_TEST_ES_URL is not set: the alerting tests on Elasticsearch are SKIPPED');

interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt: string;
  value: string;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function logshipAlerts(url: string): Promise<PromAlert[]> {
  return (await getJson<{ status: string; data: { alerts: PromAlert[] } }>(`${url}/api/v1/alerts`)).data.alerts;
}

/** `n` error lines of `host` stamped just before now, or `aheadMs` after it (the server takes events up to `max_future_s` ahead). */
function errorLines(n: number, host: string, tag: string, aheadMs = 0): string[] {
  const now = Date.now() + aheadMs;
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({ time: new Date(now - i * 10).toISOString(), level: 'error', host, logger: 'django.request', msg: `${tag} boom ${i}` }),
  );
}

const RULES = `
groups:
  - name: django
    interval: 1s
    rules:
      - alert: HighErrorRate
        query: 'level:error AND logger:"django.request"'
        window: 8s
        above: 5
        group_by: [host]
        for: 2s
        labels: { severity: critical }
        annotations:
          summary: '{{ $value }} errors in 8 seconds on {{ $labels.host }}'
        sample_lines: 3
  - name: nginx
    interval: 1s
    rules:
      - alert: High5xxRatio
        query: 'job:nginx AND status:>=500'
        ratio_to: 'job:nginx'
        window: 1h
        above: 0.005
        group_by: [host]
        annotations: { summary: '{{ $value }} of requests on {{ $labels.host }} answered 5xx' }
`;

for (const store of ['sqlite', 'elasticsearch'] as const) {
  describe(`alert rules on ${store}, delivered to a real Alertmanager`, { skip: skip || (store === 'elasticsearch' && !ES_URL) }, () => {
    let root: string;
    let am: ToolHandle;
    let server: ServerHandle;
    let configYaml: string;
    let webhook: Server;
    const hooks: { status: string; alerts: { status: string; labels: Record<string, string>; endsAt: string }[] }[] = [];
    const prefix = `e2e-alerts-${process.pid}`;

    before(async () => {
      root = await tempDir('logship-alerting-');
      am = await startAlertmanager(join(root, 'am'));
      // A generic webhook receiver: what people without Alertmanager point logship at.
      webhook = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          hooks.push(JSON.parse(body) as (typeof hooks)[number]);
          res.end('ok');
        });
      });
      await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
      const hookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
      await writeFile(join(root, 'rules.yaml'), RULES);
      configYaml = [
        store === 'elasticsearch' ? `store: { type: elasticsearch, url: "${ES_URL}", index_prefix: ${prefix}, replicas: 0 }` : '',
        `rule_files: ["${join(root, 'rules.yaml')}"]`,
        `alerting: { evaluation_interval: 1s, resend_delay: 1s, alertmanager: { url: "${am.url}" }, webhooks: [ { url: "${hookUrl}" } ] }`,
        '',
      ].join('\n');
      server = await startServer({ dataDir: join(root, 'data'), configYaml });
    });

    after(async () => {
      await stopAll();
      webhook.close();
      if (store === 'elasticsearch') {
        await fetch(`${ES_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => {});
        await fetch(`${ES_URL}/_index_template/${prefix}-logship`, { method: 'DELETE' }).catch(() => {});
      }
      await removeDir(root);
    });

    test('errors past the threshold: pending, then firing in Alertmanager with labels, summary and samples; a restart keeps one alert and its start; it resolves when errors stop', async () => {
      await ingest(server.url, errorLines(3, 'web-2', 'below'));
      await ingest(server.url, errorLines(12, 'web-1', 'above'));

      // `for: 2s`: pending first, then firing.
      const seen = new Set<string>();
      const firing = await waitFor(
        async () => {
          const alerts = (await logshipAlerts(server.url)).filter((a) => a.labels.alertname === 'HighErrorRate');
          for (const a of alerts) seen.add(a.state);
          return alerts.find((a) => a.state === 'firing');
        },
        { timeoutMs: 20_000, intervalMs: 50, what: 'HighErrorRate firing in /api/v1/alerts' },
      );
      assert.ok(seen.has('pending'), `went through pending (saw ${[...seen].join(', ')})`);
      assert.equal(firing.labels.host, 'web-1');
      assert.equal(firing.value, '1.2e+01');

      const inAm = await waitFor(
        async () => (await alertmanagerAlerts(am.url)).find((a) => a.labels.alertname === 'HighErrorRate'),
        { what: 'HighErrorRate in Alertmanager' },
      );
      assert.deepEqual(inAm.labels, { alertname: 'HighErrorRate', host: 'web-1', severity: 'critical' });
      assert.equal(inAm.annotations.summary, '12 errors in 8 seconds on web-1');
      const samples = (inAm.annotations.samples ?? '').split('\n');
      assert.equal(samples.length, 3, inAm.annotations.samples);
      for (const line of samples) assert.match(line, /web-1 error django\.request above boom \d+$/);
      assert.equal(inAm.status.state, 'active');
      const generator = new URL(inAm.generatorURL);
      assert.equal(generator.origin, server.url);
      assert.equal(generator.searchParams.get('q'), 'level:error AND logger:"django.request"');
      assert.equal(generator.searchParams.get('from'), 'now-8s');
      // web-2 stayed under the threshold.
      assert.equal((await alertmanagerAlerts(am.url)).filter((a) => a.labels.alertname === 'HighErrorRate').length, 1);

      // /api/v1/rules in Prometheus's shape.
      const rules = await getJson<{ status: string; data: { groups: { name: string; interval: number; rules: Record<string, unknown>[] }[] } }>(
        `${server.url}/api/v1/rules`,
      );
      assert.equal(rules.status, 'success');
      const django = rules.data.groups.find((g) => g.name === 'django');
      assert.equal(django?.interval, 1);
      const rule = django?.rules[0] as Record<string, unknown>;
      assert.equal(rule.type, 'alerting');
      assert.equal(rule.state, 'firing');
      assert.equal(rule.health, 'ok');
      assert.equal(rule.duration, 2);
      assert.equal(rule.value, '1.2e+01');
      assert.ok(Date.parse(rule.lastEvaluation as string) > Date.now() - 10_000);

      // Restart while firing: the same alert, its first start kept, never pending again.
      const activeAt = firing.activeAt;
      const startsAt = inAm.startsAt;
      // Errors stamped over the next 30 s too, so the 8 s window stays above the threshold through the
      // restart however long a loaded machine takes: it emptied during one in CI (2026-12-07), and the
      // alert resolved (as it should) before it was looked for, then fired anew with another start.
      await ingest(server.url, [0, 6, 12, 18, 24, 30].flatMap((s) => errorLines(12, 'web-1', `above again +${s}s`, s * 1000)));
      await server.stop('SIGTERM');
      const state = JSON.parse(await readFile(join(server.dataDir, 'rules', 'alert-state.json'), 'utf8')) as { rules: Record<string, unknown[]> };
      assert.ok(Object.keys(state.rules).length >= 1);
      server = await startServer({ dataDir: server.dataDir, port: server.port, configYaml });
      const statesAfter = new Set<string>();
      const again = await waitFor(
        async () => {
          const alerts = (await logshipAlerts(server.url)).filter((a) => a.labels.alertname === 'HighErrorRate');
          for (const a of alerts) statesAfter.add(a.state);
          return alerts.find((a) => a.state === 'firing');
        },
        { intervalMs: 50, what: 'HighErrorRate firing after the restart' },
      );
      assert.equal(again.activeAt, activeAt);
      assert.ok(!statesAfter.has('pending'), 'not pending again after the restart');
      const amAfter = await waitFor(
        async () => {
          const listed = (await alertmanagerAlerts(am.url)).filter((a) => a.labels.alertname === 'HighErrorRate');
          return listed.length > 0 && listed;
        },
        { what: 'HighErrorRate in Alertmanager after the restart' },
      );
      assert.equal(amAfter.length, 1);
      assert.equal(amAfter[0]?.startsAt, startsAt);

      // Errors stop: the window empties, the alert resolves (endsAt sent), Alertmanager drops it from the active list.
      await waitFor(
        async () => (await alertmanagerAlerts(am.url)).filter((a) => a.labels.alertname === 'HighErrorRate').length === 0,
        { timeoutMs: 60_000, what: 'HighErrorRate resolved in Alertmanager' },
      );
      assert.equal((await logshipAlerts(server.url)).filter((a) => a.labels.alertname === 'HighErrorRate').length, 0);
      // The webhook saw it fire and resolve.
      const hookAlerts = hooks.flatMap((h) => h.alerts).filter((a) => a.labels.alertname === 'HighErrorRate');
      assert.ok(hookAlerts.some((a) => a.status === 'firing' && a.labels.host === 'web-1'));
      assert.ok(hookAlerts.some((a) => a.status === 'resolved' && Date.parse(a.endsAt) <= Date.now()));
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /logship_rules_evaluations_total\{rule_group="django"\} [1-9]/);
      assert.match(metrics, /logship_rules_notifications_sent_total\{rule_group="django",target="[^"]+"\} [1-9]/);
    });

    test('ratio_to: 1 % of 5xx fires, 0.5 % does not', async () => {
      const now = Date.now();
      const lines: string[] = [];
      for (const [host, bad] of [['lb-1', 2], ['lb-2', 1]] as const) {
        for (let i = 0; i < 200; i++) {
          lines.push(JSON.stringify({
            time: new Date(now - i * 100).toISOString(), job: 'nginx', host, status: i < bad ? 502 : 200, msg: `GET /api ${host} ${i}`,
          }));
        }
      }
      await ingest(server.url, lines);
      const inAm = await waitFor(
        async () => (await alertmanagerAlerts(am.url)).find((a) => a.labels.alertname === 'High5xxRatio'),
        { what: 'High5xxRatio in Alertmanager' },
      );
      assert.equal(inAm.labels.host, 'lb-1');
      assert.equal(inAm.annotations.summary, '0.01 of requests on lb-1 answered 5xx');
      await sleep(2000);
      assert.deepEqual((await alertmanagerAlerts(am.url)).filter((a) => a.labels.alertname === 'High5xxRatio').map((a) => a.labels.host), ['lb-1']);

      // `logship rules test` shows both values without changing any state.
      await writeFile(join(root, 'cli.yaml'), configYaml);
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [logshipBin, 'rules', 'test', join(root, 'rules.yaml'), '--json', '--config', join(root, 'cli.yaml'), '--data', server.dataDir],
        { cwd: repoRoot },
      );
      const report = JSON.parse(stdout) as { rules: { alert: string; series: { labels: Record<string, string>; value: number; active: boolean }[] }[] };
      const ratio = report.rules.find((r) => r.alert === 'High5xxRatio');
      assert.deepEqual(
        ratio?.series.map((s) => [s.labels.host, s.value, s.active]).sort(),
        [['lb-1', 0.01, true], ['lb-2', 0.005, false]],
      );
    });

    test('reload: a broken file is refused with its caret and the rules keep running; SIGHUP loads a new group', async () => {
      const rulesPath = join(root, 'rules.yaml');
      await writeFile(rulesPath, RULES.replace("query: 'job:nginx AND status:>=500'", "query: 'job:nginx AND status:>=500 AND'"));
      const res = await fetch(`${server.url}/api/v1/rules/reload`, { method: 'POST' });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'LS_RULES_BAD_QUERY');
      assert.match(body.error.message, /groups\[1\]\.rules\[0\]\.query/);
      assert.match(body.error.message, /job:nginx AND status:>=500 AND\n {30}\^/);
      const groups = async () =>
        (await getJson<{ data: { groups: { name: string }[] } }>(`${server.url}/api/v1/rules`)).data.groups.map((g) => g.name);
      assert.deepEqual(await groups(), ['django', 'nginx']);

      await writeFile(rulesPath, `${RULES}  - name: payments\n    rules:\n      - { alert: PaymentFailures, query: 'logger:payments AND level:error', window: 5m, above: 10 }\n`);
      server.proc.kill('SIGHUP');
      await waitFor(async () => (await groups()).includes('payments'), { what: 'the payments group after SIGHUP' });
      assert.deepEqual(await groups(), ['django', 'nginx', 'payments']);
      // The firing ratio alert kept its state across the reload.
      assert.ok((await logshipAlerts(server.url)).some((a) => a.labels.alertname === 'High5xxRatio' && a.state === 'firing'));
    });

    test('Alertmanager down: deliveries are retried with backoff and counted, and the alert arrives once it is back', async () => {
      const port = Number(new URL(am.url).port);
      await am.stop('SIGTERM');
      const retries = async () => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        const line = text.split('\n').find((l) => l.startsWith('logship_rules_notification_retries_total{rule_group="nginx",target="http://127.0.0.1:'));
        return line ? Number(line.split(' ').pop()) : 0;
      };
      // Two failed deliveries take ~10 s with the notifier's backoff; 15 s was missed once on a loaded machine.
      await waitFor(async () => (await retries()) >= 2, { timeoutMs: 30_000, what: 'retries counted' });
      am = await startAlertmanager(join(root, 'am-again'), port);
      const back = await waitFor(
        async () => (await alertmanagerAlerts(am.url)).find((a) => a.labels.alertname === 'High5xxRatio'),
        { what: 'High5xxRatio in the restarted Alertmanager' },
      );
      assert.equal(back.labels.host, 'lb-1');
    });
  });
}
