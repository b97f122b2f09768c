/**
 * A request mixing events of a day whose partition the server found damaged
 * with events of other days, from a listening server over real sockets:
 * the other days are stored and the damaged day's events refused as a
 * retry's to make, in each protocol's words. The native route (to a sender
 * sending `x-logship-partial: retryable`; damaged-day-plain-sender.test.ts
 * has the others) and Elasticsearch bulk say it per item (`retryable: true`; a 503 item);
 * Loki push and OTLP, whose answers cannot, answer 503 with Retry-After,
 * the stored part deduped when the request comes again. A request only
 * for the damaged day is the same: every line retryable to the agent (a
 * 503 for the request kept it waiting on them, shipping nothing after
 * them), a 503 to a sender that does not say it retries lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { buildServerConfig } from '../config/load-server-config.js';
import { openStore } from '../store/open-store.js';
import { startServer } from './server.js';

const DAY = 86_400_000;

// With ingest workers, native requests are prepared on another thread and committed here: checked the same.
for (const workers of [0, 1]) test(`a request mixing a damaged day with other days: the others stored, the damaged day refused retryably, in every protocol (ingest.workers ${workers})`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-damaged-day-'));
  const config = buildServerConfig({ data: dir, listen: '127.0.0.1:0', ingest: { workers } });
  const errors: { msg: string; partition?: string }[] = [];
  const logger = pino({ level: 'error' }, { write: (s: string) => void errors.push(JSON.parse(s) as { msg: string }) });
  const running = await startServer({ config, logger, openStore: (c) => openStore(c), retentionAtStart: false });
  const post = (path: string, type: string, body: string) => fetch(`${running.url}${path}`, { method: 'POST', headers: { 'content-type': type, 'x-logship-partial': 'retryable' }, body });
  const found = async (q: string) => ((await (await fetch(`${running.url}/api/v1/search?q=${encodeURIComponent(q)}&from=now-3d&limit=100`)).json()) as { hits: unknown[] }).hits.length;
  try {
    const old = Math.floor(Date.now() / DAY) * DAY - DAY / 2;
    const today = Date.now() - 60_000;
    const line = (at: number, message: string) => JSON.stringify({ '@timestamp': new Date(at).toISOString(), message });
    const first = await post('/api/v1/ingest', 'application/x-ndjson', Array.from({ length: 200 }, (_, i) => line(old - i * 1000, `before the damage ${i}`)).join('\n') + '\n');
    assert.equal(first.status, 200, await first.text());
    // The day's columns overwritten inside valid pages; a search reading them finds it.
    const db = new Database(join(dir, 'blocks', `${new Date(old).toISOString().slice(0, 10)}.default.db`));
    db.exec('UPDATE cols SET data = randomblob(length(data))');
    db.close();
    const search = await fetch(`${running.url}/api/v1/search?q=*&from=now-3d&sort=asc`);
    assert.match(await search.text(), /LS_STORE_CORRUPT_PARTITION/);
    // Found while running, it is in the server's log too (only answers' warnings and a gauge said it).
    const name = `${new Date(old).toISOString().slice(0, 10)}.default.db`;
    assert.deepEqual(
      errors.filter((l) => l.msg.startsWith('Partition ')).map((l) => [l.partition, l.msg.replace(/\(.*\)/, '(…)')]),
      [[name, `Partition ${name} is damaged inside (…); searches over its day leave it out and writes to its day are refused: stop the server, restore it from a backup or move it aside, and start again.`]],
    );

    // A sender that says it retries lines marked retryable (the agent).
    const native = await post('/api/v1/ingest', 'application/x-ndjson', [line(today, 'native today'), line(old + 1, 'native old'), line(today + 1, 'native today too')].join('\n') + '\n');
    assert.equal(native.status, 200);
    const answer = (await native.json()) as { stored: number; errors: { line: number; code: string; reason: string; retryable?: boolean }[] };
    assert.equal(answer.stored, 2);
    assert.deepEqual(answer.errors.map((e) => [e.line, e.code, e.retryable]), [[2, 'LS_INGEST_STORE_UNAVAILABLE', true]]);
    assert.match(answer.errors[0]!.reason, /partition \S+\.default\.db is damaged inside/);
    assert.equal(await found('"native today"'), 2);
    assert.equal((await fetch(`${running.url}/health/ready`)).status, 503, 'readiness names the refused writes');

    const bulk = ['{"create":{"_index":"logs"}}', line(today, 'bulk today'), '{"create":{"_index":"logs"}}', line(old + 2, 'bulk old')].join('\n') + '\n';
    const es = (await (await post('/es/_bulk', 'application/x-ndjson', bulk)).json()) as { errors: boolean; items: { create: { status: number; error?: { type: string } } }[] };
    assert.equal(es.errors, true);
    assert.deepEqual(es.items.map((i) => [i.create.status, i.create.error?.type]), [[201, undefined], [503, 'unavailable_shards_exception']]);
    assert.equal(await found('"bulk today"'), 1);

    const ns = (at: number) => String(at * 1e6);
    const loki = await post('/loki/api/v1/push', 'application/json', JSON.stringify({ streams: [{ stream: { job: 'x' }, values: [[ns(today), 'loki today'], [ns(old + 3), 'loki old']] }] }));
    assert.equal(loki.status, 503, await loki.clone().text());
    assert.equal(loki.headers.get('retry-after'), '5');
    assert.equal(await found('"loki today"'), 1);
    const record = (at: number, text: string) => ({ timeUnixNano: ns(at), body: { stringValue: text } });
    const otlp = await post('/v1/logs', 'application/json', JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [record(today, 'otlp today'), record(old + 4, 'otlp old')] }] }] }));
    assert.equal(otlp.status, 503, await otlp.clone().text());
    assert.equal(await found('"otlp today"'), 1);

    // Only the damaged day: every line retryable to the agent, which holds them and ships on.
    const only = await post('/api/v1/ingest', 'application/x-ndjson', `${line(old + 5, 'only old')}\n${line(old + 6, 'only old too')}\n`);
    assert.equal(only.status, 200);
    const held = (await only.json()) as { stored: number; errors: { line: number; code: string; reason: string; retryable?: boolean }[] };
    assert.equal(held.stored, 0);
    assert.deepEqual(held.errors.map((e) => [e.line, e.code, e.retryable]), [[1, 'LS_INGEST_STORE_UNAVAILABLE', true], [2, 'LS_INGEST_STORE_UNAVAILABLE', true]]);
    assert.match(held.errors[0]!.reason, /damaged inside/);
    // A sender that takes a 200 as done (curl, Vector's http sink) is refused the request whole.
    const plain = await fetch(`${running.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${line(old + 7, 'plain old')}\n` });
    assert.equal(plain.status, 503);
    assert.equal(plain.headers.get('retry-after'), '5');
    assert.match(await plain.text(), /damaged inside.*1 of the request's 1 events; none was committed/);
    assert.equal((await fetch(`${running.url}/health/ready`)).status, 503, 'readiness still names the refused writes');
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
