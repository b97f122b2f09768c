/**
 * A single-document write whose id is left empty (`PUT /es/logs/_doc/`, a
 * script's unset variable) was stored under a made id; Elasticsearch reads
 * the path without the id and refuses the PUT (405: that route takes POST
 * only) and `_create/` (no handler, 400). `POST …/_doc/` makes an id there,
 * and here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileTestApp, WRITE_TOKEN } from '../test-app.js';

const h = fileTestApp();

test('an empty document id: PUT _doc/ is a 405, _create/ a 400, as Elasticsearch answers; POST _doc/ makes an id; nothing refused is stored', async () => {
  const doc = (message: string) => JSON.stringify({ '@timestamp': '2026-02-08T12:40:00Z', message, run: 'empty-id' });
  const send = (method: 'PUT' | 'POST', url: string, message: string) =>
    h().logship.app.inject({ method, url, payload: doc(message), headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' } });

  const put = await send('PUT', '/es/logs/_doc/', 'put doc');
  assert.equal(put.statusCode, 405, put.body);
  const e = put.json() as { error: string; 'logship.code': string; status: number };
  assert.equal(e.status, 405);
  assert.equal(e['logship.code'], 'LS_INGEST_METHOD_NOT_ALLOWED');
  assert.equal(e.error, 'Incorrect HTTP method for uri [/es/logs/_doc/] and method [PUT], allowed: [POST]');
  for (const method of ['PUT', 'POST'] as const) {
    const create = await send(method, '/es/logs/_create/', `${method} create`);
    assert.equal(create.statusCode, 400, `${method}: ${create.body}`);
    assert.match((create.json() as { error: { reason: string } }).error.reason, /no handler found for uri \[\/es\/logs\/_create\/\]/);
  }
  const post = await send('POST', '/es/logs/_doc/', 'post doc');
  assert.equal(post.statusCode, 201, post.body);
  assert.notEqual((post.json() as { _id: string })._id, '');
  assert.deepEqual((await h().search('run:empty-id')).map((hit) => hit.message), ['post doc']);
});
