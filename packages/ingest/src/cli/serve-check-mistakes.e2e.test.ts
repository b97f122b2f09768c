/**
 * `logship serve --check` listed every mistake the config's schema found at
 * once, but the checks after the schema (the queries, the tokens, the TLS
 * files, the rule files, the listeners) stopped at their first: a config
 * with a missing TLS file and a query that does not parse took two rounds
 * of fixing and checking. Now each independent check runs and every
 * mistake is a line of its own with its own code; the exit code and the
 * first line are the first mistake's, as with the schema's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLogship } from '../testing/logship-cli.js';



test('serve --check reports every later-stage mistake of a config in one run, each with its code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-check-mistakes-'));
  // Another program holding the port the syslog listener wants.
  const other = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const held = `127.0.0.1:${(other.address() as AddressInfo).port}`;
  try {
    const config = join(dir, 'server.yaml');
    writeFileSync(config, [
      'listen: 127.0.0.1:0',
      `tls: { cert_file: ${join(dir, 'missing-cert.pem')}, key_file: ${join(dir, 'missing-key.pem')} }`,
      'auth:',
      '  tokens:',
      '    - { name: agents, token: check-mistakes-token-0001 , scopes: [write] }',
      '    - { name: agents, token: check-mistakes-token-0002 , scopes: [read] }',
      'retention:',
      "  classes: [{ name: errors, match: 'level:(error', days: 90 }]",
      'ingest:',
      "  drop: ['status:>>500']",
      `rule_files: [${join(dir, 'missing-rules.yaml')}]`,
      `syslog: { listen_tcp: '${held}' }`,
      '',
    ].join('\n'));
    const r = await runLogship(['serve', '--check', '--config', config, '--data', join(dir, 'data')]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    // One entry per mistake; a query's runs on over its caret line.
    const lines = r.stderr.trimEnd().split(/\n(?=logship: )/);
    const expected: Array<[RegExp, string]> = [
      [/"auth\.tokens\[1\]\.name" repeats the name "agents"/, 'LS_CONFIG_INVALID'],
      [/"retention\.classes\[0\]\.match" does not parse/, 'LS_CONFIG_INVALID'],
      [/"ingest\.drop\[0\]" does not parse/, 'LS_CONFIG_INVALID'],
      [/cannot read .*missing-cert\.pem/, 'LS_TLS_READ_FAILED'],
      [/cannot read .*missing-key\.pem/, 'LS_TLS_READ_FAILED'],
      [/cannot read rule file .*missing-rules\.yaml/, 'LS_RULES_READ_FAILED'],
      [new RegExp(`cannot listen on ${held} \\(syslog\\.listen_tcp\\)`), 'LS_CONFIG_LISTEN_FAILED'],
    ];
    // Each mistake once, and nothing else: a mistake two checks meet, or one caused by another, is not told again.
    assert.equal(lines.length, expected.length, r.stderr);
    for (const [said, code] of expected) {
      const line = lines.find((l) => said.test(l));
      assert.ok(line !== undefined, `${said} is reported:\n${r.stderr}`);
      assert.ok(line.startsWith('logship: ') && line.endsWith(`(${code})`), line);
    }
    // The first line is the mistake the check told alone before (its code is the exit's); the busy port comes after the config's.
    assert.match(lines[0]!, expected[0]![0]);
    assert.ok(lines.findIndex((l) => expected[6]![0].test(l)) > lines.findIndex((l) => expected[3]![0].test(l)));

    // The start (no --check) reports the config's mistakes together too.
    const start = await runLogship(['serve', '--config', config, '--data', join(dir, 'data')]);
    assert.equal(start.code, 1, start.stderr);
    for (const [said] of expected.slice(0, 3)) assert.match(start.stderr, said);
  } finally {
    await new Promise<void>((resolve) => other.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the start names every TLS file problem and every listener that cannot bind at once, as serve --check does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-start-mistakes-'));
  // Another program holding two ports the config wants.
  const others = [createServer((socket) => socket.destroy()), createServer((socket) => socket.destroy())];
  await Promise.all(others.map((o) => new Promise<void>((resolve) => o.listen(0, '127.0.0.1', resolve))));
  const [heldHttp, heldSyslog] = others.map((o) => `127.0.0.1:${(o.address() as AddressInfo).port}`) as [string, string];
  const entries = (stderr: string): string[] => stderr.trimEnd().split(/\n(?=logship: )/).filter((l) => l.startsWith('logship: '));
  try {
    // Three TLS files missing: the start told the certificate's alone, then the key's, then the CA's.
    const tls = join(dir, 'tls.yaml');
    writeFileSync(tls, [
      `listen: '${heldHttp}'`,
      `tls: { cert_file: ${join(dir, 'missing-cert.pem')}, key_file: ${join(dir, 'missing-key.pem')}, client_ca_file: ${join(dir, 'missing-ca.pem')} }`,
      `syslog: { listen_tcp: '${heldSyslog}' }`,
      '',
    ].join('\n'));
    const withTls = await runLogship(['serve', '--config', tls, '--data', join(dir, 'data')]);
    assert.equal(withTls.code, 1, withTls.stderr);
    const expected: Array<[RegExp, string]> = [
      [/cannot read certificate file .*missing-cert\.pem/, 'LS_TLS_READ_FAILED'],
      [/cannot read key file .*missing-key\.pem/, 'LS_TLS_READ_FAILED'],
      [/cannot read client CA file .*missing-ca\.pem/, 'LS_TLS_READ_FAILED'],
      [new RegExp(`cannot listen on ${heldHttp} \\(listen\\): the address is already in use`), 'LS_CONFIG_LISTEN_FAILED'],
      [new RegExp(`cannot listen on ${heldSyslog} \\(syslog\\.listen_tcp\\): the address is already in use`), 'LS_CONFIG_LISTEN_FAILED'],
    ];
    const told = entries(withTls.stderr);
    assert.equal(told.length, expected.length, withTls.stderr);
    expected.forEach(([said, code], i) => {
      assert.match(told[i]!, said, withTls.stderr);
      assert.ok(told[i]!.endsWith(`(${code})`), told[i]);
    });

    // No TLS: every port is bound and released before the store opens, so
    // both are named, in the config's order (the real binds, syslog's
    // first, came after the store once; the HTTP port was never tried),
    // and no data folder is created.
    const ports = join(dir, 'ports.yaml');
    writeFileSync(ports, [`listen: '${heldHttp}'`, `syslog: { listen_tcp: '${heldSyslog}', listen_udp: '127.0.0.1:0' }`, ''].join('\n'));
    const busy = await runLogship(['serve', '--config', ports, '--data', join(dir, 'data')]);
    assert.equal(busy.code, 1, busy.stderr);
    assert.deepEqual(entries(busy.stderr).map((l) => l.replace(/: the address is already in use.*/, '')), [
      `logship: cannot listen on ${heldHttp} (listen)`,
      `logship: cannot listen on ${heldSyslog} (syslog.listen_tcp)`,
    ]);
    assert.equal(existsSync(join(dir, 'data')), false, 'a start refused for its ports creates no data folder');
  } finally {
    await Promise.all(others.map((o) => new Promise<void>((resolve) => o.close(() => resolve()))));
    rmSync(dir, { recursive: true, force: true });
  }
});
