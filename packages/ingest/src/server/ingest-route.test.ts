import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import * as zlib from 'node:zlib';
import { gzipSync } from 'node:zlib';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { createRng } from '@logship/query';
import { appHarness, envelope, ndjson, nginxLine, NOW, pythonLine, searchApp } from '../testing/app-harness.js';

test('mixed batch: valid lines stored, malformed ones reported by line number', async () => {
  const h = await appHarness();
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

    const errorsFound = await searchApp(h, 'level:error');
    assert.deepEqual(errorsFound.hits.map((e) => e.message).sort(), ['GET /api/orders?page=2 HTTP/1.1 502', 'Internal Server Error: /api/orders']);
    const slow = await searchApp(h, 'duration_ms:>1000 AND path:"/api/orders"');
    assert.equal(slow.hits.length, 1);
    assert.equal(slow.hits[0]!.status, 502);
    const celery = await searchApp(h, 'job:celery');
    assert.equal(celery.hits[0]!['event.id'], 'f1:0');
    assert.equal(celery.hits[0]!.level, 'warning');
    assert.equal(celery.hits[0]!.host, 'web-1');
  } finally {
    await h.close();
  }
});

test('a body that is one pretty-printed JSON object (curl -d @event.json) is one event, not a line-by-line refusal', async () => {
  const h = await appHarness();
  try {
    const pretty = JSON.stringify({ '@timestamp': '2026-02-08T14:00:00Z', level: 'warn', message: 'pretty printed', user: { id: 'u-1' } }, null, 2);
    const res = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: pretty, headers: { 'content-type': 'application/json' } });
    assert.deepEqual(res.json(), { stored: 1, duplicates: 0, expired: 0, dropped: 0, errors: [] });
    const [hit] = (await searchApp(h, '"pretty printed"')).hits;
    assert.equal(hit?.level, 'warning');
    assert.equal(hit?.['user.id'], 'u-1');
    // NDJSON, and a broken pretty object, are read line by line as before.
    const nd = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: '{"message":"nd one"}\n{"message":"nd two"}\n' });
    assert.equal(nd.json().stored, 2);
    const broken = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: '{\n  "message": "broken",\n' });
    assert.equal(broken.json().stored, 0);
    assert.equal(broken.json().errors[0].code, 'LS_INGEST_LINE_NOT_JSON');
  } finally {
    await h.close();
  }
});

test('the same batch posted twice is stored once (event.id dedupe), lines without ids too', async () => {
  const h = await appHarness();
  try {
    const body = ndjson(pythonLine, nginxLine, envelope);
    const first = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: body });
    const second = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: body });
    assert.deepEqual(first.json(), { stored: 3, duplicates: 0, expired: 0, dropped: 0, errors: [] });
    assert.deepEqual(second.json(), { stored: 0, duplicates: 3, expired: 0, dropped: 0, errors: [] });
    assert.equal((await searchApp(h, '*')).hits.length, 3);
  } finally {
    await h.close();
  }
});

test('identical lines in one request are distinct events; a retry of the request is still deduped line for line', async () => {
  const h = await appHarness();
  try {
    // The same time: identical content ids.
    const at = new Date(Date.now() - 60_000).toISOString();
    const body = ndjson({ '@timestamp': at, msg: 'retrying' }, { '@timestamp': at, msg: 'retrying' }, { '@timestamp': at, msg: 'retrying' }, { '@timestamp': at, msg: 'tick' }, { '@timestamp': at, msg: 'tick' });
    const first = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: body });
    assert.deepEqual(first.json(), { stored: 5, duplicates: 0, expired: 0, dropped: 0, errors: [] });
    const again = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: body });
    assert.deepEqual(again.json(), { stored: 0, duplicates: 5, expired: 0, dropped: 0, errors: [] });
    const hits = (await searchApp(h, '*')).hits;
    assert.equal(hits.length, 5);
    assert.equal(new Set(hits.map((e) => e['event.id'])).size, 5);
    // Two of the three in a later request: the first two of the stored three, not new events.
    const part = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson({ '@timestamp': at, msg: 'retrying' }, { '@timestamp': at, msg: 'retrying' }) });
    assert.deepEqual(part.json(), { stored: 0, duplicates: 2, expired: 0, dropped: 0, errors: [] });
  } finally {
    await h.close();
  }
});

