import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LogStore } from '../log-store.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { buildServerConfig } from '../config/load-server-config.js';
import { buildApp, type LogshipApp } from './app.js';

const NOW = Date.parse('2026-02-08T15:00:00.000Z');
const WRITE = 'write-token-0123456789';
const READ = 'read-token-0123456789';

interface Harness {
  dir: string;
  store: LogStore;
  logship: LogshipApp;
  clock: { now: number };
  close(): Promise<void>;
}

async function harness(config: Record<string, unknown> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'logship-app-'));
  const clock = { now: NOW };
  const now = () => clock.now;
  const cfg = buildServerConfig({ data: dir, ...config });
  const store = await openSqliteStore({ dataDir: dir, retention: cfg.retention, now });
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

const ndjson = (...lines: unknown[]): string => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

async function search(h: Harness, q: string, headers: Record<string, string> = {}) {
  const res = await h.logship.app.inject({
    method: 'GET',
    url: `/api/v1/search?q=${encodeURIComponent(q)}&from=2026-02-01T00:00:00Z&to=2026-02-09T00:00:00Z&limit=1000`,
    headers,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { hits: Record<string, unknown>[] };
}

const pythonLine = {
  asctime: '2026-02-08 12:00:00,100',
  levelname: 'ERROR',
  name: 'django.request',
  message: 'Internal Server Error: /api/orders',
  user_id: 'u-42',
};
const nginxLine = {
  time_iso8601: '2026-02-08T12:00:01+00:00',
  remote_addr: '203.0.113.9',
  request: 'GET /api/orders?page=2 HTTP/1.1',
  status: '502',
  body_bytes_sent: '157',
  request_time: '1.204',
};
const envelope = { '@raw': '2026-02-08 12:00:02,000 WARNING celery: retrying task', 'event.id': 'f1:0', host: 'web-1', source: '/var/log/celery.log', job: 'celery' };

test('mixed batch: valid lines stored, malformed ones reported by line number', async () => {
  const h = await harness();
  try {
    const body = ndjson(pythonLine, 'not json at all', '', nginxLine, '[1,2]', envelope);
    const res = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: body, headers: { 'content-type': 'application/x-ndjson' } });
    assert.equal(res.statusCode, 200, res.body);
    const answer = res.json();
    assert.equal(answer.stored, 3);
    assert.equal(answer.duplicates, 0);
    assert.equal(answer.expired, 0);
    assert.deepEqual(
      answer.errors.map((e: { line: number; code: string }) => [e.line, e.code]),
      [
        [2, 'LS_INGEST_LINE_NOT_JSON'],
        [5, 'LS_INGEST_LINE_NOT_OBJECT'],
      ],
    );
    assert.match(answer.errors[0].reason, /not valid JSON/);

    const errorsFound = await search(h, 'level:error');
    assert.deepEqual(errorsFound.hits.map((e) => e.message).sort(), ['GET /api/orders?page=2 HTTP/1.1 502', 'Internal Server Error: /api/orders']);
    const slow = await search(h, 'duration_ms:>1000 AND path:"/api/orders"');
    assert.equal(slow.hits.length, 1);
    assert.equal(slow.hits[0]!.status, 502);
    const celery = await search(h, 'job:celery');
    assert.equal(celery.hits[0]!['event.id'], 'f1:0');
    assert.equal(celery.hits[0]!.level, 'warning');
    assert.equal(celery.hits[0]!.host, 'web-1');
  } finally {
    await h.close();
  }
});

test('the same batch posted twice is stored once (event.id dedupe), lines without ids too', async () => {
  const h = await harness();
  try {
    const body = ndjson(pythonLine, nginxLine, envelope);
    const first = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: body });
    const second = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: body });
    assert.deepEqual(first.json(), { stored: 3, duplicates: 0, expired: 0, errors: [] });
    assert.deepEqual(second.json(), { stored: 0, duplicates: 3, expired: 0, errors: [] });
    assert.equal((await search(h, '*')).hits.length, 3);
  } finally {
    await h.close();
  }
});

