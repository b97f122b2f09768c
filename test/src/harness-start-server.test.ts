/**
 * The harness's startServer hands back the server it started, never one
 * already listening on the same port: two files running at once were once
 * given the same free port, and the second file's tests seeded and searched
 * the first's server. The listeners a config opens beside HTTP (OTLP/gRPC,
 * syslog) are handed back too, each held by that server.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, test } from 'node:test';
import { freePort, startServer, stopAll } from './harness.js';
import { listensOn } from './listening.js';

after(stopAll);

test('a server whose port is taken is an error naming EADDRINUSE, not the other server', async () => {
  const first = await startServer();
  await assert.rejects(startServer({ port: first.port }), /server exited with 1:[\s\S]*EADDRINUSE/);
  assert.equal((await fetch(`${first.url}/health`)).status, 200);
});

test('a server\'s OTLP/gRPC and syslog TCP and UDP ports are handed back, each held by it', async () => {
  const [grpc, tcp, udp] = [await freePort(), await freePort(), await freePort()];
  const server = await startServer({
    configYaml: [
      'auth:',
      '  tokens:',
      '    - { name: collector, token: "listeners-write-token-0123456789", scopes: [write] }',
      `otlp: { grpc_listen: "127.0.0.1:${grpc}" }`,
      `syslog: { listen_tcp: "127.0.0.1:${tcp}", listen_udp: "127.0.0.1:${udp}" }`,
    ].join('\n'),
  });
  assert.deepEqual(server.listeners, [
    { key: 'otlp.grpc_listen', port: grpc, transport: 'tcp' },
    { key: 'syslog.listen_tcp', port: tcp, transport: 'tcp' },
    { key: 'syslog.listen_udp', port: udp, transport: 'udp' },
  ]);
  for (const l of server.listeners) assert.equal(listensOn(server.proc.pid!, l.port, l.transport), true, `${l.key} held by the server`);
  assert.equal(listensOn(server.proc.pid!, udp, 'tcp'), false, 'the UDP port is no TCP listener');
  // A UDP port bound by another process (this one) is not the server's.
  const other = createSocket('udp4');
  const otherPort = await freePort();
  await new Promise<void>((r) => other.bind(otherPort, '127.0.0.1', r));
  try {
    assert.equal(listensOn(process.pid, otherPort, 'udp'), true);
    assert.equal(listensOn(server.proc.pid!, otherPort, 'udp'), false);
  } finally {
    other.close();
  }
  await server.stop();
});
