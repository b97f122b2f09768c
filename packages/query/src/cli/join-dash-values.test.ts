import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';
import { listenLoopback, runCli } from '../testing/run-cli.js';
import { runSearchCli } from './search.js';
import { runCountCli, runTopCli } from './aggregate-cli.js';
import { runStatsCli } from './stats-cli.js';
import { EXIT } from './client.js';
import { joinDashValues } from './join-dash-values.js';
import { resolveTimeParam } from '../time-param.js';

const OPTIONS = { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } } as const;

test('joinDashValues: a string flag takes a value that starts with a dash and a digit; flags, and what follows --, stay', () => {
  assert.deepEqual(joinDashValues(['q', '--from', '-1h', '--to', '-5m'], OPTIONS), ['q', '--from=-1h', '--to=-5m']);
  assert.deepEqual(joinDashValues(['--from=-1h', '--from', '-1d/d'], OPTIONS), ['--from=-1h', '--from=-1d/d']);
  assert.deepEqual(joinDashValues(['--from', '--json'], OPTIONS), ['--from', '--json'], 'a flag without its value is still said as such');
  assert.deepEqual(joinDashValues(['--json', '-1h'], OPTIONS), ['--json', '-1h'], 'a boolean flag takes no value');
  assert.deepEqual(joinDashValues(['--', '--from', '-1h'], OPTIONS), ['--', '--from', '-1h']);
  assert.deepEqual(joinDashValues(['--from', '-level:debug'], OPTIONS), ['--from', '-level:debug']);
});

test('-1d/d (date math without its now) is read from now, as now-1d/d', () => {
  const now = Date.parse('2026-02-11T15:00:00.000Z');
  assert.equal(resolveTimeParam('-1d/d', { now, roundUp: false }), Date.parse('2026-02-10T00:00:00.000Z'));
  assert.equal(resolveTimeParam('-1h', { now, roundUp: false }), now - 3_600_000);
  assert.throws(() => resolveTimeParam('-1d/banana', { now, roundUp: false }), /"-1d\/banana"/);
});

test('logship search/top/count/stats --from -1h / --to -5m / --from=-1h mean now-1h and now-5m, as now-1h does', async () => {
  // Events 1 to 90 minutes before now.
  const now = Date.now();
  const events = sampleEvents().map((e, i) => ({ ...e, '@timestamp': new Date(now - [1, 2, 3, 4, 5, 30, 90][i]! * 60_000).toISOString() }));
  const { app } = await queryApiApp(events, { now: Date.now });
  const url = await listenLoopback(app);
  try {
    const search = async (...args: string[]) => {
      const run = await runCli(runSearchCli, [...args, '--json', '--server', url]);
      // Before: "Option '--from' argument is ambiguous" and the usage, exit 2.
      assert.equal(run.status, EXIT.OK, `${args.join(' ')}: ${run.err}`);
      return run.out.trim().split('\n').map((l) => (JSON.parse(l) as { 'event.id': string })['event.id']);
    };
    assert.deepEqual(await search('--from', '-1h'), await search('--from', 'now-1h'));
    assert.deepEqual(await search('--from', '-1h'), ['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    assert.deepEqual(await search('--from=-1h'), ['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    assert.deepEqual(await search('level:error', '--from', '-2h', '--to', '-3m'), ['e4', 'e7']);
    assert.deepEqual(await search('--from', '-1h', '--to', '-3m'), await search('--from', 'now-1h', '--to', 'now-3m'));
    const count = await runCli(runCountCli, ['--from', '-1h', '--to', '-3m', '--server', url]);
    assert.deepEqual([count.status, count.out], [EXIT.OK, '4\n'], count.err);
    const top = await runCli(runTopCli, ['host', '--from', '-1h', '--json', '--server', url]);
    assert.equal(top.status, EXIT.OK, top.err);
    assert.deepEqual((JSON.parse(top.out) as { buckets: { key: string }[] }).buckets.map((b) => b.key).sort(), ['db-1', 'web-1', 'web-2']);
    const stats = await runCli(runStatsCli, ['duration_ms', '--from', '-1h', '--json', '--server', url]);
    assert.equal(stats.status, EXIT.OK, stats.err);
    // A query that starts with a dash is still said as one, after a joined --from.
    const dash = await runCli(runSearchCli, ['--from', '-1h', '-level:debug', '--server', url]);
    assert.equal(dash.status, EXIT.USAGE);
    assert.match(dash.err, /^-level:debug reads as a flag/);
  } finally {
    await app.close();
  }
});
