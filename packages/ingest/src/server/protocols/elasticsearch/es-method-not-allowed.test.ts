/**
 * A known Elasticsearch-compatible path asked with a method it does not
 * take (`GET /es/_bulk`, `DELETE /es/_bulk`, `PATCH /es/idx/_doc/1`)
 * answered 400 "no handler found", as if the path were wrong. Elasticsearch
 * 8 answers 405 with `Allow` and its simple error shape:
 * `{"error":"Incorrect HTTP method for uri [/_bulk] and method [GET], allowed: [POST, PUT]","status":405}`.
 * Now logship does too, naming the methods it takes there; nothing sent so
 * is stored; an unknown path is still the 400.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileTestApp, WRITE_TOKEN } from '../test-app.js';

const h = fileTestApp();

const auth = { authorization: `Bearer ${WRITE_TOKEN}` };

test('a known /es path with a wrong method answers 405 with Allow and Elasticsearch 8 error shape, storing nothing', async () => {
  const doc = JSON.stringify({ '@timestamp': '2026-02-08T12:41:00Z', message: 'wrong method', run: 'es-405' });
  const cases: [method: 'GET' | 'DELETE' | 'PATCH' | 'POST' | 'PUT', url: string, allow: string][] = [
    ['GET', '/es/_bulk', 'POST,PUT'],
    ['DELETE', '/es/_bulk', 'POST,PUT'],
    ['GET', '/es/logs-app/_bulk?refresh=true', 'POST,PUT'],
    ['PATCH', '/es/idx/_doc/1', 'POST,PUT'],
    ['GET', '/es/idx/_create/1', 'POST,PUT'],
    ['PUT', '/es/idx/_doc', 'POST'],
    ['DELETE', '/es/', 'GET,HEAD'],
    ['POST', '/es/_license', 'GET,HEAD'],
    ['PUT', '/es/_cluster/health', 'GET,HEAD'],
    ['DELETE', '/es/_index_template/filebeat', 'GET,HEAD,POST,PUT'],
    ['DELETE', '/es/logs-app', 'HEAD,PUT'],
    // The router gave these to the no-op `PUT /:index` (an empty index, a probe's name): 200 "created" (schemathesis).
    ['PUT', '/es/', 'GET,HEAD'],
    ['PUT', '/es/_license', 'GET,HEAD'],
    ['PUT', '/es/_xpack', 'GET,HEAD'],
  ];
  for (const [method, url, allow] of cases) {
    const res = await h().logship.app.inject({ method, url, payload: method === 'GET' || method === 'DELETE' ? undefined : doc, headers: { ...auth, 'content-type': 'application/json' } });
    assert.equal(res.statusCode, 405, `${method} ${url}: ${res.body}`);
    assert.equal(res.headers.allow, allow, `${method} ${url}`);
    assert.equal(res.headers['x-elastic-product'], 'Elasticsearch');
    assert.deepEqual(res.json(), {
      error: `Incorrect HTTP method for uri [${url}] and method [${method}], allowed: [${allow.split(',').join(', ')}]`,
      status: 405,
      'logship.code': 'LS_INGEST_METHOD_NOT_ALLOWED',
    });
  }
  const put = await h().logship.app.inject({ method: 'PUT', url: '/es/logs/_doc/', payload: doc, headers: { ...auth, 'content-type': 'application/json' } });
  assert.equal(put.statusCode, 405);
  assert.equal(put.headers.allow, 'POST');
  assert.equal((put.json() as { error: string }).error, 'Incorrect HTTP method for uri [/es/logs/_doc/] and method [PUT], allowed: [POST]');

  const unknown = await h().logship.app.inject({ method: 'GET', url: '/es/_snapshot/repo', headers: auth });
  assert.equal(unknown.statusCode, 400);
  assert.equal(unknown.headers.allow, undefined);
  assert.deepEqual(await h().search('run:es-405'), []);
});

test('OPTIONS of a known /es path answers 200 with Allow and no body, as Elasticsearch does; of an unknown one, the 400', async () => {
  for (const [url, allow] of [['/es/_bulk', 'POST,PUT'], ['/es/idx/_doc/1', 'POST,PUT'], ['/es/', 'GET,HEAD']] as const) {
    const res = await h().logship.app.inject({ method: 'OPTIONS', url, headers: auth });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    assert.equal(res.headers.allow, allow, url);
    assert.equal(res.body, '');
  }
  const unknown = await h().logship.app.inject({ method: 'OPTIONS', url: '/es/_snapshot/repo', headers: auth });
  assert.equal(unknown.statusCode, 400);
});
