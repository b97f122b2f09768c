/**
 * Readiness covers every listener: `/health/ready` answered 200 (and /health
 * answered at all) while the OTLP/gRPC port and the syslog listeners were
 * still being opened, so a Collector started by an orchestrator once the
 * server was ready had its first exports refused (connection refused,
 * UNAVAILABLE). Here a real `logship serve` with both configured is probed
 * from the moment it starts; the first 200 from /health/ready must find the
 * gRPC and syslog ports taking connections.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { after, test } from 'node:test';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { freePort, logshipBin, repoRoot, stopAll, tempDir, track } from './harness.js';

const TOKEN = 'ready-listeners-write-token-0123';

after(async () => {
  await stopAll();
});

test('the first 200 from /health/ready finds the OTLP/gRPC and syslog ports taking connections', async () => {
  const [httpPort, grpcPort, syslogPort] = [await freePort(), await freePort(), await freePort()];
  const dir = await tempDir('logship-ready-');
  const config = join(dir, 'server.yaml');
  await writeFile(config, [
    'auth:',
    '  tokens:',
    `    - { name: collector, token: "${TOKEN}", scopes: [write] }`,
    `otlp: { grpc_listen: "127.0.0.1:${grpcPort}" }`,
    `syslog: { listen_tcp: "127.0.0.1:${syslogPort}" }`,
  ].join('\n'));
  const server = track(spawn(process.execPath, [logshipBin, 'serve', '--config', config, '--data', join(dir, 'data'), '--listen', `127.0.0.1:${httpPort}`], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  }));

  // As an orchestrator's probes do, as often as they can: a few at once, no
  // pause between tries, so the first 200 is seen as soon as it is answered.
  let ready = false;
  const probe = async (): Promise<void> => {
    while (!ready) {
      if (server.proc.exitCode !== null) assert.fail(`the server exited: ${server.output()}`);
      const status = await fetch(`http://127.0.0.1:${httpPort}/health/ready`).then((r) => r.status, () => 0);
      if (status === 200) ready = true;
    }
  };
  await Promise.race([probe(), probe(), probe()]);

  // At once, without waiting for the channel: a refused connection is UNAVAILABLE here.
  const client = new Client(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
  try {
    const err = await new Promise<ServiceError | null>((resolve) => {
      const md = new Metadata();
      md.set('authorization', `Bearer ${TOKEN}`);
      client.makeUnaryRequest('/opentelemetry.proto.collector.logs.v1.LogsService/Export', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), md, (e) => resolve(e));
    });
    assert.equal(err, null, `OTLP/gRPC export right after ready: ${err?.message}`);
  } finally {
    client.close();
  }
  const syslogOpen = await new Promise<boolean>((resolve) => {
    const socket = connect(syslogPort, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
  assert.ok(syslogOpen, 'the syslog TCP port takes connections once ready');
});
