/**
 * Which gRPC message compressions the OTLP/gRPC listener reads. The
 * Collector's otlp exporter compresses with gzip by default and offers
 * snappy and zstd; grpc-js, which serves the port, decodes gzip and deflate
 * only and has no hook for others, so snappy and zstd messages are refused
 * UNIMPLEMENTED naming the encoding (docs/PROTOCOLS.md says to keep gzip).
 * Sent here as a gRPC-Go client sends them (a compressed-flag message and
 * grpc-encoding), over plain HTTP/2; the server goes on serving.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { gzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { freePort, startServer, stopAll } from './harness.js';

const TOKEN = 'compression-write-token-01234567';

after(async () => {
  await stopAll();
});

/** One unary Export with `payload` as the compressed message: its grpc-status and grpc-message. */
async function exportWith(port: number, encoding: string, payload: Buffer): Promise<{ status: string; message: string }> {
  const session = connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise((resolve, reject) => {
      const req = session.request({
        ':method': 'POST',
        ':path': '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
        'content-type': 'application/grpc',
        te: 'trailers',
        'grpc-encoding': encoding,
        authorization: `Bearer ${TOKEN}`,
      });
      const frame = Buffer.alloc(5);
      frame.writeUInt8(1, 0);
      frame.writeUInt32BE(payload.length, 1);
      let headers: Record<string, unknown> = {};
      req.on('response', (h) => (headers = h));
      req.on('trailers', (t) => (headers = { ...headers, ...t }));
      req.on('data', () => {});
      req.on('error', reject);
      req.on('end', () => resolve({ status: String(headers['grpc-status']), message: decodeURIComponent(String(headers['grpc-message'] ?? '')) }));
      req.end(Buffer.concat([frame, payload]));
    });
  } finally {
    session.close();
  }
}

test('OTLP/gRPC: gzip messages are read; snappy and zstd are UNIMPLEMENTED naming the encoding, damaged gzip INTERNAL, and the server goes on', async () => {
  const grpcPort = await freePort();
  const server = await startServer({
    configYaml: ['auth:', '  tokens:', `    - { name: collector, token: "${TOKEN}", scopes: [write] }`, `otlp: { grpc_listen: "127.0.0.1:${grpcPort}" }`].join('\n'),
  });
  // An empty ExportLogsServiceRequest, compressed.
  assert.deepEqual(await exportWith(grpcPort, 'gzip', gzipSync(Buffer.alloc(0))), { status: '0', message: 'OK' });
  // The snappy block of an empty message, and a zstd frame of it.
  const snappy = await exportWith(grpcPort, 'snappy', Buffer.from([0x00]));
  assert.equal(snappy.status, '12', snappy.message);
  assert.match(snappy.message, /unsupported encoding "snappy"/);
  const zstd = await exportWith(grpcPort, 'zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x01, 0x00, 0x00]));
  assert.equal(zstd.status, '12', zstd.message);
  assert.match(zstd.message, /unsupported encoding "zstd"/);
  // A gzip message that does not inflate: grpc-js answers INTERNAL before the
  // handler runs, as gRPC-Go (the Collector's and Loki's servers) does; there is
  // no hook to answer INVALID_ARGUMENT (docs/PROTOCOLS.md). Nothing is stored,
  // and the server goes on.
  const damaged = await exportWith(grpcPort, 'gzip', Buffer.from('not gzip at all'));
  assert.equal(damaged.status, '13', damaged.message);
  assert.match(damaged.message, /Failed to decompress message/);
  assert.equal((await fetch(`${server.url}/health/ready`)).status, 200);
  assert.deepEqual(await exportWith(grpcPort, 'gzip', gzipSync(Buffer.alloc(0))), { status: '0', message: 'OK' });
});
