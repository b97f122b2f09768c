/**
 * A listen address that is not HOST:PORT names its key's line and column,
 * as every other refused config value does: `listen: 127.0.0.1:99999`
 * said only `listen address "127.0.0.1:99999" is not HOST:PORT`, and with
 * five listener keys the operator looked for which one. An address given
 * by --listen is no line of the file and is named without one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startThenStop } from '../testing/logship-cli.js';



const notHostPort = (address: string, where?: string): string =>
  `listen address "${address}" is not HOST:PORT (a port from 0 to 65535: 127.0.0.1:7700, 0.0.0.0:7700, [::1]:7700, :7700)${where !== undefined ? ` (${where})` : ''} (LS_CONFIG_BAD_LISTEN)`;

test('a listen address that is not HOST:PORT is named at its key\'s line and column, by serve --check and by the start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-listen-place-'));
  const config = join(dir, 'server.yaml');
  try {
    writeFileSync(config, `data: ${join(dir, 'data')}\nlisten: 127.0.0.1:99999\n`);
    for (const args of [['--check', '--config', config], ['--config', config]]) {
      const out = await startThenStop(args);
      assert.equal(out.code, 1, out.stdout);
      assert.equal(out.stderr, `logship: ${notHostPort('127.0.0.1:99999', `line 2, column 1 of ${config}`)}\n`);
    }

    // Each listener key at its own place, all at once.
    writeFileSync(config, `data: ${join(dir, 'data')}\nlisten: localhost\nsyslog:\n  listen_udp: "5514"\n`);
    const both = await startThenStop(['--check', '--config', config]);
    assert.equal(both.code, 1, both.stdout);
    assert.ok(both.stderr.includes(notHostPort('localhost', `line 2, column 1 of ${config}`)), both.stderr);
    assert.ok(both.stderr.includes(notHostPort('5514', `line 4, column 3 of ${config}`)), both.stderr);

    // --listen replaces the file's listen: its own mistake has no place in the file.
    writeFileSync(config, `data: ${join(dir, 'data')}\nlisten: 127.0.0.1:0\n`);
    const flag = await startThenStop(['--check', '--config', config, '--listen', 'localhost']);
    assert.equal(flag.code, 1, flag.stdout);
    assert.equal(flag.stderr, `logship: ${notHostPort('localhost')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
