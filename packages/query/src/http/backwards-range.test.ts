import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_NOW, queryApiApp, sampleEvents } from '../testing/query-api-app.js';
import { listenLoopback, runCli } from '../testing/run-cli.js';
import { runSearchCli } from '../cli/search.js';
import { runCountCli, runTopCli } from '../cli/aggregate-cli.js';
import { runStatsCli } from '../cli/stats-cli.js';
import { EXIT } from '../cli/client.js';

test('from=now+1h without to: a coded 400 saying the range is backwards and what to write, on every route that takes a range', async () => {
  const { app, reader } = await queryApiApp(sampleEvents());
  const before = reader.requests.length;
  for (const [method, url, payload] of [
    ['GET', '/api/v1/search?from=now%2B1h', undefined],
    ['POST', '/api/v1/search', { from: 'now+1h' }],
    ['GET', '/api/v1/queries/errors/search?from=now%2B1h', undefined],
    ['GET', '/api/v1/aggregate?type=date_histogram&from=now%2B1h', undefined],
    ['GET', '/api/v1/aggregate?type=terms&field=host&from=now%2B1h', undefined],
    ['POST', '/api/v1/aggregate', { type: 'stats', field: 'duration_ms', from: 'now+1h' }],
    ['GET', '/api/v1/fields?from=now%2B1h', undefined],
    ['GET', '/api/v1/fields/host/values?from=now%2B1h', undefined],
  ] as const) {
    const res = await app.inject({ method, url, ...(payload ? { payload } : {}) });
    // Before: 200 and nothing, `to` defaulting to now behind `from`.
    assert.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`);
    const { error } = res.json();
    assert.equal(error.code, 'LS_API_BAD_RANGE', url);
    assert.equal(error.message, 'the time range is backwards: "from" now+1h is in the future, after "to", which defaults to now when not given; for the 1h before now write from=now-1h; to search ahead of now give a "to" after "from" as well', url);
    assert.deepEqual([error.param, error.from, error.to, error.to_default], ['from', 'now+1h', 'now', true], url);
  }
  assert.equal(reader.requests.length, before, 'nothing searched');
  // A future ISO time: the same refusal, without the now-1h hint.
  const iso = (await app.inject({ method: 'GET', url: '/api/v1/search?from=2030-01-01T00:00:00Z' })).json().error;
  assert.equal(iso.code, 'LS_API_BAD_RANGE');
  assert.doesNotMatch(iso.message, /before now write/);
  // Both given the wrong way round: the same code and words, and the swap written out.
  const both = (await app.inject({ method: 'GET', url: '/api/v1/search?from=now&to=now-1h' })).json().error;
  assert.equal(both.message, 'the time range is backwards: "from" now is after "to" now-1h; swap them: from=now-1h&to=now');
  // The parameter to change, as every other refusal of a parameter names it (the message names both).
  assert.equal(both.param, 'from');
  // Ahead of now with a `to` after it is a range: answered.
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/search?from=now%2B1h&to=now%2B2h' })).statusCode, 200);
  // The query's own upper bound before `from`: the query matches nothing there, which an empty answer says (as before).
  const own = await app.inject({ method: 'GET', url: `/api/v1/search?from=now-10m&q=${encodeURIComponent('@timestamp:<now-1h')}` });
  assert.equal(own.statusCode, 200, own.body);
  assert.deepEqual(own.json().hits, []);
});

test('logship search/top/count/stats --from now+1h: exit 2 with the refusal in the flags\' words, not "nothing found"', async () => {
  const { app } = await queryApiApp(sampleEvents(), { now: Date.now });
  const url = await listenLoopback(app);
  try {
    for (const [command, argv] of [
      [runSearchCli, ['level:error', '--from', 'now+1h']],
      [runCountCli, ['level:error', '--from', 'now+1h']],
      [runTopCli, ['host', '--from', 'now+1h']],
      [runStatsCli, ['duration_ms', '--from', 'now+1h']],
    ] as const) {
      const run = await runCli(command, [...argv, '--server', url]);
      assert.equal(run.status, EXIT.USAGE, `${argv.join(' ')}: ${run.err}`);
      assert.equal(run.out, '');
      assert.equal(run.err, 'error 400 [LS_API_BAD_RANGE]: the time range is backwards: --from now+1h is in the future, after --to, which defaults to now when not given; for the 1h before now write --from now-1h; to search ahead of now give a --to after --from as well\n', argv.join(' '));
    }
    const both = await runCli(runSearchCli, ['x', '--from', 'now', '--to', 'now-1h', '--server', url]);
    assert.equal(both.err, 'error 400 [LS_API_BAD_RANGE]: the time range is backwards: --from now is after --to now-1h; swap them: --from now-1h --to now\n');
  } finally {
    await app.close();
  }
});

test('to=now+1h without from: the default window still ends at now, not wholly in the future where nothing is yet', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const res = await app.inject({ method: 'GET', url: '/api/v1/search?to=now%2B1h' });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  // Before: from was now+45m (15 minutes before `to`), and nothing was found.
  assert.deepEqual(body.range, { from: new Date(API_NOW - 15 * 60_000).toISOString(), to: new Date(API_NOW + 3_600_000).toISOString() });
  assert.deepEqual(body.hits.map((e: { 'event.id': string }) => e['event.id']), ['e1', 'e2', 'e3', 'e4', 'e5']);
  // A `to` in the past keeps the window before it, as before.
  const past = (await app.inject({ method: 'GET', url: '/api/v1/search?to=now-20m' })).json();
  assert.equal(past.range.from, new Date(API_NOW - 35 * 60_000).toISOString());
});

test('logship count --to now+1h: the hour before now, not the hour before now+1h', async () => {
  const now = Date.now();
  const events = sampleEvents().map((e, i) => ({ ...e, '@timestamp': new Date(now - [1, 2, 3, 4, 5, 30, 90][i]! * 60_000).toISOString() }));
  const { app } = await queryApiApp(events, { now: Date.now });
  const url = await listenLoopback(app);
  try {
    const run = await runCli(runCountCli, ['--to', 'now+1h', '--server', url]);
    // Before: 0, and "no events match" between now and now+1h.
    assert.deepEqual([run.status, run.out], [EXIT.OK, '6\n'], run.err);
  } finally {
    await app.close();
  }
});
