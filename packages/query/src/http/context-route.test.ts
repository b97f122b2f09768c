import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_NOW, queryApiApp, sampleEvents } from '../testing/query-api-app.js';

test('context ts takes every form from and to take: -3m, 3m, now-3m, epoch seconds and ms, ISO', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const at = API_NOW - 3 * 60_000;
  for (const ts of ['-3m', '3m', 'now-3m', String(at / 1000), String(at), new Date(at).toISOString(), '2026-02-08T15:57:00+01:00']) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/context?id=e3&ts=${encodeURIComponent(ts)}&before=1&after=1` });
    assert.equal(res.statusCode, 200, `ts=${ts}: ${res.body}`);
    const body = res.json();
    assert.equal(body.anchor['event.id'], 'e3', ts);
    assert.deepEqual([body.before.map((e: { 'event.id': string }) => e['event.id']), body.after.map((e: { 'event.id': string }) => e['event.id'])], [[], []], ts);
  }
});

test('a ts that is no time is the coded 400 from and to answer, naming ts and the forms it takes', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const ts of ['yesterday', 'now-', '-3x']) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/context?id=e3&ts=${encodeURIComponent(ts)}` });
    assert.equal(res.statusCode, 400, `ts=${ts}: ${res.body}`);
    const { error } = res.json();
    assert.equal(error.code, 'LS_API_BAD_TIME', ts);
    assert.deepEqual([error.param, error.value], ['ts', ts]);
    assert.match(error.message, /ts takes an ISO 8601 time .*, date math \(now-1h\), a duration before now \(1h\) or an epoch number/, ts);
  }
  // A time that is not the event's is still its own answer: 404 naming the id and the ts as written.
  const elsewhere = await app.inject({ method: 'GET', url: '/api/v1/context?id=e3&ts=-1h' });
  assert.equal(elsewhere.statusCode, 404, elsewhere.body);
  assert.equal(elsewhere.json().error.code, 'LS_CONTEXT_NOT_FOUND');
});

test('before, after and a field\'s values size over their maximum are a 400 naming the param and the maximum, as search\'s limit is', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const [url, param, value, maximum] of [
    ['/api/v1/context?id=e3&ts=-3m&before=501', 'before', 501, 500],
    ['/api/v1/context?id=e3&ts=-3m&after=9999', 'after', 9999, 500],
    ['/api/v1/fields/host/values?from=now-1d&size=1001', 'size', 1001, 1000],
  ] as const) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
    const { error } = res.json();
    assert.equal(error.code, 'LS_API_BAD_REQUEST', url);
    assert.deepEqual([error.param, error.maximum], [param, maximum], url);
    assert.match(error.message, new RegExp(`^${param} ${value} is over ${maximum}, the most`), url);
  }
  // At the maximum, answered.
  for (const url of ['/api/v1/context?id=e3&ts=-3m&before=500&after=500', '/api/v1/fields/host/values?from=now-1d&size=1000']) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  }
});