test('gzip bodies are accepted; a gzip bomb and an oversized body are refused with 413', async () => {
  const h = await harness({ limits: { max_body_bytes: 64 * 1024, max_decompressed_bytes: 256 * 1024 } });
  try {
    const gz = gzipSync(ndjson(pythonLine, nginxLine));
    const ok = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: gz, headers: { 'content-encoding': 'gzip' } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().stored, 2);

    // 10 MiB of one repeated line compresses to ~10 KiB: under the body limit, far over the decompressed one.
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, '{"msg":"a"}\n'));
    assert.ok(bomb.length < 64 * 1024);
    const boom = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: bomb, headers: { 'content-encoding': 'gzip' } });
    assert.equal(boom.statusCode, 413);
    assert.equal(boom.json().error.code, 'LS_INGEST_DECOMPRESSED_TOO_LARGE');

    const big = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: Buffer.alloc(65 * 1024, 'x') });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error.code, 'LS_INGEST_BODY_TOO_LARGE');

    const bad = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: 'plain', headers: { 'content-encoding': 'gzip' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'LS_INGEST_BAD_GZIP');

    const br = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: 'x', headers: { 'content-encoding': 'br' } });
    assert.equal(br.statusCode, 415);
    assert.equal(br.json().error.code, 'LS_INGEST_UNSUPPORTED_ENCODING');
    assert.equal((await search(h, '*')).hits.length, 2, 'refused batches stored nothing');
  } finally {
    await h.close();
  }
});

test('line limit, invalid UTF-8, CRLF, any content type, empty body', async () => {
  const h = await harness({ limits: { max_line_bytes: 200 } });
  try {
    const invalid = Buffer.concat([Buffer.from('{"msg":"caf'), Buffer.from([0xc3, 0x28]), Buffer.from('","level":"info"}\r\n')]);
    const long = Buffer.from(JSON.stringify({ msg: 'x'.repeat(300) }) + '\n');
    const payload = Buffer.concat([invalid, long, Buffer.from('{"msg":"fine","level":"debug"}')]);
    const res = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.statusCode, 200, res.body);
    const answer = res.json();
    assert.equal(answer.stored, 2);
    assert.deepEqual(answer.errors.map((e: { line: number; code: string }) => [e.line, e.code]), [[2, 'LS_INGEST_LINE_TOO_LONG']]);
    const hits = (await search(h, '_exists_:logship.invalid_utf8')).hits;
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.message, 'caf\ufffd(');

    const empty = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest' });
    assert.deepEqual(empty.json(), { stored: 0, duplicates: 0, expired: 0, errors: [] });
  } finally {
    await h.close();
  }
});

test('events already past retention are counted as expired and not stored', async () => {
  const h = await harness();
  try {
    const old = { ...pythonLine, levelname: 'INFO', asctime: '2025-10-01 00:00:00,000' };
    const res = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(old, pythonLine) });
    assert.deepEqual(res.json(), { stored: 1, duplicates: 0, expired: 1, errors: [] });
  } finally {
    await h.close();
  }
});

test('auth: 401 without or with an unknown token, 403 with the wrong scope, health stays open', async () => {
  const h = await harness({
    auth: {
      tokens: [
        { name: 'agents', token: WRITE, scopes: ['write'] },
        { name: 'grafana', token: READ, scopes: ['read'] },
      ],
    },
  });
  try {
    const post = (headers: Record<string, string>) =>
      h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(pythonLine), headers });
    const none = await post({});
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error.code, 'LS_AUTH_MISSING_TOKEN');
    assert.equal(none.headers['www-authenticate'], 'Bearer');
    const wrong = await post({ authorization: 'Bearer not-a-real-token-at-all' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error.code, 'LS_AUTH_INVALID_TOKEN');
    const readOnIngest = await post({ authorization: `Bearer ${READ}` });
    assert.equal(readOnIngest.statusCode, 403);
    assert.equal(readOnIngest.json().error.code, 'LS_AUTH_FORBIDDEN_SCOPE');
    const ok = await post({ authorization: `Bearer ${WRITE}` });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().stored, 1);

    const searchUrl = '/api/v1/search?q=*&from=2026-02-01T00:00:00Z&to=2026-02-09T00:00:00Z';
    const anon = await h.logship.app.inject({ method: 'GET', url: searchUrl });
    assert.equal(anon.statusCode, 401);
    const writeOnSearch = await h.logship.app.inject({ method: 'GET', url: searchUrl, headers: { authorization: `Bearer ${WRITE}` } });
    assert.equal(writeOnSearch.statusCode, 403);
    assert.equal(writeOnSearch.json().error.code, 'LS_AUTH_FORBIDDEN_SCOPE');
    assert.equal((await search(h, '*', { authorization: `Bearer ${READ}` })).hits.length, 1);

    assert.equal((await h.logship.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    assert.equal((await h.logship.app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200);
  } finally {
    await h.close();
  }
});