test('lines without a time of their own (receive-stamped) sent again later are new events, not retries; with an id they still dedupe', async () => {
  const h = await appHarness();
  try {
    // A firewall's deny with no time: three in one request, then the same again an hour later.
    const body = ndjson({ msg: 'DENY tcp 10.0.0.9:4431 -> 10.0.0.1:22' }, { msg: 'DENY tcp 10.0.0.9:4431 -> 10.0.0.1:22' }, { msg: 'DENY tcp 10.0.0.9:4431 -> 10.0.0.1:22' });
    const first = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: body });
    assert.deepEqual(first.json(), { stored: 3, duplicates: 0, expired: 0, dropped: 0, errors: [] });
    h.clock.now += 3_600_000;
    const later = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: body });
    assert.deepEqual(later.json(), { stored: 3, duplicates: 0, expired: 0, dropped: 0, errors: [] });
    // Even within the same millisecond, another request is another send.
    const same = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson({ msg: 'DENY tcp 10.0.0.9:4431 -> 10.0.0.1:22' }) });
    assert.deepEqual(same.json(), { stored: 1, duplicates: 0, expired: 0, dropped: 0, errors: [] });
    const hits = (await searchApp(h, 'DENY')).hits;
    assert.equal(hits.length, 7);
    assert.ok(hits.every((e) => e['logship.no_timestamp'] === true));
    // A sender that gives an id (the agent does) retries without a duplicate, whenever it retries.
    const given = ndjson({ 'event.id': 'fw:1', msg: 'DENY udp' }, { 'event.id': 'fw:2', msg: 'DENY udp' });
    assert.deepEqual((await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: given })).json(), { stored: 2, duplicates: 0, expired: 0, dropped: 0, errors: [] });
    h.clock.now += 60_000;
    assert.deepEqual((await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: given })).json(), { stored: 0, duplicates: 2, expired: 0, dropped: 0, errors: [] });
  } finally {
    await h.close();
  }
});

test('gzip bodies are accepted; a gzip bomb and an oversized body are refused with 413', async () => {
  const h = await appHarness({ limits: { max_body_bytes: 64 * 1024, max_decompressed_bytes: 256 * 1024 } });
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

    // Each encoding names itself: a broken deflate or zstd body is not called gzip.
    const hasZstd = 'zstdDecompress' in zlib;
    for (const [encoding, code] of [['x-gzip', 'LS_INGEST_BAD_GZIP'], ['deflate', 'LS_INGEST_BAD_DEFLATE'], ['zlib', 'LS_INGEST_BAD_DEFLATE'], ['zstd', 'LS_INGEST_BAD_ZSTD']] as const) {
      const res = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: 'plain', headers: { 'content-encoding': encoding } });
      if (encoding === 'zstd' && !hasZstd) {
        assert.equal(res.statusCode, 415, 'zstd needs Node 22.15');
        continue;
      }
      assert.equal(res.statusCode, 400, `${encoding}: ${res.body}`);
      assert.equal(res.json().error.code, code, encoding);
      assert.match(res.json().error.message, new RegExp(`not valid ${encoding === 'x-gzip' ? 'gzip' : encoding}`));
    }

    const br = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: 'x', headers: { 'content-encoding': 'br' } });
    assert.equal(br.statusCode, 415);
    assert.equal(br.json().error.code, 'LS_INGEST_UNSUPPORTED_ENCODING');
    assert.equal((await searchApp(h, '*')).hits.length, 2, 'refused batches stored nothing');
  } finally {
    await h.close();
  }
});

test('line limit, invalid UTF-8, CRLF, any content type, empty body', async () => {
  const h = await appHarness({ limits: { max_line_bytes: 200 } });
  try {
    const invalid = Buffer.concat([Buffer.from('{"msg":"caf'), Buffer.from([0xc3, 0x28]), Buffer.from('","level":"info"}\r\n')]);
    const long = Buffer.from(JSON.stringify({ msg: 'x'.repeat(300) }) + '\n');
    const payload = Buffer.concat([invalid, long, Buffer.from('{"msg":"fine","level":"debug"}')]);
    const res = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.statusCode, 200, res.body);
    const answer = res.json();
    assert.equal(answer.stored, 2);
    assert.deepEqual(answer.errors.map((e: { line: number; code: string }) => [e.line, e.code]), [[2, 'LS_INGEST_LINE_TOO_LONG']]);
    const hits = (await searchApp(h, '_exists_:logship.invalid_utf8')).hits;
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.message, 'caf\ufffd(');

    const empty = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest' });
    assert.deepEqual(empty.json(), { stored: 0, duplicates: 0, expired: 0, dropped: 0, errors: [] });
  } finally {
    await h.close();
  }
});

