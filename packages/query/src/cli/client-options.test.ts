import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, EXIT } from './client.js';
import { clientOptions } from './client-options.js';

test('TLS files come from the flags, else LOGSHIP_CA_FILE / _CERT_FILE / _KEY_FILE; flags win', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-tls-'));
  try {
    for (const f of ['a.pem', 'b.pem', 'c.pem', 'k.pem']) writeFileSync(join(dir, f), f);
    const env = { LOGSHIP_CA_FILE: join(dir, 'a.pem'), LOGSHIP_CERT_FILE: join(dir, 'c.pem'), LOGSHIP_KEY_FILE: join(dir, 'k.pem'), LOGSHIP_URL: 'https://logs:7700' };
    const fromEnv = clientOptions({}, env);
    assert.equal(fromEnv.tls?.ca?.toString(), 'a.pem');
    assert.equal(fromEnv.tls?.cert?.toString(), 'c.pem');
    assert.equal(fromEnv.tls?.key?.toString(), 'k.pem');
    const fromFlag = clientOptions({ 'ca-file': join(dir, 'b.pem'), server: 'https://x' }, env);
    assert.equal(fromFlag.tls?.ca?.toString(), 'b.pem');
    assert.equal(fromFlag.server, 'https://x');
    assert.equal(clientOptions({}, {}).tls, undefined);
    assert.throws(() => clientOptions({ 'cert-file': join(dir, 'c.pem') }, {}), (e: unknown) => e instanceof CliError && e.exitCode === EXIT.USAGE && /go together/.test(e.message));
    assert.throws(() => clientOptions({ 'ca-file': join(dir, 'missing.pem') }, {}), (e: unknown) => e instanceof CliError && /--ca-file: cannot read .*missing\.pem/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a --server or LOGSHIP_URL without http:// or https:// is a usage error saying how to write it', () => {
  assert.throws(() => clientOptions({ server: '127.0.0.1:7700' }, {}),
    (e: unknown) => e instanceof CliError && e.exitCode === EXIT.USAGE && e.message === '--server "127.0.0.1:7700" is not an http:// or https:// address: write http://127.0.0.1:7700 (https:// when the server has tls)');
  assert.throws(() => clientOptions({ server: 'logs.internal:7700' }, {}), (e: unknown) => e instanceof CliError && /write http:\/\/logs\.internal:7700/.test(e.message));
  assert.throws(() => clientOptions({ server: 'ftp://logs:7700' }, {}), (e: unknown) => e instanceof CliError && /write http:\/\/logs:7700 /.test(e.message));
  assert.equal(clientOptions({ server: 'http://[::1]:7700' }, {}).server, 'http://[::1]:7700');
});

test('LOGSHIP_URL and LOGSHIP_TOKEN set but empty (LOGSHIP_URL= in a script) are unset: the local server, no token', () => {
  // Before: LOGSHIP_URL "" is not an http:// or https:// address, a usage error.
  assert.deepEqual(clientOptions({}, { LOGSHIP_URL: '', LOGSHIP_TOKEN: '' }), { server: 'http://127.0.0.1:7700', token: undefined });
  // The environment given is the one read (it was process.env for the URL).
  assert.equal(clientOptions({}, { LOGSHIP_URL: 'https://logs:7700' }).server, 'https://logs:7700');
  assert.equal(clientOptions({ server: 'http://x:1' }, { LOGSHIP_URL: 'https://logs:7700' }).server, 'http://x:1');
});