test('auth: per-token rate limit answers 429 with Retry-After until the bucket refills', async () => {
  const h = await harness({
    auth: { tokens: [{ name: 'agents', token: WRITE, scopes: ['write'], requests_per_s: 0.5 }], rate_limit: { burst: 2 } },
  });
  try {
    const post = () =>
      h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(pythonLine), headers: { authorization: `Bearer ${WRITE}` } });
    assert.equal((await post()).statusCode, 200);
    assert.equal((await post()).statusCode, 200);
    const limited = await post();
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'LS_AUTH_RATE_LIMITED');
    assert.equal(limited.headers['retry-after'], '2');
    h.clock.now += 2000;
    assert.equal((await post()).statusCode, 200);
    assert.equal((await post()).statusCode, 429);
  } finally {
    await h.close();
  }
});

test('health: ready with a working store, 503 naming the store check once it is closed; ingest then answers 503', async () => {
  const h = await harness();
  try {
    const ready = await h.logship.app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready', checks: { store: 'ok' } });
    assert.deepEqual((await h.logship.app.inject({ method: 'GET', url: '/health' })).json(), { status: 'healthy' });
    await h.store.close();
    const down = await h.logship.app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(down.statusCode, 503);
    assert.equal(down.json().status, 'not_ready');
    assert.notEqual(down.json().checks.store, 'ok');
    // A batch the store cannot commit is not acknowledged: 503, retryable.
    const refused = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(pythonLine) });
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.json().error.code, 'LS_INGEST_STORE_UNAVAILABLE');
    assert.equal(refused.headers['retry-after'], '5', 'agents are told when to retry');
  } finally {
    await h.close();
  }
});

test('metrics: ingest counters by reason, partition sizes, HTTP requests', async () => {
  const h = await harness();
  try {
    await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(pythonLine, nginxLine, '{oops', pythonLine) });
    const res = await h.logship.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const text = res.body;
    assert.match(text, /^logship_ingest_events_received_total 4$/m);
    assert.match(text, /^logship_ingest_events_stored_total 2$/m);
    assert.match(text, /^logship_ingest_events_duplicate_total 1$/m);
    assert.match(text, /^logship_ingest_events_rejected_total\{reason="LS_INGEST_LINE_NOT_JSON"\} 1$/m);
    assert.match(text, /^logship_ingest_events_normalized_total\{format="nginx"\} 1$/m);
    assert.match(text, /^logship_ingest_batch_duration_seconds_count 1$/m);
    assert.match(text, /^logship_store_partition_bytes\{partition="[^"]+",class="errors",day="2026-02-08"\} [1-9]\d*$/m);
    assert.match(text, /^logship_http_requests_total\{method="POST",route="\/api\/v1\/ingest",status_code="200"\} 1$/m);
    assert.match(text, /^logship_retention_runs_total 0$/m);
  } finally {
    await h.close();
  }
});

test('close() lets an in-flight batch finish and answer; the events are stored', async () => {
  const h = await harness();
  const { app } = h.logship;
  let arrived!: () => void;
  const arrivedP = new Promise<void>((resolve) => (arrived = resolve));
  app.addHook('onRequest', async (request) => {
    if (request.url === '/api/v1/ingest') arrived();
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  try {
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/ingest', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(ndjson(pythonLine));
      void arrivedP.then(() => {
        // The request is in flight (headers in, body not finished) when shutdown starts.
        const closing = app.close();
        req.end(ndjson(nginxLine));
        return closing;
      });
    });
    const res = await answer;
    assert.equal(res.status, 200, res.body);
    assert.equal(JSON.parse(res.body).stored, 2);
    await app.close();
    const reopened = await openSqliteStore({ dataDir: h.dir, now: () => NOW });
    try {
      const parts = await reopened.partitions(NOW);
      assert.equal(parts.reduce((s, p) => s + p.events, 0), 2);
    } finally {
      await reopened.close();
    }
  } finally {
    await h.close();
  }
});

