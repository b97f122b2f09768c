import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';
import { listenLoopback, runCli } from '../testing/run-cli.js';
import { runSearchCli } from './search.js';
import { runCountCli, runTopCli } from './aggregate-cli.js';
import { runStatsCli } from './stats-cli.js';
import { EXIT } from './client.js';

const RANGE = ['--from', '2026-02-08T00:00:00Z', '--to', '2026-02-09T00:00:00Z'];
/** Output less the time the server took, which differs run to run. */
const same = (out: string) => out.replace(/"took_ms":[\d.]+/g, '"took_ms":0');

test('--output json / -o jsonl / --output=ndjson print what --json prints, on search, top, count and stats', async () => {
  const { app } = await queryApiApp(sampleEvents(), { now: Date.now });
  const url = await listenLoopback(app);
  try {
    for (const [command, argv] of [
      [runSearchCli, ['level:error']],
      [runTopCli, ['host']],
      [runCountCli, ['level:error']],
      [runStatsCli, ['duration_ms']],
    ] as const) {
      const json = await runCli(command, [...argv, ...RANGE, '--json', '--server', url]);
      assert.equal(json.status, EXIT.OK, json.err);
      for (const flags of [['--output', 'json'], ['-o', 'jsonl'], ['--output=ndjson'], ['-o', 'JSON']]) {
        const run = await runCli(command, [...argv, ...RANGE, ...flags, '--server', url]);
        // Before: "Unknown option --output" and the usage, exit 2.
        assert.equal(run.status, EXIT.OK, `${flags.join(' ')}: ${run.err}`);
        assert.equal(same(run.out), same(json.out), `${argv.join(' ')} ${flags.join(' ')}`);
      }
      const text = await runCli(command, [...argv, ...RANGE, '--output', 'text', '--server', url]);
      assert.equal(text.status, EXIT.OK, text.err);
      assert.notEqual(same(text.out), same(json.out));
    }
    const yaml = await runCli(runSearchCli, ['x', '-o', 'yaml', '--server', url]);
    assert.deepEqual([yaml.status, yaml.err], [EXIT.USAGE, '--output is json (also jsonl, ndjson: one JSON value per line, as --json) or text, not "yaml"\n']);
    const both = await runCli(runCountCli, ['--json', '--output', 'text', '--server', url]);
    assert.deepEqual([both.status, both.err], [EXIT.USAGE, '--json and --output text ask for two formats: give one\n']);
  } finally {
    await app.close();
  }
});
