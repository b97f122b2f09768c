/**
 * OTLP/gRPC throttling against a real `logship serve`: a token over its
 * rate limit is refused RESOURCE_EXHAUSTED with a google.rpc.RetryInfo in
 * grpc-status-details-bin. The Collector's otlp exporter retries that code
 * only when the status carries RetryInfo (the OTLP spec's throttling
 * signal); without it the export was dropped as a permanent error. The
 * trailer is read here byte by byte, as any gRPC peer would, not with the
 * server's own protobuf definitions.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { freePort, startServer, stopAll } from './harness.js';

const TOKEN = 'throttled-write-token-0123456789';

after(async () => {
  await stopAll();
});

/** Protobuf fields of a message: field number → raw values (varints as numbers, length-delimited as bytes). */
function fields(buf: Buffer): Map<number, (number | Buffer)[]> {
  const out = new Map<number, (number | Buffer)[]>();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++]!;
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) return v;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const wire = key & 7;
    let value: number | Buffer;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = varint();
      value = buf.subarray(i, i + len);
      i += len;
    } else throw new Error(`unexpected wire type ${wire}`);
    out.set(key >>> 3, [...(out.get(key >>> 3) ?? []), value]);
  }
  return out;
}

test('OTLP/gRPC over the rate limit: RESOURCE_EXHAUSTED carries RetryInfo with the wait, so the Collector retries instead of dropping', async () => {
  const grpcPort = await freePort();
  await startServer({
    configYaml: [
      'auth:',
      '  tokens:',
      `    - { name: collector, token: "${TOKEN}", scopes: [write] }`,
      '  rate_limit: { requests_per_s: 0.01, burst: 1 }',
      `otlp: { grpc_listen: "127.0.0.1:${grpcPort}" }`,
    ].join('\n'),
  });
  const client = new Client(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
  const call = () =>
    new Promise<ServiceError | null>((resolve) => {
      const md = new Metadata();
      md.set('authorization', `Bearer ${TOKEN}`);
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        md,
        (err) => resolve(err),
      );
    });
  try {
    assert.equal(await call(), null, 'the first export is within the burst');
    const refused = await call();
    assert.ok(refused, 'the second export is over the rate limit');
    assert.equal(refused.code, status.RESOURCE_EXHAUSTED);
    assert.match(refused.details, /LS_AUTH_RATE_LIMITED/);
    const [bin] = refused.metadata.get('grpc-status-details-bin');
    assert.ok(Buffer.isBuffer(bin), 'the status has details (google.rpc.Status in grpc-status-details-bin)');
    const st = fields(bin);
    assert.equal(st.get(1)?.[0], status.RESOURCE_EXHAUSTED, 'the detailed status has the same code');
    const anys = (st.get(3) ?? []).map((a) => fields(a as Buffer));
    const retry = anys.find((a) => String(a.get(1)?.[0]) === 'type.googleapis.com/google.rpc.RetryInfo');
    assert.ok(retry, `a RetryInfo among the details: ${anys.map((a) => String(a.get(1)?.[0])).join(', ')}`);
    const delay = fields(fields(retry.get(2)![0] as Buffer).get(1)![0] as Buffer);
    const seconds = delay.get(1)?.[0] as number;
    // 0.01 requests a second: the next token is ~100 s away.
    assert.ok(seconds >= 90 && seconds <= 100, `retry_delay ${seconds} s`);
  } finally {
    client.close();
  }
});
