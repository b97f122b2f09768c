/**
 * Two keys of the config on one port (`otlp.grpc_listen` set to `listen`'s
 * address) were refused as a port in use "by another logship, or another
 * program", sending the operator to look for a program that was this
 * config. They are the config's mistake, named pair by pair before
 * anything binds, by the start and by `serve --check` alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../testing/free-port.js';
import { startThenStop } from '../testing/logship-cli.js';


/** Runs `logship serve ARGS` to its exit (a start that would serve is stopped after `ms`). */

/** Named at the second key's line and column, the first key by its line. */
const clash = (key: string, other: string, otherLine: number, both: string, where: string) =>
  `config value at "${key}" takes the port of ${other} (line ${otherLine}): ${key} and ${other} ${both}; give each listener a port of its own (${where}) (LS_CONFIG_INVALID)`;
/** `line L, column C of FILE` of the first `key:` on line L of the text. */
const placeOf = (text: string, line: number, key: string, file: string): string =>
  `line ${line}, column ${text.split('\n')[line - 1]!.indexOf(`${key}:`) + 1} of ${file}`;

test('two keys on one port: the start refuses the config naming both, before binding or creating the data folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-clash-'));
  const port = await freePort();
  const config = join(dir, 'server.yaml');
  const data = join(dir, 'data');
  try {
    writeFileSync(config, `listen: 127.0.0.1:${port}\ndata: ${data}\notlp: { grpc_listen: "127.0.0.1:${port}" }\n`);
    const start = await startThenStop(['--config', config]);
    assert.equal(start.code, 1, start.stdout);
    assert.equal(start.stderr, `logship: ${clash('otlp.grpc_listen', 'listen', 1, `are both 127.0.0.1:${port}`, `line 3, column 9 of ${config}`)}\n`);
    // --listen is no line of the file: the flag's address is named without one.
    const byFlag = await startThenStop(['--config', config, '--listen', `127.0.0.1:${port}`]);
    assert.equal(byFlag.code, 1, byFlag.stdout);
    assert.equal(byFlag.stderr, `logship: ${clash('otlp.grpc_listen', 'listen', 1, `are both 127.0.0.1:${port}`, `line 3, column 9 of ${config}`).replace(' (line 1)', '')}\n`);
    assert.equal(existsSync(data), false);

    // Every pair, whatever the keys: 0.0.0.0 covers 127.0.0.1, syslog's TLS and TCP listeners are both TCP.
    const text = [
      `listen: 127.0.0.1:${port}`,
      `data: ${data}`,
      `syslog: { listen_tcp: "0.0.0.0:${port}", listen_tls: "127.0.0.1:${port}", tls_cert_file: ${join(dir, 'c.pem')}, tls_key_file: ${join(dir, 'k.pem')} }`,
      '',
    ].join('\n');
    writeFileSync(config, text);
    const three = await startThenStop(['--config', config]);
    assert.equal(three.code, 1, three.stdout);
    for (const line of [
      clash('syslog.listen_tcp', 'listen', 1, `are 0.0.0.0:${port} and 127.0.0.1:${port}, one port`, placeOf(text, 3, 'listen_tcp', config)),
      clash('syslog.listen_tls', 'listen', 1, `are both 127.0.0.1:${port}`, placeOf(text, 3, 'listen_tls', config)),
      clash('syslog.listen_tls', 'syslog.listen_tcp', 3, `are 127.0.0.1:${port} and 0.0.0.0:${port}, one port`, placeOf(text, 3, 'listen_tls', config)),
    ]) {
      assert.ok(three.stderr.includes(line), `${line}\nnot in\n${three.stderr}`);
    }
    assert.equal(existsSync(data), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('listeners that do not collide start: TCP and UDP on one port number, two addresses of one family on one port', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-clash-'));
  const port = await freePort();
  const config = join(dir, 'server.yaml');
  try {
    writeFileSync(config, `listen: 127.0.0.1:0\ndata: ${join(dir, 'data')}\nsyslog: { listen_tcp: "127.0.0.1:${port}", listen_udp: "127.0.0.1:${port}" }\n`);
    const both = await startThenStop(['--config', config]);
    assert.equal(both.code, 0, both.stderr);
    assert.match(both.stdout, /logship listening on/);

    // serve --check judges as the start does: two loopback addresses are two sockets.
    writeFileSync(config, `listen: 127.0.0.1:${port}\ndata: ${join(dir, 'data')}\notlp: { grpc_listen: "127.0.0.2:${port}" }\n`);
    const check = await startThenStop(['--check', '--config', config]);
    assert.equal(check.code, 0, check.stderr);
    writeFileSync(config, `listen: 127.0.0.1:${port}\ndata: ${join(dir, 'data')}\notlp: { grpc_listen: ":${port}" }\n`);
    const wildcard = await startThenStop(['--check', '--config', config]);
    assert.equal(wildcard.code, 1);
    assert.equal(wildcard.stderr, `logship: ${clash('otlp.grpc_listen', 'listen', 1, `are :${port} and 127.0.0.1:${port}, one port`, `line 3, column 9 of ${config}`)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
