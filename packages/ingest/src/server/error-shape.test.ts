/**
 * Whatever refuses a request (a route, fastify's body parsing, the router,
 * Node's HTTP parser) answers `{error:{code,message}}` with a logship code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { MAX_PATH_PARAM_LENGTH } from '@logship/query';
import { appHarness, ndjson, pythonLine } from '../testing/app-harness.js';
import { MAX_HEADER_BYTES } from './app.js';

const RANGE = { from: '2026-02-01T00:00:00Z', to: '2026-02-09T00:00:00Z' };

function assertShape(body: string, code: string): void {
  const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
  assert.equal(parsed.error?.code, code, body);
  assert.equal(typeof parsed.error?.message, 'string', body);
}

test('bad POST bodies on the query API answer 400 or 415 with a code, and good ones still work', async () => {
  const h = await appHarness();
  try {
    await h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: ndjson(pythonLine) });
    const post = (payload: string, contentType: string) =>
      h.logship.app.inject({ method: 'POST', url: '/api/v1/search', payload, headers: { 'content-type': contentType } });
    for (const [what, payload, type, status, code] of [
      ['malformed JSON', '{"q":', 'application/json', 400, 'LS_API_BAD_BODY'],
      ['a __proto__ key', '{"q":"*","__proto__":{"x":1}}', 'application/json', 400, 'LS_API_BAD_BODY'],
      ['a constructor.prototype key', '{"constructor":{"prototype":{"x":1}}}', 'application/json', 400, 'LS_API_BAD_BODY'],
      ['an empty JSON body', '', 'application/json', 400, 'LS_API_BAD_BODY'],
      ['form-urlencoded', 'q=*', 'application/x-www-form-urlencoded', 415, 'LS_API_UNSUPPORTED_MEDIA_TYPE'],
      ['text/plain (parsed as a string, then refused by the schema)', 'q=*', 'text/plain', 400, 'LS_API_BAD_REQUEST'],
    ] as const) {
      const res = await post(payload, type);
      assert.equal(res.statusCode, status, `${what}: ${res.body}`);
      assertShape(res.body, code);
    }
    const agg = await h.logship.app.inject({ method: 'POST', url: '/api/v1/aggregate', payload: '[1,', headers: { 'content-type': 'application/json' } });
    assert.equal(agg.statusCode, 400);
    assertShape(agg.body, 'LS_API_BAD_BODY');
    const ok = await post(JSON.stringify({ q: 'level:error', ...RANGE }), 'application/json');
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().hits.length, 1);
    assert.equal(({} as Record<string, unknown>).x, undefined, 'nothing was polluted');
  } finally {
    await h.close();
  }
});

test('an unknown route answers 404 LS_API_NOT_FOUND, a known one with another method 405 LS_API_METHOD_NOT_ALLOWED, in the error shape', async () => {
  const h = await appHarness();
  try {
    for (const [method, url] of [['GET', '/nope'], ['GET', '/api/v1/serch?q=x']] as const) {
      const res = await h.logship.app.inject({ method, url });
      assert.equal(res.statusCode, 404, `${method} ${url}`);
      assertShape(res.body, 'LS_API_NOT_FOUND');
    }
    // method-not-allowed.test.ts has the Allow header and more cases.
    for (const [method, url] of [['DELETE', '/api/v1/search'], ['GET', '/api/v1/ingest']] as const) {
      const res = await h.logship.app.inject({ method, url });
      assert.equal(res.statusCode, 405, `${method} ${url}`);
      assertShape(res.body, 'LS_API_METHOD_NOT_ALLOWED');
    }
  } finally {
    await h.close();
  }
});

test('the router\'s own refusals (a broken %-escape, a path parameter longer than the longest query) come in the error shape', async () => {
  const h = await appHarness();
  try {
    const bad = await h.logship.app.inject({ method: 'GET', url: '/api/v1/queries/%E0%A4%A/search' });
    assert.equal(bad.statusCode, 400, bad.body);
    assertShape(bad.body, 'LS_API_BAD_REQUEST');
    const long = await h.logship.app.inject({ method: 'GET', url: `/api/v1/queries/${'x'.repeat(MAX_PATH_PARAM_LENGTH + 1)}/search` });
    assert.equal(long.statusCode, 414, long.body);
    assertShape(long.body, 'LS_API_PATH_TOO_LONG');
  } finally {
    await h.close();
  }
});

test('headers over the limit answer 431 and broken HTTP 400, both in the error shape, on a real socket', async () => {
  const h = await appHarness();
  const { app } = h.logship;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const raw = (request: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => socket.write(request));
      let answer = '';
      socket.on('data', (c: Buffer) => (answer += c.toString('utf8')));
      socket.on('end', () => resolve(answer));
      socket.on('close', () => resolve(answer));
      socket.on('error', (err) => (answer ? resolve(answer) : reject(err)));
    });
  try {
    // A query of the most characters the parser takes, each percent-encoded
    // to 9 (a 3-byte UTF-8 character), is read: the page puts it in URLs.
    const longest = encodeURIComponent('日'.repeat(8192));
    const longUrl = await raw(`GET /api/v1/search?q=${longest}&limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(longUrl, /^HTTP\/1\.1 200 /, longUrl.slice(0, 300));
    const big = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(MAX_HEADER_BYTES)}\r\n\r\n`);
    assert.match(big, /^HTTP\/1\.1 431 /);
    assertShape(big.slice(big.indexOf('\r\n\r\n') + 4), 'LS_API_HEADERS_TOO_LARGE');
    const broken = await raw('NOT HTTP AT ALL\r\n\r\n');
    assert.match(broken, /^HTTP\/1\.1 400 /);
    assertShape(broken.slice(broken.indexOf('\r\n\r\n') + 4), 'LS_API_CLIENT_ERROR');
    const fine = await raw('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(fine, /^HTTP\/1\.1 200 /, 'the server still answers');
  } finally {
    await h.close();
  }
});
