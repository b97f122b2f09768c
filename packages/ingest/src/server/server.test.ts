import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { LogEvent } from '@logship/query';
import { buildServerConfig } from '../config/load-server-config.js';
import { openStore } from '../store/open-store.js';
import { startServer } from './server.js';
import { linkBaseUrl } from './link-base-url.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-02-08T12:00:00.000Z');

test('startServer: ingest over HTTP, retention run through the scheduler is logged and counted, live feed, close', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-server-'));
  const clock = { now: T0 };
  const now = () => clock.now;
  const logLines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void logLines.push(JSON.parse(s) as Record<string, unknown>) });
  const config = buildServerConfig({ data: dir, listen: '127.0.0.1:0' });
  const server = await startServer({ config, logger, now, openStore: (c) => openStore(c, { now }) });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(logLines.some((l) => /loopback/.test(String(l.msg))), 'says it listens on loopback only');

    const published: LogEvent[] = [];
    server.logshipApp.feed.subscribe((entries) => published.push(...(entries as LogEvent[])));
    const body =
      ['info', 'debug', 'error']
        .map((level, i) => JSON.stringify({ level, msg: `m${i}`, time: new Date(T0 - 60_000).toISOString(), 'event.id': `e${i}` }))
        .join('\n') + '\n';
    const res = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', body });
    assert.deepEqual(await res.json(), { stored: 3, duplicates: 0, expired: 0, dropped: 0, errors: [] });
    assert.deepEqual(published.map((e) => e['event.id']).sort(), ['e0', 'e1', 'e2']);

    // Ten days later the debug event (7-day class) is past retention; the others are not.
    clock.now = T0 + 10 * DAY;
    const result = await server.retention.runNow();
    assert.equal(result.eventsRemoved, 1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    // The run at start (nothing to remove) and this one.
    assert.match(metrics, /^logship_retention_runs_total 2$/m);
    assert.match(metrics, /^logship_retention_events_removed_total 1$/m);
    assert.ok(logLines.some((l) => /^Retention run removed 1 events/.test(String(l.msg))));
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await server.close();
});

test('startServer refuses a public address without tokens before opening anything', async () => {
  const config = buildServerConfig({ data: '/nonexistent/never-created', listen: '0.0.0.0:0' });
  let opened = false;
  await assert.rejects(
    startServer({
      config,
      logger: pino({ level: 'silent' }),
      openStore: async () => {
        opened = true;
        throw new Error('must not be called');
      },
    }),
    { code: 'LS_CONFIG_PUBLIC_WITHOUT_TOKENS' },
  );
  assert.equal(opened, false);
});

test('listening on every address (0.0.0.0, ::), links (an alert\'s generatorURL) name the machine\'s host name, not the wildcard', () => {
  // A pure function: tests listen only on loopback, so the wildcard start itself is not run here.
  assert.equal(linkBaseUrl('0.0.0.0', 7700, false, 'logs-1'), 'http://logs-1:7700');
  assert.equal(linkBaseUrl('::', 7700, true, 'logs-1'), 'https://logs-1:7700');
  assert.equal(linkBaseUrl('', 7700, false, 'logs-1'), 'http://logs-1:7700');
  assert.equal(linkBaseUrl('127.0.0.1', 7700, false, 'logs-1'), 'http://127.0.0.1:7700');
  assert.equal(linkBaseUrl('::1', 7700, false, 'logs-1'), 'http://[::1]:7700');
});

test('an alert rule\'s generatorURL starts with the address the server listens on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-server-'));
  writeFileSync(join(dir, 'rules.yaml'), "groups:\n  - name: g\n    rules:\n      - { alert: A, query: 'level:error', window: 5m, above: 1 }\n");
  const config = buildServerConfig({ data: join(dir, 'data'), listen: '127.0.0.1:0', rule_files: [join(dir, 'rules.yaml')] });
  const server = await startServer({ config, logger: pino({ level: 'silent' }), openStore: (c) => openStore(c), retentionAtStart: false });
  try {
    const rule = server.logshipApp.ruler.groupRuntimes[0]?.rules[0]?.rule;
    assert.ok(rule);
    assert.equal(server.logshipApp.ruler.generatorUrl(rule), `${server.url}/?q=level%3Aerror&from=now-5m&to=now`);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
