/**
 * A path the server has, asked with a method none of its routes takes
 * (`TRACE /api/v1/search`, `DELETE /health`, found by schemathesis's
 * unsupported-method check), answered 404 LS_API_NOT_FOUND as if the path
 * were wrong; `QUERY` without a Content-Type answered 400 with fastify's
 * message (and, under /es, fastify's code as `logship.code`), and a body
 * that is not JSON sent to a path with no route answered 400
 * LS_API_BAD_BODY. Now: 405 LS_API_METHOD_NOT_ALLOWED with `Allow` (the
 * Elasticsearch paths their own 405), 404 for a path no route has.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileTestApp, WRITE_TOKEN } from './protocols/test-app.js';

const h = fileTestApp();

const auth = { authorization: `Bearer ${WRITE_TOKEN}` };

test('a known path asked with a method it does not take answers 405 with Allow', async () => {
  const cases: [method: string, url: string, allow: string][] = [
    ['TRACE', '/api/v1/search?q=x', 'GET, HEAD, POST'],
    ['DELETE', '/api/v1/search', 'GET, HEAD, POST'],
    ['OPTIONS', '/api/v1/aggregate', 'GET, HEAD, POST'],
    ['PUT', '/api/v1/fields/level/values', 'GET, HEAD'],
    ['PATCH', '/api/v1/queries/errors/search', 'GET, HEAD'],
    ['GET', '/api/v1/ingest', 'POST'],
    ['DELETE', '/health', 'GET, HEAD'],
    ['TRACE', '/metrics', 'GET, HEAD'],
    ['GET', '/loki/api/v1/push', 'POST'],
    ['GET', '/v1/logs', 'POST'],
    ['QUERY', '/api/v1/search', 'GET, HEAD, POST'],
  ];
  for (const [method, url, allow] of cases) {
    const res = await h().logship.app.inject({ method: method as 'GET', url, headers: auth });
    assert.equal(res.statusCode, 405, `${method} ${url}: ${res.body}`);
    assert.equal(res.headers['allow'], allow, `${method} ${url}`);
    const body = res.json() as { error: { code: string; method: string; allow: string[] } };
    assert.equal(body.error.code, 'LS_API_METHOD_NOT_ALLOWED', `${method} ${url}`);
    assert.equal(body.error.method, method);
    assert.deepEqual(body.error.allow, allow.split(', '));
  }
});

test('a body fastify cannot read, to a path or method no route takes, is answered as the route is missing', async () => {
  const json = { ...auth, 'content-type': 'application/json' };
  const cases: [method: string, url: string, headers: Record<string, string>, payload: string | undefined, status: number, code: string][] = [
    ['POST', '/nowhere', json, '{not json', 404, 'LS_API_NOT_FOUND'],
    ['POST', '/health', json, '{not json', 405, 'LS_API_METHOD_NOT_ALLOWED'],
    ['QUERY', '/nowhere', auth, undefined, 404, 'LS_API_NOT_FOUND'],
    ['QUERY', '/api/v1/fields', json, '', 405, 'LS_API_METHOD_NOT_ALLOWED'],
  ];
  for (const [method, url, headers, payload, status, code] of cases) {
    const res = await h().logship.app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
    assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`);
    assert.equal((res.json() as { error: { code: string } }).error.code, code, `${method} ${url}`);
  }
});

test('a path no route has is still 404, with or without a trailing slash on a known one', async () => {
  for (const [method, url] of [['TRACE', '/nowhere'], ['GET', '/api/v1/search/'], ['TRACE', '/api/v1/search/'], ['GET', '/api/v2/search']] as const) {
    const res = await h().logship.app.inject({ method: method as 'GET', url, headers: auth });
    assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
    assert.equal((res.json() as { error: { code: string } }).error.code, 'LS_API_NOT_FOUND');
  }
});

test('QUERY on an Elasticsearch path is its 405, not a 400 carrying a fastify code', async () => {
  for (const url of ['/es/_bulk', '/es/', '/es/logs/_bulk']) {
    const res = await h().logship.app.inject({ method: 'QUERY' as 'GET', url, headers: auth });
    assert.equal(res.statusCode, 405, `${url}: ${res.body}`);
    const body = res.json() as { status: number; 'logship.code': string };
    assert.equal(body.status, 405);
    assert.equal(body['logship.code'], 'LS_INGEST_METHOD_NOT_ALLOWED');
  }
});
