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
