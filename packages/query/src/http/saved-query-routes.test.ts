import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';

test('saved queries: listed, run by route and by @name, configured ones override built-ins, prototype names are unknown', async () => {
  const { app } = await queryApiApp(sampleEvents(), { savedQueries: { web2: 'host:web-2', errors: 'level:error AND host:web-1' } });
  const list = (await app.inject({ method: 'GET', url: '/api/v1/queries' })).json().queries as { name: string; query: string }[];
  assert.ok(list.some((q) => q.name === 'failed-logins'));
  assert.equal(list.find((q) => q.name === 'errors')!.query, 'level:error AND host:web-1');
  const run = await app.inject({ method: 'GET', url: '/api/v1/queries/web2/search?from=now-1h' });
  assert.equal(run.statusCode, 200, run.body);
  assert.deepEqual(run.json().hits.map((e: { 'event.id': string }) => e['event.id']), ['e4', 'e5']);
  const ref = await app.inject({ method: 'GET', url: `/api/v1/search?from=now-1d&q=${encodeURIComponent('@errors OR @web2')}` });
  assert.deepEqual(ref.json().hits.map((e: { 'event.id': string }) => e['event.id']), ['e1', 'e4', 'e5', 'e7']);
  for (const name of Object.getOwnPropertyNames(Object.prototype)) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/queries/${encodeURIComponent(name)}/search` });
    assert.equal(res.statusCode, 404, `${name}: ${res.body}`);
    assert.equal(res.json().error.code, 'LS_API_UNKNOWN_SAVED_QUERY');
  }
});
