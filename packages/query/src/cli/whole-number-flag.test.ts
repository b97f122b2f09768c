import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTopCli } from './aggregate-cli.js';
import { EXIT } from './client.js';
import { runSearchCli } from './search.js';
import { runStatsCli } from './stats-cli.js';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';
import { listenLoopback, runCli } from '../testing/run-cli.js';

test('--limit and --size take decimal digits only, as the API does: 0x2, 1e1, 2.0, +2 are refused (exit 2), not read as numbers', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const url = await listenLoopback(app);
  try {
    for (const bad of ['0x2', '1e1', '2.0', '+2', ' 2', '0', '-1']) {
      for (const [command, flag, argv] of [
        [runSearchCli, '--limit', ['*', '--from', 'now-1d']],
        [runTopCli, '--size', ['host', '--from', 'now-1d']],
        [runStatsCli, '--size', ['duration_ms', '--by', 'host', '--from', 'now-1d']],
      ] as const) {
        const r = await runCli(command, [...argv, flag, bad, '--server', url]);
        assert.equal(r.status, EXIT.USAGE, `${argv[0]} ${flag} ${bad}: ${r.err}`);
        assert.equal(r.err, `${flag} must be a positive whole number in decimal digits, not "${bad}"\n`);
        assert.equal(r.out, '');
      }
    }
    const two = await runCli(runSearchCli, ['*', '--from', 'now-1d', '--limit', '2', '--json', '--server', url]);
    assert.equal(two.status, EXIT.OK, two.err);
    assert.equal(two.out.trim().split('\n').length, 2);
    const top = await runCli(runTopCli, ['host', '--from', 'now-1d', '--size', '02', '--json', '--server', url]);
    assert.equal(top.status, EXIT.OK, top.err);
    assert.equal(JSON.parse(top.out).buckets.length, 2);
  } finally {
    await app.close();
  }
});

test('stats --by with a query too long for a URL (sent as a JSON body) sends --size as a number: it was refused as "body/by_size must be integer"', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const url = await listenLoopback(app);
  try {
    // Under the query's 8,192 characters, over the 8 KiB a GET's URL may be once encoded.
    const long = Array.from({ length: 700 }, (_, i) => `NOT "x${i}"`).join(' ');
    const r = await runCli(runStatsCli, ['duration_ms', long, '--by', 'host', '--size', '2', '--from', 'now-1d', '--json', '--server', url]);
    assert.equal(r.status, EXIT.OK, r.err);
    assert.deepEqual(JSON.parse(r.out).groups.map((g: { key: string }) => g.key), ['web-1', 'web-2']);
  } finally {
    await app.close();
  }
});
