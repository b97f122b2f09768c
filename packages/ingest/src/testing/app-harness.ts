/**
 * The ingest server built in-process for inject() tests: a real SQLite store
 * in a temporary folder, a settable clock, and the sample lines the route
 * tests share.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogStore } from '../store/log-store.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { openBlockStore } from '../blocks/open-block-store.js';
import { buildServerConfig } from '../config/load-server-config.js';
import { buildApp, type LogshipApp } from '../server/app.js';

export const NOW = Date.parse('2026-02-08T15:00:00.000Z');
export const WRITE = 'write-token-0123456789';
export const READ = 'read-token-0123456789';

export interface AppHarness {
  dir: string;
  store: LogStore;
  logship: LogshipApp;
  clock: { now: number };
  close(): Promise<void>;
}

/** `storeOptions.blocks`: the block store with its writer thread (what `logship serve` opens), not the row store. */
export async function appHarness(config: Record<string, unknown> = {}, storeOptions: { minFreeBytes?: number; blocks?: boolean } = {}): Promise<AppHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'logship-app-'));
  const clock = { now: NOW };
  const now = () => clock.now;
  const cfg = buildServerConfig({ data: dir, ...config });
  const { blocks, ...options } = storeOptions;
  const store = await (blocks ? openBlockStore : openSqliteStore)({ dataDir: dir, retention: cfg.retention, now, ...options });
  const logship = await buildApp({ config: cfg, store, now, defaultMetrics: false });
  return {
    dir,
    store,
    logship,
    clock,
    async close() {
      await logship.app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const ndjson = (...lines: unknown[]): string => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

/** Searches the first week of February 2026 (where the sample lines are) and expects 200. */
export async function searchApp(h: AppHarness, q: string, headers: Record<string, string> = {}) {
  const res = await h.logship.app.inject({
    method: 'GET',
    url: `/api/v1/search?q=${encodeURIComponent(q)}&from=2026-02-01T00:00:00Z&to=2026-02-09T00:00:00Z&limit=1000`,
    headers,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { hits: Record<string, unknown>[] };
}

export const pythonLine = {
  asctime: '2026-02-08 12:00:00,100',
  levelname: 'ERROR',
  name: 'django.request',
  message: 'Internal Server Error: /api/orders',
  user_id: 'u-42',
};
export const nginxLine = {
  time_iso8601: '2026-02-08T12:00:01+00:00',
  remote_addr: '203.0.113.9',
  request: 'GET /api/orders?page=2 HTTP/1.1',
  status: '502',
  body_bytes_sent: '157',
  request_time: '1.204',
};
export const envelope = { '@raw': '2026-02-08 12:00:02,000 WARNING celery: retrying task', 'event.id': 'f1:0', host: 'web-1', source: '/var/log/celery.log', job: 'celery' };
