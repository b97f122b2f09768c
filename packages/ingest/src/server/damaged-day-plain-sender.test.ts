/**
 * A native sender that does not say it retries lines marked retryable (no
 * `x-logship-partial: retryable`: Vector's http sink, Fluent Bit's http
 * output, curl), sending a batch mixing a day whose partition the server
 * found damaged with other days: the other days are stored and the request
 * answers 503 with Retry-After, so the sender sends it again; once the file
 * is moved aside, the resend stores the refused line and the rest is
 * deduped, every line stored exactly once. Such senders take a 200 as done:
 * answered 200 with the line marked retryable, it was lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { buildServerConfig } from '../config/load-server-config.js';
import { openStore } from '../store/open-store.js';
import { startServer } from './server.js';

const DAY = 86_400_000;

// workers 1: the batch prepared on an ingest worker, its damaged day found at commit.
for (const workers of [0, 1]) {
  test(`a plain native sender: a batch mixing a damaged day answers 503 after storing the rest; its resend once the file is moved aside stores every line once (ingest.workers ${workers})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logship-damaged-plain-'));
    const config = buildServerConfig({ data: dir, listen: '127.0.0.1:0', ingest: { workers } });
    const start = () => startServer({ config, logger: pino({ level: 'silent' }), openStore: (c) => openStore(c), retentionAtStart: false });
    let running = await start();
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${running.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...headers }, body });
    const found = async (q: string) => ((await (await fetch(`${running.url}/api/v1/search?q=${encodeURIComponent(q)}&from=now-3d&limit=100`)).json()) as { hits: { message: string }[] }).hits.map((h) => h.message).sort();
    try {
      const old = Math.floor(Date.now() / DAY) * DAY - DAY / 2;
      const today = Date.now() - 60_000;
      const line = (at: number, message: string) => JSON.stringify({ '@timestamp': new Date(at).toISOString(), message, run: 'plain' });
      assert.equal((await post(Array.from({ length: 50 }, (_, i) => line(old - i * 1000, `before ${i}`)).join('\n') + '\n')).status, 200);
      const damaged = join(dir, 'blocks', `${new Date(old).toISOString().slice(0, 10)}.default.db`);
      const db = new Database(damaged);
      db.exec('UPDATE cols SET data = randomblob(length(data))');
      db.close();
      assert.match(await (await fetch(`${running.url}/api/v1/search?q=*&from=now-3d&sort=asc`)).text(), /LS_STORE_CORRUPT_PARTITION/);

      const batch = [line(today, 'plain today'), line(old + 1, 'plain old'), line(today + 1, 'plain today too')].join('\n') + '\n';
      const refused = await post(batch);
      assert.equal(refused.status, 503, 'a 200 would read as all taken');
      assert.equal(refused.headers.get('retry-after'), '5');
      const body = (await refused.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'LS_INGEST_STORE_UNAVAILABLE');
      assert.match(body.error.message, /damaged inside.*1 of the request's 3 events; the others are committed, and deduped when it is sent again/);
      assert.deepEqual(await found('run:plain'), ['plain today', 'plain today too'], 'the other days are stored meanwhile');

      // Sent again while the file is still there: the same 503, nothing twice.
      assert.equal((await post(batch)).status, 503);
      // The header's value is matched in any case, among others.
      const partial = await post(batch, { 'x-logship-partial': 'gzip, Retryable' });
      assert.equal(partial.status, 200);
      assert.deepEqual(((await partial.json()) as { errors: { line: number; retryable?: boolean }[] }).errors.map((e) => [e.line, e.retryable]), [[2, true]]);
      assert.deepEqual(await found('run:plain'), ['plain today', 'plain today too']);

      // The operator's fix: the damaged file moved aside, the server started again.
      await running.close();
      renameSync(damaged, `${damaged}.damaged`);
      running = await start();
      const resent = await post(batch);
      assert.equal(resent.status, 200);
      const answer = (await resent.json()) as { stored: number; duplicates: number; errors: unknown[] };
      assert.deepEqual([answer.stored, answer.duplicates, answer.errors], [1, 2, []]);
      assert.deepEqual(await found('run:plain'), ['plain old', 'plain today', 'plain today too'], 'every line once');
    } finally {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
