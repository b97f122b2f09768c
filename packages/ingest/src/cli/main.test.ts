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

// Every command's modules were loaded for any command: `logship search` and
// `logship --version` loaded the server (fastify, the stores, its metrics)
// first, ~0.5 s of each run. Which packages a fresh process has loaded says it
// without a clock.
test('logship --version and logship search load neither the server nor the stores', async () => {
  const { execFileSync } = await import('node:child_process');
  const loaded = (args: string[]): string[] => {
    const script = `
      import { createRequire } from 'node:module';
      const { main } = await import(${JSON.stringify(new URL('./main.js', import.meta.url).href)});
      const { PassThrough } = await import('node:stream');
      await main(${JSON.stringify(args)}, { stdout: new PassThrough(), stderr: new PassThrough() });
      const names = Object.keys(createRequire(import.meta.url).cache).map((k) => /node_modules\\/(?:\\.pnpm\\/[^/]+\\/node_modules\\/)?((?:@[^/]+\\/)?[^/]+)/.exec(k)?.[1]);
      console.log(JSON.stringify([...new Set(names.filter(Boolean))]));`;
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
  };
  for (const args of [['--version'], ['search', '--help']]) {
    const names = loaded(args);
    for (const heavy of ['fastify', 'better-sqlite3', 'prom-client', 'pino']) assert.ok(!names.includes(heavy), `${args.join(' ')} loaded ${heavy}: ${names.join(' ')}`);
  }
  // The server's command still loads what it runs.
  assert.ok(loaded(['serve', '--help']).includes('fastify'));
});

// `serve --check` told the first mistake of the config only: one round of fixing and checking per mistake.
test('serve --check lists every mistake the config schema finds, a line each with its code and place, exit 1', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'logship-mistakes-'));
  try {
    const file = join(dir, 'server.yaml');
    writeFileSync(file, [
      'listn: 127.0.0.1:7700',
      'limits:',
      '  max_body_bytes: lots',
      'store: { type: sqlit }',
      'ingest:',
      '  redact: [{ patern: "x" }]',
      '',
    ].join('\n'));
    const { code, stderr } = await stderrOf(['serve', '--check', '--config', file]);
    assert.equal(code, 1);
    const lines = stderr.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => /\((LS_[A-Z_]+)\)$/.exec(l)?.[1]), ['LS_CONFIG_UNKNOWN_KEY', 'LS_CONFIG_UNKNOWN_KEY', 'LS_CONFIG_INVALID', 'LS_CONFIG_INVALID'], stderr);
    assert.match(lines[0]!, /^logship: unknown config key "listn"; did you mean "listen"\? \(line 1, column 1 of .*server\.yaml\)/);
    // In a value with alternatives (a pattern, or a rule), the unknown key rather than "must be string".
    assert.match(lines[1]!, /^logship: unknown config key "ingest\.redact\[0\]\.patern"; did you mean "pattern"\? \(line 6, /);
    assert.ok(lines.some((l) => /^logship: config value at "limits\.max_body_bytes" must be a whole number, not .* \(line 3, /.test(l)), stderr);
    assert.ok(lines.some((l) => /^logship: config value at "store\.type" must be one of "sqlite", "elasticsearch" \(line 4, /.test(l)), stderr);
    // One mistake: one line, as before.
    writeFileSync(file, 'listn: 127.0.0.1:7700\n');
    const one = await stderrOf(['serve', '--check', '--config', file]);
    assert.match(one.stderr, /^logship: unknown config key "listn"; did you mean "listen"\? \(line 1, column 1 of .*\) \(LS_CONFIG_UNKNOWN_KEY\)\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
