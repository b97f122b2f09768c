import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';
import { listenLoopback, runCli } from '../testing/run-cli.js';
import { runSearchCli } from '../cli/search.js';
import { EXIT } from '../cli/client.js';

const ids = (body: { hits: { 'event.id': string }[] }) => body.hits.map((e) => e['event.id']);

test('sort=ASC, Desc, @timestamp:desc (Elasticsearch\'s and Kibana\'s spellings) are taken on search, POST search and saved-query search', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const asc = ['e7', 'e6', 'e5', 'e4', 'e3', 'e2', 'e1'];
  for (const [method, url, payload, expected] of [
    ['GET', '/api/v1/search?from=now-1d&sort=ASC', undefined, asc],
    ['GET', '/api/v1/search?from=now-1d&sort=Asc', undefined, asc],
    ['GET', '/api/v1/search?from=now-1d&sort=DESC', undefined, [...asc].reverse()],
    ['GET', '/api/v1/search?from=now-1d&sort=%40timestamp%3Aasc', undefined, asc],
    ['POST', '/api/v1/search', { from: 'now-1d', sort: 'ASC' }, asc],
    ['POST', '/api/v1/search', { from: 'now-1d', sort: '@timestamp:DESC' }, [...asc].reverse()],
    ['GET', '/api/v1/queries/errors/search?from=now-1d&sort=ASC', undefined, ['e7', 'e4', 'e1']],
  ] as const) {
    const res = await app.inject({ method, url, ...(payload ? { payload } : {}) });
    // Before: 400 "querystring/sort must be equal to one of the allowed values: desc, asc".
    assert.equal(res.statusCode, 200, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`);
    assert.deepEqual(ids(res.json()), expected, `${method} ${url} ${JSON.stringify(payload)}`);
  }
  // What is no order is still refused with the list.
  for (const sort of ['newest', 'ascending', 'message:asc', '']) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/search?sort=${encodeURIComponent(sort)}` });
    assert.equal(res.statusCode, 400, sort);
    assert.equal(res.json().error.message, `sort is desc or asc, not ${JSON.stringify(sort)}`, sort);
    assert.equal(res.json().error.param, 'sort', sort);
  }
});

test('a cursor made with sort=ASC pages on with asc, Asc and in a POST body; with desc it is refused as before', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const first = (await app.inject({ method: 'GET', url: '/api/v1/search?from=now-1d&limit=3&sort=ASC' })).json();
  assert.deepEqual(ids(first), ['e7', 'e6', 'e5']);
  for (const [method, url, payload] of [
    ['GET', `/api/v1/search?from=now-1d&limit=3&sort=asc&cursor=${first.next_cursor}`, undefined],
    ['GET', `/api/v1/search?from=now-1d&limit=3&sort=Asc&cursor=${first.next_cursor}`, undefined],
    ['POST', '/api/v1/search', { from: 'now-1d', limit: 3, sort: 'asc', cursor: first.next_cursor }],
  ] as const) {
    const res = await app.inject({ method, url, ...(payload ? { payload } : {}) });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(ids(res.json()), ['e4', 'e3', 'e2'], url);
  }
  const lower = (await app.inject({ method: 'GET', url: '/api/v1/search?from=now-1d&limit=3&sort=asc' })).json();
  assert.equal(lower.next_cursor, first.next_cursor, 'the cursor holds the canonical order');
  const desc = await app.inject({ method: 'GET', url: `/api/v1/search?from=now-1d&limit=3&sort=DESC&cursor=${first.next_cursor}` });
  assert.equal(desc.statusCode, 400, desc.body);
});

test('logship search --sort ASC prints oldest first, as --sort asc does', async () => {
  const { app } = await queryApiApp(sampleEvents(), { now: Date.now });
  const url = await listenLoopback(app);
  try {
    const asc = await runCli(runSearchCli, ['--sort', 'asc', '--json', '--from', '2026-02-08T00:00:00Z', '--to', '2026-02-09T00:00:00Z', '--server', url]);
    assert.equal(asc.status, EXIT.OK, asc.err);
    assert.deepEqual(asc.out.trim().split('\n').map((l) => (JSON.parse(l) as { 'event.id': string })['event.id']), ['e7', 'e6', 'e5', 'e4', 'e3', 'e2', 'e1']);
    for (const spelling of ['ASC', 'Asc', '@timestamp:asc']) {
      const run = await runCli(runSearchCli, ['--sort', spelling, '--json', '--from', '2026-02-08T00:00:00Z', '--to', '2026-02-09T00:00:00Z', '--server', url]);
      // Before: `--sort is desc or asc, not "ASC"`, exit 2.
      assert.equal(run.status, EXIT.OK, `${spelling}: ${run.err}`);
      assert.equal(run.out, asc.out, spelling);
    }
    const bad = await runCli(runSearchCli, ['--sort', 'up', '--server', url]);
    assert.deepEqual([bad.status, bad.err], [EXIT.USAGE, '--sort is desc or asc, not "up"\n']);
  } finally {
    await app.close();
  }
});