/** Small deterministic PRNG (mulberry32) so the fuzz batch is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('fuzz: a batch of hostile lines is answered 200 and every line is accounted for', async () => {
  const h = await harness();
  try {
    const rand = prng(20260208);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const word = () => Math.floor(rand() * 1e9).toString(36);
    const lines: Buffer[] = [];
    for (let i = 0; i < 300; i++) {
      const kind = pick(['valid', 'valid', 'envelope', 'cut', 'bytes', 'scalar', 'deep', 'wide', 'huge', 'dupe']);
      let line: string | Buffer;
      if (kind === 'valid') line = JSON.stringify({ level: pick(['info', 'ERROR', 'warn', 'bogus', 30, 3]), msg: word(), [word()]: { [word()]: rand() } });
      else if (kind === 'envelope') line = JSON.stringify({ '@raw': pick(['{', '{"MESSAGE":"x","PRIORITY":"9"}', `[warn] ${word()}`, '']), 'event.id': pick([word(), 7, true, null]), x: [1, { y: 2 }] });
      else if (kind === 'cut') {
        const full = JSON.stringify({ msg: word(), nested: { a: [1, 2, 3], b: 'é€😀' } });
        line = full.slice(0, 1 + Math.floor(rand() * (full.length - 2)));
      } else if (kind === 'bytes') line = Buffer.concat([Buffer.from('x'), Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 64) }, () => pick([0x00, 0x7b, 0x22, 0xff, 0xc3, 0xe2, 0x5c, Math.floor(rand() * 0x0a)])))]);
      else if (kind === 'scalar') line = pick(['1', '"s"', 'null', 'true', '[]', '[{"msg":"x"}]']);
      else if (kind === 'deep') line = '{"a":'.repeat(60) + '1' + '}'.repeat(60);
      else if (kind === 'wide') line = JSON.stringify(Object.fromEntries(Array.from({ length: 800 }, (_, k) => [`k${k}`, k])));
      else if (kind === 'huge') line = JSON.stringify({ msg: 'z'.repeat(100_000 + Math.floor(rand() * 1000)), level: 'info' });
      else line = JSON.stringify({ msg: 'the same line', level: 'info' });
      lines.push(Buffer.isBuffer(line) ? line : Buffer.from(line));
    }
    const payload = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
    const res = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload });
    assert.equal(res.statusCode, 200, res.body);
    const a = res.json() as { stored: number; duplicates: number; expired: number; errors: { line: number; code: string }[] };
    assert.equal(a.stored + a.duplicates + a.expired + a.errors.length, lines.length);
    assert.ok(a.errors.length > 0 && a.stored > 0);
    assert.equal(new Set(a.errors.map((e) => e.line)).size, a.errors.length);
    for (const e of a.errors) {
      assert.ok(e.line >= 1 && e.line <= lines.length);
      assert.match(e.code, /^LS_INGEST_LINE_/);
    }
    assert.equal((await search(h, '*')).hits.length, a.stored);
    assert.equal((await search(h, '_exists_:logship.depth_capped')).hits.length > 0, true);
    assert.equal((await search(h, '_exists_:logship.fields_capped')).hits.length > 0, true);
  } finally {
    await h.close();
  }
});

test('a chunked body over the limit gets a 413 answer on a real socket, not a reset', async () => {
  const h = await harness({ limits: { max_body_bytes: 64 * 1024 } });
  const { app } = h.logship;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  try {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/ingest', headers: { 'transfer-encoding': 'chunked' } }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      const line = Buffer.from(JSON.stringify({ msg: 'y'.repeat(1000) }) + '\n');
      for (let i = 0; i < 70; i++) req.write(line);
      req.end();
    });
    assert.equal(res.status, 413);
    assert.equal(JSON.parse(res.body).error.code, 'LS_INGEST_BODY_TOO_LARGE');
  } finally {
    await h.close();
  }
});
