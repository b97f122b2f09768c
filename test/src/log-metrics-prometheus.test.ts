/**
 * Log-derived metrics scraped by a real Prometheus (Debian `prometheus`) on
 * loopback, which runs seed 003's own rule verbatim:
 *
 *   ingest ─► logship (log_metrics counted after commit) ─► GET /metrics ◄─ scrape 1 s ─ Prometheus
 *                                                     rule: increase(log_errors_total[5m]) > 50 ─► /api/v1/alerts
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingest, removeDir, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { missingPrometheusTools, startPrometheus, type ToolHandle } from './prometheus-support.js';

const skip = missingPrometheusTools();
const ES_URL = process.env.LOGSHIP_TEST_ES_URL;
if (!ES_URL && process.env.CI === 'true') throw new Error('CI=true but LOGSHIP_TEST_ES_URL is not set: scripts/test.sh starts Elasticsearch');
if (!ES_URL) console.warn('WARNING: LOGSHIP_TEST_ES_URL is not set: the log_metrics test on Elasticsearch is SKIPPED');

const SEED_003_RULES = `groups:
  - name: seed-003
    rules:
      - alert: HighErrorRate
        expr: increase(log_errors_total[5m]) > 50
        labels: { severity: critical }
      - alert: NewHostBurst
        expr: increase(critical_total[5m]) > 50
`;

const LOG_METRICS = `log_metrics:
  - { name: log_errors_total, help: 'Error events', query: 'level:error', labels: [host], max_series: 2 }
  - { name: payment_errors_total, query: 'logger:payments AND level:error' }
  - { name: http_request_duration_seconds, query: 'job:nginx', histogram: { field: request_time, buckets: [0.1, 0.5, 1, 2, 5] }, labels: [status] }
  - { name: critical_total, query: 'level:critical', labels: [host] }
`;

function lines(n: number, fields: Record<string, unknown>, tag: string): string[] {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => JSON.stringify({ time: new Date(now - i).toISOString(), msg: `${tag} ${i}`, ...fields }));
}

async function metricsText(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function promQuery(url: string, q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: q })}`);
  const body = (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return body.data.result;
}

for (const store of ['sqlite', 'elasticsearch'] as const) {
  describe(`log_metrics on ${store}, scraped by a real Prometheus`, { skip: skip || (store === 'elasticsearch' && !ES_URL) }, () => {
    let root: string;
    let server: ServerHandle;
    let prom: ToolHandle;
    const prefix = `e2e-logmetrics-${process.pid}`;

    before(async () => {
      root = await tempDir('logship-log-metrics-');
      const storeYaml = store === 'elasticsearch' ? `store: { type: elasticsearch, url: "${ES_URL}", index_prefix: ${prefix}, replicas: 0 }\n` : '';
      server = await startServer({ dataDir: join(root, 'data'), configYaml: storeYaml + LOG_METRICS });
      prom = await startPrometheus(join(root, 'prometheus'), new URL(server.url).host, SEED_003_RULES);
    });

    after(async () => {
      await stopAll();
      if (store === 'elasticsearch') {
        await fetch(`${ES_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => {});
        await fetch(`${ES_URL}/_index_template/${prefix}-logship`, { method: 'DELETE' }).catch(() => {});
      }
      await removeDir(root);
    });

    test('counted after commit without duplicates, bounded labels, histograms, and seed 003 fires in Prometheus', async () => {
      // A label-less counter is exported from the start, at 0.
      assert.equal(sample(await metricsText(server.url), 'payment_errors_total'), 0);

      await ingest(server.url, lines(5, { level: 'error', host: 'web-1' }, 'warm-up'));
      await waitFor(async () => (await promQuery(prom.url, 'log_errors_total{host="web-1"}'))[0]?.value[1] === '5', {
        timeoutMs: 20_000,
        what: 'Prometheus scraping log_errors_total = 5',
      });

      const burst = lines(60, { level: 'error', host: 'web-1', logger: 'payments' }, 'burst');
      await ingest(server.url, burst);
      // The agent's retry of the same batch with one new line: the duplicates are not counted.
      const again = await ingest(server.url, [...burst, ...lines(1, { level: 'error', host: 'web-1', logger: 'payments' }, 'one more')]);
      assert.equal(again.duplicates, 60);
      assert.equal(again.stored, 1);
      let text = await metricsText(server.url);
      assert.equal(sample(text, 'log_errors_total{host="web-1"}'), 66);
      assert.equal(sample(text, 'payment_errors_total'), 61);

      const alert = await waitFor(
        async () => {
          const res = await fetch(`${prom.url}/api/v1/alerts`);
          const body = (await res.json()) as { data: { alerts: { labels: Record<string, string>; state: string; value: string }[] } };
          return body.data.alerts.find((a) => a.labels.alertname === 'HighErrorRate' && a.state === 'firing');
        },
        { timeoutMs: 30_000, what: 'HighErrorRate firing in Prometheus' },
      );
      assert.equal(alert.labels.host, 'web-1');
      assert.ok(Number(alert.value) > 50, alert.value);

      // max_series 2: the third and fourth hosts count in one `other` series.
      await ingest(server.url, [
        ...lines(2, { level: 'error', host: 'web-2' }, 'second host'),
        ...lines(3, { level: 'error', host: 'web-3' }, 'third host'),
        ...lines(4, { level: 'error', host: 'web-4' }, 'fourth host'),
      ]);
      await ingest(server.url, [
        JSON.stringify({ time: new Date().toISOString(), job: 'nginx', status: 200, request_time: 0.05, msg: 'fast' }),
        JSON.stringify({ time: new Date().toISOString(), job: 'nginx', status: 200, request_time: 0.7, msg: 'slow' }),
        JSON.stringify({ time: new Date().toISOString(), job: 'nginx', status: 502, request_time: 3, msg: 'slower' }),
      ]);
      // New series are read at 0 by one scrape (Prometheus's or ours), then with their events.
      text = await waitFor(
        async () => {
          const t = await metricsText(server.url);
          return sample(t, 'log_errors_total{host="web-2"}') === 2 && sample(t, 'http_request_duration_seconds_count{status="200"}') === 2 ? t : undefined;
        },
        { timeoutMs: 20_000, what: 'the new series counted' },
      );
      assert.equal(sample(text, 'log_errors_total{host="web-2"}'), 2);
      assert.equal(sample(text, 'log_errors_total{host="other"}'), 7);
      assert.equal(sample(text, 'log_errors_total{host="web-3"}'), undefined);
      assert.equal(sample(text, 'http_request_duration_seconds_bucket{le="0.1",status="200"}'), 1);
      assert.equal(sample(text, 'http_request_duration_seconds_bucket{le="1",status="200"}'), 2);
      assert.equal(sample(text, 'http_request_duration_seconds_bucket{le="5",status="502"}'), 1);
      assert.equal(sample(text, 'http_request_duration_seconds_count{status="200"}'), 2);

      // A host never seen before bursts 60 critical events in one batch: its
      // series must be scraped at 0 first, or increase() has no sample to
      // count from and the rule never sees them.
      await ingest(server.url, lines(60, { level: 'critical', host: 'fresh-1' }, 'burst on a new host'));
      const burst2 = await waitFor(
        async () => {
          const res = await fetch(`${prom.url}/api/v1/alerts`);
          const body = (await res.json()) as { data: { alerts: { labels: Record<string, string>; state: string; value: string }[] } };
          return body.data.alerts.find((a) => a.labels.alertname === 'NewHostBurst' && a.state === 'firing');
        },
        { timeoutMs: 30_000, what: 'NewHostBurst firing in Prometheus' },
      );
      assert.equal(burst2.labels.host, 'fresh-1');
    });
  });
}
