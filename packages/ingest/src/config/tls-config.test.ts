import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServerConfig } from './load-server-config.js';
import { parseSubject, subjectMatches } from './parse-subject.js';
import { checkListenPolicy } from '../server/listen-policy.js';

const TLS = { cert_file: '/etc/logship/tls.crt', key_file: '/etc/logship/tls.key' };

test('tls: defaults to TLSv1.2; flags override and complete the file; both files are required', () => {
  const c = buildServerConfig({ tls: TLS });
  assert.deepEqual(c.tls, { ...TLS, min_version: 'TLSv1.2' });
  const f = buildServerConfig({ tls: TLS }, { tlsCertFile: '/x.crt', tlsClientCaFile: '/ca.pem', tlsMinVersion: 'TLSv1.3' });
  assert.deepEqual(f.tls, { cert_file: '/x.crt', key_file: TLS.key_file, client_ca_file: '/ca.pem', min_version: 'TLSv1.3' });
  assert.equal(buildServerConfig({}).tls, undefined);
  assert.throws(() => buildServerConfig({}, { tlsCertFile: '/x.crt' }), { code: 'LS_CONFIG_INVALID', message: /tls.*key_file/ });
  assert.throws(() => buildServerConfig({ tls: { ...TLS, min_version: 'TLSv1.1' } }), { code: 'LS_CONFIG_INVALID', message: /tls\.min_version/ });
  assert.throws(() => buildServerConfig({ tls: { ...TLS, ca_file: '/x' } }), { code: 'LS_CONFIG_UNKNOWN_KEY', message: /tls\.ca_file/ });
});

test('auth.tls_clients needs a client CA and a subject of ATTRIBUTE=value pairs', () => {
  const clients = [{ subject: 'CN=web-1', scopes: ['write'] }];
  assert.throws(() => buildServerConfig({ tls: TLS, auth: { tls_clients: clients } }), { code: 'LS_CONFIG_INVALID', message: /auth\.tls_clients.*client_ca_file/ });
  const c = buildServerConfig({ tls: { ...TLS, client_ca_file: '/ca.pem' }, auth: { tls_clients: clients } });
  assert.deepEqual(c.auth.tls_clients, clients);
  assert.throws(() => buildServerConfig({ tls: { ...TLS, client_ca_file: '/ca.pem' }, auth: { tls_clients: [{ subject: 'web-1', scopes: ['write'] }] } }),
    { code: 'LS_CONFIG_INVALID', message: /auth\.tls_clients\[0\]\.subject/ });
});

test('a subject matches when every attribute it names has that value; others are ignored', () => {
  const s = parseSubject('CN=web-1, o=Acme\\, Inc.');
  assert.deepEqual([...s], [['CN', 'web-1'], ['O', 'Acme, Inc.']]);
  assert.ok(subjectMatches(s, { CN: 'web-1', O: 'Acme, Inc.', OU: 'ops' }));
  assert.ok(!subjectMatches(s, { CN: 'web-1' }));
  assert.ok(!subjectMatches(s, { CN: 'web-10', O: 'Acme, Inc.' }));
  assert.ok(subjectMatches(parseSubject('OU=ops'), { CN: 'x', OU: ['dev', 'ops'] }));
  assert.throws(() => parseSubject('CN=a,CN=b'), /twice/);
  assert.throws(() => parseSubject(' , '), /empty/);
});

test('listen policy: no tokens → loopback only, unless mutual TLS is on', () => {
  const open = buildServerConfig({ listen: '0.0.0.0:7700' });
  assert.throws(() => checkListenPolicy(open, '0.0.0.0'), { code: 'LS_CONFIG_PUBLIC_WITHOUT_TOKENS' });
  assert.match(checkListenPolicy(buildServerConfig({}), '127.0.0.1') ?? '', /loopback/);
  // HTTPS without a client CA verifies nobody: still loopback only.
  assert.throws(() => checkListenPolicy(buildServerConfig({ listen: '0.0.0.0:7700', tls: TLS }), '0.0.0.0'), { code: 'LS_CONFIG_PUBLIC_WITHOUT_TOKENS' });
  const mtls = buildServerConfig({ listen: '0.0.0.0:7700', tls: { ...TLS, client_ca_file: '/ca.pem' } });
  assert.match(checkListenPolicy(mtls, '0.0.0.0') ?? '', /tls\.client_ca_file/);
  const tokens = buildServerConfig({ listen: '0.0.0.0:7700', auth: { tokens: [{ name: 'a', token: 'a-token-0123456789', scopes: ['read'] }] } });
  assert.equal(checkListenPolicy(tokens, '0.0.0.0'), undefined);
});
