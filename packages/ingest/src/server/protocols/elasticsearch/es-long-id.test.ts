/**
 * An `_id` over 512 bytes of UTF-8 was stored; Elasticsearch refuses it
 * (`Validation Failed: 1: id [...] is too long, must be no longer than 512
 * bytes but was: N;`, 8.19 refusing the whole _bulk for it). logship refuses
 * that item alone and stores the others, as it does for a missing index.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileTestApp, WRITE_TOKEN } from '../test-app.js';

const h = fileTestApp();

const headers = { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/x-ndjson' };
const doc = (message: string) => JSON.stringify({ '@timestamp': '2026-02-08T12:50:00Z', message, run: 'long-id' });

interface Item { status: number; _id: string; error?: { type: string; reason: string; 'logship.code': string } }

test('an _id over 512 bytes is refused for its item with Elasticsearch\'s validation error; 512 bytes, counted in UTF-8, is stored; the others are stored', async () => {
  const at512 = `${'c'.repeat(510)}é`; // 512 bytes, 511 characters
  const over = `${at512}x`; // 513 bytes
  const long = 'a'.repeat(600);
  const body = [
    JSON.stringify({ index: { _index: 'logs-app', _id: at512 } }), doc('at the limit'),
    JSON.stringify({ index: { _index: 'logs-app', _id: over } }), doc('one byte over'),
    JSON.stringify({ create: { _index: 'logs-app', _id: long } }), doc('far over'),
    JSON.stringify({ create: { _index: 'logs-app' } }), doc('no id'),
  ].join('\n') + '\n';
  const res = await h().logship.app.inject({ method: 'POST', url: '/es/_bulk', payload: body, headers });
  assert.equal(res.statusCode, 200, res.body);
  const answer = res.json() as { errors: boolean; items: Record<string, Item>[] };
  assert.equal(answer.errors, true);
  const items = answer.items.map((x) => Object.values(x)[0]!);
  assert.deepEqual(items.map((i) => i.status), [201, 400, 400, 201]);
  assert.equal(items[1]!._id, over);
  assert.deepEqual(items[1]!.error, {
    type: 'action_request_validation_exception',
    reason: `Validation Failed: 1: id [${over}] is too long, must be no longer than 512 bytes but was: 513;`,
    'logship.code': 'LS_INGEST_BULK_ID_TOO_LONG',
  });
  assert.match(items[2]!.error!.reason, /but was: 600;$/);
  assert.deepEqual((await h().search('run:long-id')).map((e) => e.message).sort(), ['at the limit', 'no id']);
  assert.equal((await h().search('run:long-id AND message:limit'))[0]?.['event.id'], at512);
});

test('a single-document write with an _id over 512 bytes is Elasticsearch\'s 400, nothing stored', async () => {
  const res = await h().logship.app.inject({ method: 'PUT', url: `/es/logs-app/_doc/${'b'.repeat(513)}`, payload: doc('single over'), headers: { ...headers, 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 400, res.body);
  const e = res.json() as { error: { type: string; reason: string }; status: number };
  assert.equal(e.error.type, 'action_request_validation_exception');
  assert.match(e.error.reason, /is too long, must be no longer than 512 bytes but was: 513;$/);
  assert.equal((await h().search('message:"single over"')).length, 0);
});

test('an index action into a logs-*-* name is stored: logship has no data streams to refuse it for (docs/PROTOCOLS.md)', async () => {
  const body = `${JSON.stringify({ index: { _index: 'logs-foo-bar' } })}\n${doc('index into a data stream name')}\n`;
  const res = await h().logship.app.inject({ method: 'POST', url: '/es/_bulk', payload: body, headers });
  const [item] = (res.json() as { items: Record<string, Item>[] }).items;
  assert.equal(item?.index?.status, 201, res.body);
  assert.equal((await h().search('message:"index into a data stream name"'))[0]?.['es.index'], 'logs-foo-bar');
});
