import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';
import { listenLoopback, runCli } from '../testing/run-cli.js';
import { runSearchCli } from '../cli/search.js';
import { runCountCli, runTopCli } from '../cli/aggregate-cli.js';
import { runStatsCli } from '../cli/stats-cli.js';
import { EXIT } from '../cli/client.js';

const FORMS = 'takes an ISO 8601 time (2026-02-08T12:00:00Z), date math (now-1h), a duration before now (1h, or -1h) or an epoch number (seconds or ms)';

test('logship search/top/count/stats --from yesterday: the advice in the flags\' words (--from now-1d/d --to now-1d/d), not the API\'s from=now-1d/d', async () => {
  const { app } = await queryApiApp(sampleEvents(), { now: Date.now });
  const url = await listenLoopback(app);
  try {
    for (const [command, argv] of [
      [runSearchCli, ['level:error', '--from', 'yesterday']],
      [runCountCli, ['level:error', '--from', 'yesterday']],
      [runTopCli, ['host', '--from', 'yesterday']],
      [runStatsCli, ['duration_ms', '--from', 'yesterday']],
    ] as const) {
      const run = await runCli(command, [...argv, '--server', url]);
      assert.equal(run.status, EXIT.USAGE, `${argv.join(' ')}: ${run.err}`);
      assert.equal(run.out, '');
      assert.equal(run.err, 'error 400 [LS_API_BAD_TIME]: --from yesterday is not a date or date math expression: cannot resolve date "yesterday": not an ISO 8601 date, ' +
        `epoch milliseconds or date math; yesterday is --from now-1d/d --to now-1d/d (--to rounds up to the end of that day); --from ${FORMS}\n`, argv.join(' '));
    }
    const today = await runCli(runSearchCli, ['x', '--to', 'Today', '--server', url]);
    assert.match(today.err, /^error 400 \[LS_API_BAD_TIME\]: --to Today is not a date .*; today is --from now\/d \(--to now\/d for the whole day\); --to takes /);
    const week = await runCli(runSearchCli, ['x', '--from', 'last week', '--server', url]);
    assert.match(week.err, /: --from "last week" is not a date .*; last week is --from now-1w\/w --to now-1w\/w; --from takes /);
    // Not a day's name: the parser's reason, and the forms.
    const unit = await runCli(runSearchCli, ['x', '--from', 'now-1x', '--server', url]);
    assert.equal(unit.err, `error 400 [LS_API_BAD_TIME]: --from now-1x is not a date or date math expression: cannot resolve date "now-1x": expected a unit (y M w d h H m s) at 2; --from ${FORMS}\n`);
    // The API keeps its own words.
    const api = (await app.inject({ method: 'GET', url: '/api/v1/search?from=yesterday' })).json().error;
    assert.match(api.message, /^"from" is not a date or date math expression \(yesterday\): .*; yesterday is from=now-1d\/d to=now-1d\/d \(to rounds up to the end of that day\); from takes .* a duration before now \(1h\) or/);
  } finally {
    await app.close();
  }
});
