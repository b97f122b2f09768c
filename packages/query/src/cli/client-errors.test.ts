/**
 * The query CLI against what it meets when no logship answers: a closed
 * port, TLS that fails, a web server that is not logship, an answer cut
 * short. Each is a coded line on stderr saying what to do, and the exit
 * status tells no answer (4) from an answer that refused or failed (3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';
import { listenLoopback, runCli } from '../testing/run-cli.js';
import { runSearchCli } from './search.js';
import { runCountCli, runTopCli } from './aggregate-cli.js';
import { runStatsCli } from './stats-cli.js';
import { EXIT } from './client.js';

const OPENSSL = spawnSync('openssl', ['version']).status === 0;

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test('nothing listens at --server: LS_CLIENT_UNREACHABLE saying so, exit 4 (not 3, a server that said no), for every command', async () => {
  // A port that was just free: listened on, then closed.
  const { url, server } = await serve(() => undefined);
  server.close();
  await once(server, 'close');
  const port = new URL(url).port;
  for (const [command, argv] of [
    [runSearchCli, ['level:error']],
    [runCountCli, []],
    [runTopCli, ['host']],
    [runStatsCli, ['duration_ms']],
  ] as const) {
    const run = await runCli(command, [...argv, '--server', url]);
    // Before: exit 3, as for a server that refused the query, and no code.
    assert.equal(run.status, EXIT.UNREACHABLE, run.err);
    assert.equal(run.err, `error [LS_CLIENT_UNREACHABLE]: cannot reach the logship server at ${url}: ECONNREFUSED, nothing listens at 127.0.0.1:${port}; is \`logship serve\` running there? Set --server or LOGSHIP_URL\n`);
  }
});

test('https:// to a server without TLS: LS_CLIENT_TLS saying to write http://, exit 4', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const url = (await listenLoopback(app)).replace('http:', 'https:');
  try {
    const run = await runCli(runSearchCli, ['x', '--server', url]);
    assert.equal(run.status, EXIT.UNREACHABLE, run.err);
    assert.match(run.err, /^error \[LS_CLIENT_TLS\]: TLS with the logship server at https:\/\/127\.0\.0\.1:\d+ failed: \w+, the server does not speak TLS at that port; write http:\/\/ in --server\n$/);
  } finally {
    await app.close();
  }
});

test('a server with TLS: untrusted certificate says --ca-file, http:// says https://, both exit 4; with --ca-file it answers', { skip: !OPENSSL }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-cli-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem',
      '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'ignore' });
    const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    const { app } = await queryApiApp(sampleEvents(), { now: Date.now }, tls);
    const url = await listenLoopback(app, 'https');
    try {
      const untrusted = await runCli(runSearchCli, ['x', '--server', url]);
      assert.equal(untrusted.status, EXIT.UNREACHABLE, untrusted.err);
      assert.match(untrusted.err, /^error \[LS_CLIENT_TLS\]: TLS with the logship server at https:\/\/127\.0\.0\.1:\d+ failed: DEPTH_ZERO_SELF_SIGNED_CERT, its certificate is signed by a CA this client does not trust; pass the CA's certificate with --ca-file FILE \(or LOGSHIP_CA_FILE\)\n$/);
      const plain = await runCli(runCountCli, ['--server', url.replace('https:', 'http:')]);
      assert.equal(plain.status, EXIT.UNREACHABLE, plain.err);
      assert.match(plain.err, /^error \[LS_CLIENT_UNREACHABLE\]: cannot reach the logship server at http:\/\/127\.0\.0\.1:\d+: \w+, the server closed the connection without an answer; if it serves HTTPS \(tls in its config\), write https:\/\/ in --server\n$/);
      const trusted = await runCli(runCountCli, ['--server', url, '--ca-file', join(dir, 'cert.pem'), '--from', '2026-02-08T00:00:00Z', '--to', '2026-02-09T00:00:00Z']);
      assert.deepEqual([trusted.status, trusted.out], [EXIT.OK, '7\n'], trusted.err);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a web server that is not logship answering 200 (an HTML page, other JSON): LS_CLIENT_NOT_LOGSHIP, exit 3, not a crash read as "nothing found"', async () => {
  for (const [type, body] of [
    ['text/html', '<!doctype html><html><body>Sign in</body></html>'],
    ['application/json', '{"status":"ok"}'],
    ['application/json', '[]'],
  ] as const) {
    const { url, server } = await serve((_req, res) => res.writeHead(200, { 'content-type': type }).end(body));
    try {
      for (const [command, argv] of [[runSearchCli, ['x']], [runCountCli, ['x']], [runTopCli, ['host']]] as const) {
        const run = await runCli(command, [...argv, '--server', url]);
        // Before: a SyntaxError or TypeError thrown out of the command (the bin printed it, exit 1: "nothing found").
        assert.equal(run.status, EXIT.SERVER, `${body}: ${run.err}`);
        assert.equal(run.err, `error [LS_CLIENT_NOT_LOGSHIP]: the answer from ${url} is not a logship answer (HTTP 200: ${body}); is --server (or LOGSHIP_URL) a logship server's address?\n`);
      }
    } finally {
      server.close();
    }
  }
});

test('an answer cut before its end (the server went away mid-answer): LS_CLIENT_ANSWER_CUT, exit 4, not a crash', async () => {
  const { url, server } = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"hits":[');
    setImmediate(() => res.socket?.destroy());
  });
  try {
    const run = await runCli(runSearchCli, ['x', '--server', url]);
    assert.equal(run.status, EXIT.UNREACHABLE, run.err);
    assert.match(run.err, /^error \[LS_CLIENT_ANSWER_CUT\]: the connection to the logship server at http:\/\/127\.0\.0\.1:\d+ broke before its answer was whole \(\w+\); run the command again/);
  } finally {
    server.close();
  }
});

test('a server that closes each connection before answering (a port forward or proxy with nothing behind it): LS_CLIENT_UNREACHABLE, exit 4, not 70', async () => {
  // Node 20's fetch never settles here; the CLI process, with nothing else to
  // run, stopped. Its own process, then: in this one the server keeps the loop alive.
  const server = createNetServer((socket) => socket.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const search = new URL('./search.js', import.meta.url).href;
  try {
    const child = spawn(process.execPath, ['--input-type=module', '-e',
      `import { runSearchCli } from ${JSON.stringify(search)}; process.exitCode = await runSearchCli(['x', '--server', ${JSON.stringify(url)}]);`],
    { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const [status] = (await once(child, 'exit')) as [number | null];
    // Before: 13 here (a top-level await that never settled); 70 from the bin.
    assert.equal(status, EXIT.UNREACHABLE, err);
    assert.match(err, /^error \[LS_CLIENT_UNREACHABLE\]: cannot reach the logship server at http:\/\/127\.0\.0\.1:\d+: \w+, the server closed the connection without an answer; /);
  } finally {
    server.close();
  }
});
