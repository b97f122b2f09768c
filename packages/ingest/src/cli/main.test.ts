import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { main } from './main.js';

async function stderrOf(argv: string[]): Promise<{ code: number; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (d: Buffer) => (text += d.toString()));
  const code = await main(argv, { stdout, stderr });
  return { code, stderr: text };
}

test("logship tail and logcli's query name the command that does it here", async () => {
  const tail = await stderrOf(['tail']);
  assert.equal(tail.code, 2);
  assert.match(tail.stderr, /^logship: unknown command "tail": logship search QUERY --follow \(-f\)/);
  assert.match((await stderrOf(['query', 'x'])).stderr, /^logship: unknown command "query": logship search QUERY \(logcli's query/);
  // Another word: the usage only.
  assert.match((await stderrOf(['frobnicate'])).stderr, /^logship: unknown command "frobnicate"\nusage:/);
  assert.match((await stderrOf(['constructor'])).stderr, /^logship: unknown command "constructor"\nusage:/);
});

test('an unknown flag of serve, retention or store names the nearest flag the command takes, exit 2', async () => {
  const typo = await stderrOf(['serve', '--lisen', '127.0.0.1:7700']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /^logship: unknown option --lisen: did you mean --listen\? \(--help lists the options\) \(LS_CLI_USAGE\)/);
  assert.match((await stderrOf(['retention', 'status', '--dat', 'x'])).stderr, /unknown option --dat: did you mean --data\?/);
  // Nothing near: no guess, and nothing of node's advice about positionals after '--'.
  const other = await stderrOf(['store', 'migrate', '--frobnicate']);
  assert.match(other.stderr, /^logship: unknown option --frobnicate \(--help lists the options\) \(LS_CLI_USAGE\)/);
});

// `logship --version` was "unknown command" and the usage, exit 2, where
// logship-agent --version answers: an operator could not tell what a host runs.
test('logship --version (and version, -V) prints the package version, exit 0', async () => {
  const { readFileSync } = await import('node:fs');
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  for (const argv of [['--version'], ['version'], ['-V']]) {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (d: Buffer) => (text += d.toString()));
    assert.equal(await main(argv, { stdout, stderr: new PassThrough() }), 0);
    assert.equal(text, `logship ${version}\n`);
  }
});