test('events already past retention are counted as expired and not stored', async () => {
  const h = await appHarness();
  try {
    const old = { ...pythonLine, levelname: 'INFO', asctime: '2025-10-01 00:00:00,000' };
    const res = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(old, pythonLine) });
    assert.deepEqual(res.json(), { stored: 1, duplicates: 0, expired: 1, dropped: 0, errors: [] });
  } finally {
    await h.close();
  }
});

test('close() lets an in-flight batch finish and answer; the events are stored', async () => {
  const h = await appHarness();
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

test('fuzz: a batch of hostile lines is answered 200 and every line is accounted for', async () => {
  const h = await appHarness();
  try {
    const rand = createRng(20260208).next;
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
    assert.equal((await searchApp(h, '*')).hits.length, a.stored);
    assert.equal((await searchApp(h, '_exists_:logship.depth_capped')).hits.length > 0, true);
    assert.equal((await searchApp(h, '_exists_:logship.fields_capped')).hits.length > 0, true);
  } finally {
    await h.close();
  }
});

test('a chunked body over the limit gets a 413 answer on a real socket, not a reset', async () => {
  const h = await appHarness({ limits: { max_body_bytes: 64 * 1024 } });
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

test('an object 5,000 levels deep, in a line or in envelope metadata, does not cost the good line beside it', async () => {
  const h = await appHarness();
  try {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const payload = ndjson(pythonLine, `{"msg":"deep line","x":${deep}}`, `{"@raw":"deep meta","event.id":"m:1","meta":${deep}}`, `[${'['.repeat(5000)}${']'.repeat(5000)}]`);
    const res = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload });
    assert.equal(res.statusCode, 200, res.body);
    const answer = res.json();
    assert.equal(answer.stored, 3);
    assert.deepEqual(answer.errors.map((e: { line: number; code: string }) => [e.line, e.code]), [[4, 'LS_INGEST_LINE_NOT_OBJECT']]);
    assert.equal((await searchApp(h, 'level:error')).hits.length, 1, 'the good line is stored');
    assert.equal((await searchApp(h, '_exists_:logship.depth_capped')).hits.length, 2);
  } finally {
    await h.close();
  }
});

test('600 integer-like keys do not push event.id, @timestamp, level or message out of a stored event', async () => {
  const h = await appHarness();
  try {
    const keys = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [String(i), i]));
    const line = { ...keys, 'event.id': 'wide-1', '@timestamp': '2026-02-08T12:00:00Z', level: 'error', message: 'wide event' };
    const res = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(line) });
    assert.equal(res.json().stored, 1, res.body);
    const [hit] = (await searchApp(h, 'message:wide')).hits;
    assert.ok(hit, 'found by its message');
    assert.equal(hit['event.id'], 'wide-1');
    assert.equal(hit['@timestamp'], '2026-02-08T12:00:00.000Z');
    assert.equal(hit.level, 'error');
    assert.equal(hit['logship.fields_capped'], true);
  } finally {
    await h.close();
  }
});

test('1,000 events on 1,000 future days are all stored, at the receive time, in today\'s partition; a retry is a duplicate', async () => {
  const h = await appHarness();
  try {
    const DAY = 86_400_000;
    const lines = Array.from({ length: 1000 }, (_, i) => ({ 'event.id': `f:${i}`, '@timestamp': new Date(NOW + (i + 2) * DAY).toISOString(), message: `future ${i}` }));
    const first = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(...lines) });
    assert.deepEqual(first.json(), { stored: 1000, duplicates: 0, expired: 0, dropped: 0, errors: [] });
    h.clock.now += 60_000;
    const retry = await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(...lines) });
    assert.deepEqual(retry.json(), { stored: 0, duplicates: 1000, expired: 0, dropped: 0, errors: [] }, 'stamped anew, still deduped by id');
    const parts = await h.store.partitions(h.clock.now);
    assert.equal(parts.length, 1, 'one partition, not 1,000 future days');
    const hits = (await searchApp(h, '_exists_:logship.future_timestamp')).hits;
    assert.equal(hits.length, 1000);
    const one = hits.find((e) => e['event.id'] === 'f:0')!;
    assert.equal(one['@timestamp'], new Date(NOW).toISOString());
    assert.equal(one['logship.original_timestamp'], new Date(NOW + 2 * DAY).toISOString());
  } finally {
    await h.close();
  }
});
