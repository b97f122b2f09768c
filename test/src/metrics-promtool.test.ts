/**
 * A real server's /metrics through the real `promtool check metrics`
 * (Debian's prometheus package): prom-client's default collectors export
 * gauges named `…_total` (`logship_nodejs_active_handles_total`,
 * `…_requests_total`, `…_resources_total`), which promtool's lint refuses
 * ("non-counter metrics should not have "_total" suffix", exit 3). Scraped
 * after traffic and with log_metrics configured, so the labelled series
 * and the user's counters and histograms are in the text too.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ingest, removeDir, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

const PROMTOOL = '/usr/bin/promtool';
if (!existsSync(PROMTOOL) && process.env.CI === 'true') throw new Error(`CI=true but ${PROMTOOL} missing (scripts/test-deps.sh installs prometheus)`);
if (!existsSync(PROMTOOL)) console.warn(`WARNING: ${PROMTOOL} missing: the /metrics lint check is SKIPPED`);
const skip = existsSync(PROMTOOL) ? false : `${PROMTOOL} missing`;

/** `promtool check metrics` reading `text` on its standard input: its exit code and what it said. */
function promtoolCheck(text: string): Promise<{ code: number | null; out: string }> {
  const proc = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  proc.stdin.end(text);
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, out }));
  });
}

let root: string;
let server: ServerHandle;

before(async () => {
  root = await tempDir('logship-metrics-promtool-');
  server = await startServer({
    dataDir: join(root, 'data'),
    configYaml: [
      'log_metrics:',
      "  - { name: log_errors_total, help: 'Error lines', query: 'level:error', labels: [host] }",
      "  - { name: log_request_duration_seconds, help: 'Request time', query: 'request_time:*', histogram: { field: request_time, buckets: [0.1, 1] } }",
      '',
    ].join('\n'),
  });
});

after(async () => {
  await stopAll();
  await removeDir(root);
});

test("the server's /metrics passes promtool check metrics with no lint problem", { skip }, async () => {
  await ingest(server.url, [
    JSON.stringify({ message: 'boom', level: 'error', host: 'web-1' }),
    JSON.stringify({ message: 'GET /', request_time: 0.2, host: 'web-1' }),
  ]);
  // A refused request too, so the status-labelled series are varied.
  await fetch(`${server.url}/api/v1/search?q=${encodeURIComponent('level:(')}`);
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  const text = await res.text();
  // What the check must see: the defaults, logship's own and the configured ones.
  for (const name of ['logship_nodejs_active_handles', 'logship_process_cpu_seconds_total', 'logship_ingest_events_stored_total', 'logship_http_request_duration_seconds_bucket', 'log_errors_total{host="web-1"}', 'log_request_duration_seconds_bucket']) {
    assert.ok(text.includes(name), `/metrics has ${name}`);
  }
  const r = await promtoolCheck(text);
  assert.equal(r.out, '', 'promtool names no problem');
  assert.equal(r.code, 0);
});
