import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, type LogEvent } from '@logship/query';
import { appHarness, envelope, ndjson, nginxLine, NOW, pythonLine, searchApp, type AppHarness } from '../testing/app-harness.js';
import { openBlockStore } from '../blocks/open-block-store.js';
import { buildServerConfig } from '../config/load-server-config.js';
import { isPreparingStore } from '../store/log-store.js';
import { isLogshipError } from '../errors/define-error.js';
import { IngestWorkers } from './ingest-workers.js';

/*
 * `ingest.workers`: a native request normalized and prepared on a worker
 * thread is answered and stored exactly as one normalized on the main
 * thread. Two servers on block stores with writer threads, one with a
 * worker and one without, are sent the same requests.
 */

// One redaction key for both servers: a redacted event's id is keyed with it.
const keyDir = mkdtempSync(join(tmpdir(), 'logship-key-'));
writeFileSync(join(keyDir, 'redaction.key'), Buffer.alloc(32, 7));
const config = {
  limits: { max_line_bytes: 2000 },
  ingest: { drop: ['path:"/healthz"'], redact: ['(?i)bearer [a-z0-9._-]+'], redact_key_file: join(keyDir, 'redaction.key') },
};
after(() => rmSync(keyDir, { recursive: true, force: true }));

const body = ndjson(
  pythonLine,
  'not json at all',
  nginxLine,
  '[1,2]',
  envelope,
  // The same line again in one request: another event, with an id of its own.
  pythonLine,
  // No time of its own, twice: each an occurrence (receive-stamped).
  { '@raw': 'connection refused', host: 'db-1' },
  { '@raw': 'connection refused', host: 'db-1' },
  { time: '2026-02-08T12:00:03Z', path: '/healthz', message: 'ok' },
  { time: '2026-02-08T12:00:04Z', message: 'auth header Bearer abc.def-123 refused' },
  { time: '2026-02-08T12:00:05Z', message: 'x'.repeat(3000) },
  { time: '2026-02-08T12:00:06Z', message: 'café au lait ☕', level: 'info' },
  { time: '2026-02-08T12:00:07Z', message: 'given id', 'event.id': 'given-1' },
);

async function post(h: AppHarness, payload: string) {
  const res = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload, headers: { 'content-type': 'application/x-ndjson' } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { stored: number; duplicates: number; dropped: number; errors: { line: number; code: string }[] };
}

/** Stored events, without the ids that name their request (receive-stamped), in a fixed order. */
async function stored(h: AppHarness): Promise<string[]> {
  const { hits } = await searchApp(h, '*');
  return hits
    .map((e) => {
      const { 'event.id': id, ...rest } = e;
      return JSON.stringify(e['logship.no_timestamp'] === true ? rest : { id, ...rest });
    })
    .sort();
}

async function eventCounters(h: AppHarness): Promise<string[]> {
  const res = await h.logship.app.inject({ method: 'GET', url: '/metrics' });
  return res.body.split('\n').filter((l) => /^logship_(events|redactions)/.test(l));
}

test('a request normalized on an ingest worker is answered, stored, counted and deduped as on the main thread', async () => {
  const main = await appHarness({ ...config, ingest: { ...config.ingest, workers: 0 } }, { blocks: true });
  const pooled = await appHarness({ ...config, ingest: { ...config.ingest, workers: 1 } }, { blocks: true });
  try {
    const a = await post(main, body);
    const b = await post(pooled, body);
    assert.deepEqual(b, a);
    assert.equal(a.stored, 9);
    assert.equal(a.dropped, 1);
    assert.deepEqual(a.errors.map((e) => [e.line, e.code]), [[2, 'LS_INGEST_LINE_NOT_JSON'], [4, 'LS_INGEST_LINE_NOT_OBJECT'], [11, 'LS_INGEST_LINE_TOO_LONG']]);
    assert.deepEqual(await stored(pooled), await stored(main));
    assert.equal((await searchApp(pooled, '"[REDACTED]"')).hits.length, 1);
    assert.deepEqual(await eventCounters(pooled), await eventCounters(main));

    // A retry: every event already stored (the receive-stamped ones are new occurrences).
    const again = await post(pooled, body);
    assert.deepEqual(again, await post(main, body));
    assert.equal(again.duplicates, 7);
    assert.equal(again.stored, 2);
  } finally {
    await main.close();
    await pooled.close();
  }
});

test('events a worker normalized reach the live tail when it is open, and only then are sent back', async () => {
  const h = await appHarness({ ingest: { workers: 1 } }, { blocks: true });
  try {
    const seen: LogEvent[] = [];
    // No listener: nothing to tell, and nothing is.
    await post(h, ndjson(pythonLine));
    // Events, not refs: the worker sends them back while someone listens.
    const stop = h.logship.feed.subscribe((entries) => seen.push(...(entries as LogEvent[])));
    const answer = await post(h, ndjson(nginxLine, envelope, nginxLine));
    stop();
    assert.equal(answer.stored, 3);
    assert.deepEqual(seen.map((e) => e.message), ['GET /api/orders?page=2 HTTP/1.1 502', '2026-02-08 12:00:02,000 WARNING celery: retrying task', 'GET /api/orders?page=2 HTTP/1.1 502']);
    const byId = new Map((await searchApp(h, '*')).hits.map((e) => [e['event.id'], e]));
    for (const e of seen) assert.deepEqual(byId.get(e['event.id']), { ...e });
  } finally {
    await h.close();
  }
});

test('a worker that fails (out of memory) answers its request 503 LS_INGEST_WORKER_FAILED, stores none of it, and is started again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-workers-'));
  const cfg = buildServerConfig({ data: dir });
  const store = await openBlockStore({ dataDir: dir, retention: cfg.retention, now: () => NOW });
  const failures: string[] = [];
  try {
    assert.ok(isPreparingStore(store));
    const preparer = store.preparer();
    assert.ok(preparer);
    const pool = await IngestWorkers.start(
      1,
      { limits: cfg.limits, defaultTimeZone: 'UTC', drop: null, redact: null, preparer },
      (prepared) => store.commitPrepared(prepared),
      (reason) => failures.push(reason),
      { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 },
    );
    try {
      const line = (i: number) => JSON.stringify({ time: '2026-02-08T12:00:00Z', message: `line ${i} `.padEnd(900, 'x') });
      const items = (text: string) => {
        const buf = Buffer.from(text);
        const out = [];
        let start = 0;
        let ref = 1;
        for (let i = buf.indexOf(10); i >= 0; start = i + 1, i = buf.indexOf(10, start)) out.push({ kind: 'line' as const, ref: ref++, body: buf, start, end: i });
        return out;
      };
      // About 180 MB of events held at once: more than the worker's heap.
      const huge = items(Array.from({ length: 200_000 }, (_, i) => line(i)).join('\n') + '\n');
      await assert.rejects(pool.prepare(huge, NOW, false), (err) => isLogshipError(err) && err.code === 'LS_INGEST_WORKER_FAILED' && err.statusCode === 503);
      assert.equal(failures.length, 1);
      const small = await pool.prepare(items(line(1) + '\n' + line(2) + '\n'), NOW, false);
      assert.ok(small);
      assert.equal((await pool.commit(small.prepared)).stored, 2);
      assert.equal(await store.count({ query: parse('*'), from: NOW - 86_400_000, to: NOW, now: NOW }), 2);
    } finally {
      await pool.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
