/**
 * Through the real app (buildApp + inject) on a real SQLite store with
 * reader threads: an ingest request completes while an expensive search is
 * still running, and a retried batch is not published to the live tail
 * twice (WriteResult.storedIndexes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEvent } from '@logship/query';
import { buildServerConfig } from '../config/load-server-config.js';
import { buildApp } from './app.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';

const NOW = Date.parse('2026-02-08T15:00:00.000Z');

async function harness() {
  const dir = mkdtempSync(join(tmpdir(), 'logship-readers-app-'));
  const cfg = buildServerConfig({ data: dir });
  const store = await openSqliteStore({ dataDir: dir, retention: cfg.retention, now: () => NOW, readerThreads: 2 });
  const logship = await buildApp({ config: cfg, store, now: () => NOW, defaultMetrics: false });
  return {
    store,
    logship,
    async close() {
      await store.close();
      await logship.app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const line = (id: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ '@timestamp': '2026-02-08T14:00:00.000Z', 'event.id': id, level: 'info', message: `line ${id}`, ...extra });

test('an ingest request completes while an expensive search runs on a reader thread', async () => {
  const h = await harness();
  try {
    const padding = 'abcdefghij'.repeat(200);
    for (let b = 0; b < 5; b++) {
      const batch: LogEvent[] = [];
      for (let i = 0; i < 1000; i++) {
        const n = b * 1000 + i;
        batch.push({ '@timestamp': new Date(NOW - 3_600_000 - n).toISOString(), 'event.id': `seed-${n}`, level: 'info', message: 'seed', 'http.user_agent': `${padding}${n}` });
      }
      await h.store.write(batch);
    }
    // A regex with many stars over a non-promoted field: a JS check per
    // event, minutes of work over these values.
    const q = 'http.user_agent:/.*a.*b.*c.*d.*e.*f.*g.*h.*i.*j.*zzz/';
    let searchSettled = false;
    const search = h.logship.app
      .inject({ method: 'GET', url: `/api/v1/search?q=${encodeURIComponent(q)}&from=2026-02-01T00:00:00Z&to=2026-02-09T00:00:00Z&limit=10` })
      .finally(() => {
        searchSettled = true;
      });
    const ingest = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: `${line('fresh-1')}\n`, headers: { 'content-type': 'application/x-ndjson' } });
    assert.equal(ingest.statusCode, 200, ingest.body);
    assert.equal(ingest.json<{ stored: number }>().stored, 1);
    assert.equal((await h.logship.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    // The event loop was free: ingest and health answered before the search.
    assert.equal(searchSettled, false);
    // Closing the store stops the search's thread; the request gets an answer.
    await h.store.close();
    const res = await search;
    assert.ok(res.statusCode >= 500, res.body);
  } finally {
    await h.close();
  }
});

test('a retried batch is not published to the live tail again', async () => {
  const h = await harness();
  try {
    const published: string[] = [];
    h.logship.feed.subscribe((entries) => {
      for (const e of entries as LogEvent[]) published.push(String(e['event.id']));
    });
    const post = (body: string) => h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: body, headers: { 'content-type': 'application/x-ndjson' } });
    const first = await post(`${line('a')}\n${line('b')}\n`);
    assert.equal(first.json<{ stored: number }>().stored, 2);
    // A retry of the same batch with one new event: only that one is shown.
    const retry = await post(`${line('a')}\n${line('c')}\n${line('b')}\n`);
    assert.deepEqual(retry.json<{ stored: number; duplicates: number }>(), { ...retry.json<object>(), stored: 1, duplicates: 2 });
    assert.deepEqual(published, ['a', 'b', 'c']);
  } finally {
    await h.close();
  }
});
