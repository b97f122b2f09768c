/**
 * An index name Elasticsearch refuses (`Logs-App`, `logs app`, `_x`, `a:b`)
 * was stored as the event's `es.index`: a shipper configured with it worked
 * here and failed when pointed at Elasticsearch. Each such item is now
 * refused alone with Elasticsearch's `invalid_index_name_exception` and
 * its words, the bulk's other items stored; with a real cluster
 * (LOGSHIP_TEST_ES_URL) the same bulk is sent to it and the items'
 * statuses, types and reasons compared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { esTestUrl } from '../../../elasticsearch/es-test-env.js';
import { fileTestApp, WRITE_TOKEN } from '../test-app.js';

const h = fileTestApp();
const headers = { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/x-ndjson' };

interface Item { status: number; error?: { type: string; reason: string } }

const NAMES = ['lstest-index-name-ok', 'Lstest-Upper', 'lstest index', 'lstest*', '_lstest', '-lstest', 'lstest:x', 'lstest#x', 'x'.repeat(256), 'lstest-\u00e9'];

function bulk(run: string): string {
  return NAMES.map((name, i) => `${JSON.stringify({ index: { _index: name } })}\n${JSON.stringify({ '@timestamp': '2026-02-08T12:50:00Z', message: `name ${i}`, run })}\n`).join('');
}

const items = (answer: unknown): Item[] => (answer as { items: Record<string, Item>[] }).items.map((x) => Object.values(x)[0]!);

test('index names Elasticsearch refuses are refused for their item with its invalid_index_name_exception and words; the others are stored', async () => {
  const res = await h().logship.app.inject({ method: 'POST', url: '/es/_bulk', payload: bulk('index-names'), headers });
  assert.equal(res.statusCode, 200, res.body);
  const got = items(res.json());
  assert.deepEqual(got.map((i) => i.status), [201, 400, 400, 400, 400, 400, 400, 400, 400, 201]);
  assert.deepEqual(got.slice(1, 9).map((i) => i.error!.reason), [
    'Invalid index name [Lstest-Upper], must be lowercase',
    `Invalid index name [lstest index], must not contain the following characters [' ','"','*',',','/','<','>','?','\\','|']`,
    `Invalid index name [lstest*], must not contain the following characters [' ','"','*',',','/','<','>','?','\\','|']`,
    "Invalid index name [_lstest], must not start with '_', '-', or '+'",
    "Invalid index name [-lstest], must not start with '_', '-', or '+'",
    "Invalid index name [lstest:x], must not contain ':'",
    "Invalid index name [lstest#x], must not contain '#'",
    `Invalid index name [${'x'.repeat(256)}], index name is too long, (256 > 255)`,
  ]);
  assert.ok(got.slice(1, 9).every((i) => i.error!.type === 'invalid_index_name_exception'));
  assert.deepEqual((await h().search('run:index-names')).map((e) => e.message).sort(), ['name 0', 'name 9']);
});

test('a single-document write into such an index is the same 400, nothing stored', async () => {
  const res = await h().logship.app.inject({ method: 'POST', url: '/es/Lstest-Upper/_doc', payload: JSON.stringify({ message: 'single upper', run: 'index-single' }), headers: { ...headers, 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 400, res.body);
  const e = res.json() as { error: { type: string; reason: string } };
  assert.deepEqual([e.error.type, e.error.reason], ['invalid_index_name_exception', 'Invalid index name [Lstest-Upper], must be lowercase']);
  assert.equal((await h().search('run:index-single')).length, 0);
});

const esUrl = esTestUrl();
test('the same bulk answers alike on a real Elasticsearch', { skip: esUrl ? false : 'LOGSHIP_TEST_ES_URL is not set' }, async () => {
  const body = bulk('index-names-es');
  const es = await fetch(`${esUrl}/_bulk`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson' } });
  const theirs = items(await es.json());
  try {
    const ours = items((await h().logship.app.inject({ method: 'POST', url: '/es/_bulk', payload: body, headers })).json());
    assert.deepEqual(ours.map((i) => [i.status, i.error?.type, i.error?.reason]), theirs.map((i) => [i.status, i.error?.type, i.error?.reason]));
  } finally {
    for (const name of ['lstest-index-name-ok', 'lstest-\u00e9']) await fetch(`${esUrl}/${encodeURIComponent(name)}`, { method: 'DELETE' });
  }
});

test('a date math index name (`<logs-{now/d}>`), which Elasticsearch resolves before it checks the name, is taken', async () => {
  const names = ['<lstest-dm-{now/d}>', '<lstest-dm-{now/M{yyyy.MM}}>'];
  const body = names.map((name, i) => `${JSON.stringify({ index: { _index: name } })}\n${JSON.stringify({ '@timestamp': '2026-02-08T12:50:00Z', message: `date math ${i}`, run: 'index-date-math' })}\n`).join('');
  const res = await h().logship.app.inject({ method: 'POST', url: '/es/_bulk', payload: body, headers });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(items(res.json()).map((i) => [i.status, i.error?.reason]), [[201, undefined], [201, undefined]]);
  assert.equal((await h().search('run:index-date-math')).length, 2);
});
