import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthorize } from './auth-hook.js';
import { buildServerConfig } from '../config/load-server-config.js';
import { appHarness, ndjson, pythonLine, READ, searchApp, WRITE } from '../testing/app-harness.js';

test('auth: 401 without or with an unknown token, 403 with the wrong scope, health stays open', async () => {
  const h = await appHarness({
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
    assert.deepEqual(none.headers['www-authenticate'], ['Bearer', 'Basic realm="logship", charset="UTF-8"', 'ApiKey']);
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
    assert.equal((await searchApp(h, '*', { authorization: `Bearer ${READ}` })).hits.length, 1);

    assert.equal((await h.logship.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    assert.equal((await h.logship.app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200);
  } finally {
    await h.close();
  }
});

test('auth: per-token rate limit answers 429 with Retry-After until the bucket refills', async () => {
  const h = await appHarness({
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

test('auth: failed attempts are limited per client address; the address is then refused even with a good token; others are not', async () => {
  const h = await appHarness({
    auth: { tokens: [{ name: 'agents', token: WRITE, scopes: ['write'] }], failed_auth: { per_s: 0.5, burst: 3 } },
  });
  try {
    const post = (remoteAddress: string, token?: string) =>
      h.logship.app.inject({
        method: 'POST', url: '/api/v1/ingest', payload: ndjson(pythonLine), remoteAddress,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
    assert.equal((await post('192.0.2.1', 'guess-000000000000')).statusCode, 401);
    assert.equal((await post('192.0.2.1')).statusCode, 401);
    assert.equal((await post('192.0.2.1', 'guess-000000000002')).statusCode, 401);
    const limited = await post('192.0.2.1', 'guess-000000000003');
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'LS_AUTH_TOO_MANY_FAILURES');
    assert.equal(limited.headers['retry-after'], '2');
    assert.equal((await post('192.0.2.1', WRITE)).statusCode, 429, 'the right guess is not even looked at');
    assert.equal((await post('198.51.100.7', WRITE)).statusCode, 200, 'another address is not affected');
    h.clock.now += 2000;
    assert.equal((await post('192.0.2.1', WRITE)).statusCode, 200, 'after Retry-After the address may try again');
    const doc = await h.logship.app.inject({ method: 'GET', url: '/api/v1/openapi.json', remoteAddress: '192.0.2.1' });
    assert.equal(doc.statusCode, 200, 'the OpenAPI document is open, as docs/SERVER.md says');
  } finally {
    await h.close();
  }
});

test('auth: a rate-limited refusal carries its real wait on the error (retryAfterS), not the 5 s default, as in its Retry-After', async () => {
  const { auth } = buildServerConfig({ auth: { tokens: [{ name: 'agents', token: WRITE, scopes: ['write'], requests_per_s: 0.1 }], rate_limit: { burst: 1 } } });
  const authorize = createAuthorize(auth, () => 0)!;
  assert.equal(authorize(`Bearer ${WRITE}`, 'write', '127.0.0.1'), undefined);
  const refusal = authorize(`Bearer ${WRITE}`, 'write', '127.0.0.1');
  assert.equal(refusal?.error.code, 'LS_AUTH_RATE_LIMITED');
  assert.equal(refusal?.headers['retry-after'], '10');
  assert.equal(refusal?.error.retryAfterS, 10);
});
