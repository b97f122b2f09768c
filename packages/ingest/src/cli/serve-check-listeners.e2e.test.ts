/**
 * `logship serve --check` said "The config is valid" and exited 0 while the
 * listen port was taken by another program (or the address was not this
 * host's); the start then failed with LS_CONFIG_LISTEN_FAILED, after the
 * check had passed as the unit's ExecStartPre. Now the check binds each
 * configured listener (HTTP, syslog TCP/UDP, OTLP/gRPC) and releases it,
 * failing as the start would, naming the key. A port held by the logship
 * server already running on the same data folder is a warning: a restart
 * frees it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../testing/free-port.js';

const BIN = fileURLToPath(new URL('../../bin/logship.js', import.meta.url));

function check(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'serve', '--check', ...args], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr });
    });
  });
}

const inUse = (address: string, key: string) =>
  `logship: cannot listen on ${address} (${key}): the address is already in use (by another logship, or another program): stop it or choose another port (EADDRINUSE) (LS_CONFIG_LISTEN_FAILED)\n`;

test('serve --check fails as the start would when a listener cannot bind, naming its key; a port the running server of this data folder holds is a warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-check-listen-'));
  // Another program holding the port; it hangs up on whoever connects (the check's probe for a running logship).
  const other = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const held = `127.0.0.1:${(other.address() as AddressInfo).port}`;
  const udp = createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  const heldUdp = `127.0.0.1:${udp.address().port}`;
  const free = await freePort();
  const config = join(dir, 'server.yaml');
  const data = join(dir, 'data');
  try {
    const http = await check(['--data', data, '--listen', held]);
    assert.equal(http.code, 1, http.stdout);
    assert.equal(http.stderr, inUse(held, 'listen'));
    assert.doesNotMatch(http.stdout, /The config is valid/);

    writeFileSync(config, `listen: 127.0.0.1:${free}\ndata: ${data}\nsyslog: { listen_tcp: "${held}" }\n`);
    assert.equal((await check(['--config', config])).stderr, inUse(held, 'syslog.listen_tcp'));
    writeFileSync(config, `listen: 127.0.0.1:${free}\ndata: ${data}\nsyslog: { listen_udp: "${heldUdp}" }\n`);
    const byUdp = await check(['--config', config]);
    assert.equal(byUdp.code, 1);
    assert.equal(byUdp.stderr, inUse(heldUdp, 'syslog.listen_udp'));
    // Two keys on one port: the config's mistake, both keys named (serve-listen-clashes.e2e.test.ts).
    writeFileSync(config, `listen: 127.0.0.1:${free}\ndata: ${data}\notlp: { grpc_listen: "127.0.0.1:${free}" }\n`);
    assert.equal(
      (await check(['--config', config])).stderr,
      `logship: config value at "otlp.grpc_listen" takes the port of listen (line 1): otlp.grpc_listen and listen are both 127.0.0.1:${free}; give each listener a port of its own (line 3, column 9 of ${config}) (LS_CONFIG_INVALID)\n`,
    );
    // An address this host does not have (TEST-NET-1), with the token a public address needs.
    writeFileSync(config, `listen: 192.0.2.1:7700\ndata: ${data}\nauth: { tokens: [{ name: ops, token: "t0123456789abcdef", scopes: [write] }] }\n`);
    const nowhere = await check(['--config', config]);
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.stderr, /cannot listen on 192\.0\.2\.1:7700 \(listen\): the address is not one of this host's.*\(EADDRNOTAVAIL\) \(LS_CONFIG_LISTEN_FAILED\)/);

    writeFileSync(config, `listen: 127.0.0.1:${free}\ndata: ${data}\n`);
    const clean = await check(['--config', config]);
    assert.equal(clean.code, 0, clean.stderr);
    assert.doesNotMatch(clean.stdout, /warning: listen/);

    // The server of this data folder runs: the check of its config before a restart passes, saying so.
    await running(['--config', config], async () => {
      const r = await check(['--config', config]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`warning: listen 127\\.0\\.0\\.1:${free} is in use by the logship server running on this config; a restart frees it\\.`));
    });
  } finally {
    await new Promise((resolve) => other.close(resolve));
    udp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A server to run: started, its `logship listening on` line seen; stopped with SIGTERM. */
async function running<T>(args: string[], body: () => Promise<T>): Promise<T> {
  const server = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => server.on('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: server.stdout! }).on('line', (l) => l.startsWith('logship listening on') && resolve());
      server.on('exit', (code) => reject(new Error(`the server exited ${code}`)));
    });
    return await body();
  } finally {
    server.kill('SIGTERM');
    await exited;
  }
}

// The probe for a running logship verified the certificate of a TLS server
// against the loopback address it asked (the certificate names the host
// clients use), failed, and so called logship's own port "in use by
// another program": with the Elasticsearch store, whose folder has no lock
// to say so first, `serve --check` before every restart of a TLS server
// exited 1. Here the folder lock cannot say it either (the check's config
// names another data folder), so only the probe over TLS can.
test('serve --check of a TLS server that runs: the port it holds is a warning, found over HTTPS whatever host its certificate names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-check-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=logs.example.com', '-days', '2'], { stdio: 'ignore' });
  const port = await freePort();
  const config = join(dir, 'server.yaml');
  try {
    await running(['--listen', `127.0.0.1:${port}`, '--data', join(dir, 'serving'), '--tls-cert-file', cert, '--tls-key-file', key], async () => {
      writeFileSync(config, `listen: 127.0.0.1:${port}\ndata: ${join(dir, 'other')}\ntls: { cert_file: ${cert}, key_file: ${key} }\n`);
      const r = await check(['--config', config]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`warning: listen 127\\.0\\.0\\.1:${port} is in use by the logship server running on this config; a restart frees it\\.`));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
