/**
 * OTLP/HTTP logs with the OpenTelemetry JS SDK against a real `logship
 * serve`: @opentelemetry/sdk-logs with exporter-logs-otlp-proto (protobuf)
 * and exporter-logs-otlp-http (JSON), and OTLP/gRPC on its own port
 * (otlp.grpc_listen) with exporter-logs-otlp-grpc. N records, some emitted twice with
 * the same timestamps (a resend); a search finds each exactly once with
 * its resource, scope and record attributes as fields.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as GrpcExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { freePort, stopAll, type ServerHandle } from './harness.js';
import { assertEachOnce, findAll, startProtocolServer, WRITE_TOKEN } from './protocol-support.js';

let server: ServerHandle;
let grpcPort: number;
before(async () => {
  grpcPort = await freePort();
  server = await startProtocolServer(`otlp: { grpc_listen: "127.0.0.1:${grpcPort}" }`);
});
after(async () => {
  await stopAll();
});

async function sendWith(exporter: LogRecordExporter, service: string, N: number, resend: number[]): Promise<number> {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'host.name': 'otel-host-1', 'k8s.namespace.name': 'shop' }),
    processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 16, scheduledDelayMillis: 50 })],
  });
  const logger = provider.getLogger('app.checkout', '2.1.0');
  const base = Date.now() - 90_000;
  const emit = (i: number): void =>
    logger.emit({
      timestamp: base + i,
      observedTimestamp: base + i,
      severityNumber: i % 3 === 0 ? SeverityNumber.ERROR : SeverityNumber.INFO,
      severityText: i % 3 === 0 ? 'ERROR' : 'INFO',
      body: `${service} record ${i}`,
      attributes: { 'record.n': `n-${i}`, 'http.status_code': 200 + i },
    });
  for (let i = 0; i < N; i++) emit(i);
  await provider.forceFlush();
  for (const i of resend) emit(i);
  await provider.forceFlush();
  await provider.shutdown();
  return base;
}

for (const [name, make] of [
  ['exporter-logs-otlp-proto (protobuf)', () => new ProtoExporter({ url: `${server.url}/v1/logs`, headers: { authorization: `Bearer ${WRITE_TOKEN}` } })],
  ['exporter-logs-otlp-http (JSON)', () => new JsonExporter({ url: `${server.url}/v1/logs`, headers: { authorization: `Bearer ${WRITE_TOKEN}` } })],
  [
    'exporter-logs-otlp-grpc (gRPC, gzip)',
    () => {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${WRITE_TOKEN}`);
      return new GrpcExporter({ url: `http://127.0.0.1:${grpcPort}`, metadata, compression: CompressionAlgorithm.GZIP });
    },
  ],
] as const) {
  test(`sdk-logs + ${name}: N records, some resent, each found once with attributes`, async () => {
    const service = name.includes('gRPC') ? 'otel-grpc' : name.includes('proto') ? 'otel-proto' : 'otel-json';
    const N = 35;
    const base = await sendWith(make(), service, N, [0, 5, 17, 34]);
    const hits = await findAll(server.url, `service.name:${service}`);
    assertEachOnce(hits, 'record.n', Array.from({ length: N }, (_, i) => `n-${i}`));
    const h0 = hits.find((h) => h['record.n'] === 'n-0')!;
    assert.equal(h0.message, `${service} record 0`);
    assert.equal(h0.level, 'error');
    assert.equal(h0.host, 'otel-host-1');
    assert.equal(h0['k8s.namespace.name'], 'shop');
    assert.equal(h0['otel.scope.name'], 'app.checkout');
    assert.equal(h0['http.status_code'], 200);
    assert.equal(h0['@timestamp'], new Date(base).toISOString());
    assert.equal(hits.find((h) => h['record.n'] === 'n-1')!.level, 'info');
  });
}

test('OTLP/gRPC refusals carry gRPC status codes: no token, a body that is not protobuf', async () => {
  const client = new Client(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
  const call = (body: Buffer, token?: string) =>
    new Promise<{ code: number; details: string }>((resolve) => {
      const md = new Metadata();
      if (token) md.set('authorization', `Bearer ${token}`);
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        body,
        md,
        (err) => resolve({ code: err?.code ?? 0, details: err?.details ?? '' }),
      );
    });
  try {
    const anon = await call(Buffer.alloc(0));
    assert.equal(anon.code, status.UNAUTHENTICATED);
    assert.match(anon.details, /LS_AUTH_MISSING_TOKEN/);
    const garbage = await call(Buffer.from([0xff, 0xff, 0xff, 0x01]), WRITE_TOKEN);
    assert.equal(garbage.code, status.INVALID_ARGUMENT);
    assert.match(garbage.details, /LS_INGEST_BAD_PROTOBUF/);
    assert.equal((await call(Buffer.alloc(0), WRITE_TOKEN)).code, status.OK);
  } finally {
    client.close();
  }
});

test("Loki 3's OTLP path: an exporter whose endpoint was http://loki:3100/otlp needs only its host changed", async () => {
  // The otlphttp exporter appends /v1/logs to its endpoint; Loki 3 serves OTLP under /otlp.
  const N = 6;
  await sendWith(new ProtoExporter({ url: `${server.url}/otlp/v1/logs`, headers: { authorization: `Bearer ${WRITE_TOKEN}` } }), 'otel-loki-path', N, [2]);
  const hits = await findAll(server.url, 'service.name:otel-loki-path');
  assertEachOnce(hits, 'record.n', Array.from({ length: N }, (_, i) => `n-${i}`));
});

/**
 * Runs `emit` with a batch processor exporting to the server over OTLP/HTTP
 * protobuf, and keeps what the SDK warns meanwhile: the exporter reports a
 * partial success (records refused) as a warning through `diag`.
 */
async function exportWarnings(emit: (processor: BatchLogRecordProcessor) => Promise<void>): Promise<{ warnings: string[]; partial: string[] }> {
  const warnings: string[] = [];
  const keep = (...args: unknown[]): void => {
    warnings.push(args.map(String).join(' '));
  };
  diag.setLogger({ error: keep, warn: keep, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  try {
    const exporter = new ProtoExporter({ url: `${server.url}/v1/logs`, headers: { authorization: `Bearer ${WRITE_TOKEN}` } });
    await emit(new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 64, scheduledDelayMillis: 60_000 }));
  } finally {
    diag.disable();
  }
  return { warnings, partial: warnings.filter((w) => w.includes('Partial Success')) };
}

test('sdk-logs + exporter-logs-otlp-proto: a resource attribute keyed "" refuses its records, with a code the exporter reports; the export\'s other resource is stored', async () => {
  // The SDK discards a record or scope attribute keyed "", not a resource's: this one goes out as sent.
  const { partial, warnings } = await exportWarnings(async (processor) => {
    // One processor for both providers, so their records go out in one export, a resource each.
    const good = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'otel-key-ok' }), processors: [processor] });
    const bad = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'otel-key-empty', '': 'nameless' }), processors: [processor] });
    const base = Date.now() - 30_000;
    for (let i = 0; i < 3; i++) {
      good.getLogger('app').emit({ timestamp: base + i, body: `key ok ${i}` });
      bad.getLogger('app').emit({ timestamp: base + i, body: `key empty ${i}` });
    }
    await processor.forceFlush();
    await good.shutdown();
    await bad.shutdown();
  });
  assert.equal(partial.length, 1, warnings.join('\n'));
  // Three records refused (an int64: a number, its digits or a Long, as the decoder gives it).
  assert.match(partial[0]!, /"rejectedLogRecords":("?3"?[,}]|\{"low":3,)/);
  assert.match(partial[0]!, /LS_INGEST_OTLP_EMPTY_ATTRIBUTE_KEY: log record \d: an attribute of its resource has an empty key/);
  const hits = await findAll(server.url, 'service.name:(otel-key-ok OR otel-key-empty)');
  assert.deepEqual(hits.map((h) => h.message).sort(), ['key ok 0', 'key ok 1', 'key ok 2']);
});

test('sdk-logs + exporter-logs-otlp-proto: a key "" inside a map attribute or a map body, which the SDK sends, refuses that record naming the path; the others are stored', async () => {
  // The SDK checks an attribute's own key only: a map value's keys, and a map body's, go out as written.
  const { partial, warnings } = await exportWarnings(async (processor) => {
    const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'otel-nested-key' }), processors: [processor] });
    const logger = provider.getLogger('app');
    const base = Date.now() - 30_000;
    logger.emit({ timestamp: base, body: 'nested ok', attributes: { http: { method: 'GET' } } });
    logger.emit({ timestamp: base + 1, body: 'nested empty', attributes: { http: { '': 'x', method: 'GET' } } });
    logger.emit({ timestamp: base + 2, body: { '': 'z', msg: 'map body' } });
    await processor.forceFlush();
    await provider.shutdown();
  });
  assert.equal(partial.length, 1, warnings.join('\n'));
  assert.match(partial[0]!, /"rejectedLogRecords":("?2"?[,}]|\{"low":2,)/);
  assert.match(partial[0]!, /LS_INGEST_OTLP_EMPTY_ATTRIBUTE_KEY: log record 2: a map value in the attributes of the record, at http\.\\?"\\?", has an empty key/);
  assert.match(partial[0]!, /LS_INGEST_OTLP_EMPTY_ATTRIBUTE_KEY: log record 3: its kvlist body, at \\?"\\?", has an empty key/);
  const hits = await findAll(server.url, 'service.name:otel-nested-key');
  assert.deepEqual(hits.map((h) => [h.message, h['http.method']]), [['nested ok', 'GET']]);
});

/*
 * A map inside an array is stored within the array's JSON text, so its keys name no field: a
 * key "" there is data, kept, not refused. Protobuf leaves a key "" off the wire; the decoder
 * dropped such an entry, so a protobuf export lost those values while a JSON one kept them.
 */
for (const [name, make] of [
  ['exporter-logs-otlp-proto (protobuf)', () => new ProtoExporter({ url: `${server.url}/v1/logs`, headers: { authorization: `Bearer ${WRITE_TOKEN}` } })],
  ['exporter-logs-otlp-http (JSON)', () => new JsonExporter({ url: `${server.url}/v1/logs`, headers: { authorization: `Bearer ${WRITE_TOKEN}` } })],
] as const) {
  test(`sdk-logs + ${name}: a key "" in a map inside an array (attribute, body) is stored in the array's text, nothing refused`, async () => {
    const service = name.includes('proto') ? 'otel-array-map-proto' : 'otel-array-map-json';
    const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': service }), processors: [new BatchLogRecordProcessor({ exporter: make() })] });
    const logger = provider.getLogger('app');
    const base = Date.now() - 30_000;
    logger.emit({ timestamp: base, body: 'array attribute', attributes: { items: [{ '': 'x', id: 1 }, { '': 'y' }] } });
    logger.emit({ timestamp: base + 1, body: { msg: 'array in body', list: [{ '': 'z', k: 2 }] } });
    await provider.forceFlush();
    await provider.shutdown();
    const hits = await findAll(server.url, `service.name:${service}`);
    assert.deepEqual(
      hits.map((h) => [h.message, h.items, h.list]).sort(),
      [
        ['array attribute', '[{"":"x","id":1},{"":"y"}]', undefined],
        ['array in body', undefined, '[{"":"z","k":2}]'],
      ],
    );
    assert.equal((await findAll(server.url, `service.name:${service} AND items:*\\"y\\"*`)).length, 1);
  });
}

test("the Collector's otlphttp compression: snappy (framed, and block) and x-snappy-framed are stored; zstd where this Node decodes it, else a 415 naming what is accepted; a snappy bomb is a 413", async () => {
  // The snappy library winston-loki uses (Rust's snap through napi): the block format; the
  // framing format (what the Collector's `compression: snappy` sends) is its blocks in chunks.
  const snappy = createRequire(createRequire(import.meta.url).resolve('winston-loki'))('snappy') as { compressSync(b: Buffer): Buffer };
  const framed = (data: Buffer): Buffer => {
    const parts: Buffer[] = [Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59])];
    for (let at = 0; at < data.length; at += 65_536) {
      const block = snappy.compressSync(data.subarray(at, at + 65_536));
      const head = Buffer.alloc(8);
      head[0] = 0x00;
      head.writeUIntLE(block.length + 4, 1, 3);
      head.writeUInt32LE(maskedCrc32c(data.subarray(at, at + 65_536)), 4);
      parts.push(head, block);
    }
    return Buffer.concat(parts);
  };
  const body = (name: string): Buffer =>
    Buffer.from(
      JSON.stringify({
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'otel-compressed' } }] },
            scopeLogs: [{ logRecords: [{ timeUnixNano: String((Date.now() - 30_000) * 1e6), body: { stringValue: `compressed ${name} ${'x'.repeat(70_000)}` } }] }],
          },
        ],
      }),
    );
  const post = (encoding: string, data: Buffer) =>
    fetch(`${server.url}/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json', 'content-encoding': encoding },
      body: new Uint8Array(data),
    });
  const sent: string[] = [];
  for (const [encoding, data, name] of [
    ['snappy', framed(body('snappy-framed')), 'snappy-framed'],
    ['snappy', snappy.compressSync(body('snappy-block')), 'snappy-block'],
    ['x-snappy-framed', framed(body('x-snappy-framed')), 'x-snappy-framed'],
  ] as const) {
    const res = await post(encoding, data);
    assert.equal(res.status, 200, `${name}: ${await res.text()}`);
    sent.push(`compressed ${name}`);
  }
  // zstd from the zstd command line tool.
  const zstd = execFileSync('zstd', ['-q', '-c', '-19'], { input: body('zstd') });
  const z = await post('zstd', zstd);
  if (typeof (zlib as { zstdDecompress?: unknown }).zstdDecompress === 'function') {
    assert.equal(z.status, 200, await z.text());
    sent.push('compressed zstd');
  } else {
    assert.equal(z.status, 415);
    const answer = (await z.json()) as { message: string };
    assert.match(answer.message, /LS_INGEST_UNSUPPORTED_ENCODING: Content-Encoding "zstd" is not supported here \(use gzip, deflate, zlib, snappy, x-snappy-framed or none \(zstd needs Node 22\.15 or later/);
  }
  // A framed body damaged on the way still decodes: its checksum says so, and nothing of it is stored.
  const damaged = framed(body('damaged'));
  damaged[30]! ^= 0x01; // inside the literal `{"resourceLogs"` the first chunk starts with
  const bad = await post('snappy', damaged);
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { message: string }).message, /LS_INGEST_BAD_SNAPPY: .*checksum mismatch/);
  const hits = await findAll(server.url, 'service.name:otel-compressed');
  assert.deepEqual(hits.map((h) => String(h.message).split(' ').slice(0, 2).join(' ')).sort(), sent.sort());
  // 112 MiB of zeros in 5 MiB of frames (under max_body_bytes): refused at max_decompressed_bytes (100 MiB).
  const chunk = framed(Buffer.alloc(65_536)).subarray(10);
  const bomb = Buffer.concat([framed(Buffer.alloc(0)), ...Array.from({ length: 1792 }, () => chunk)]);
  assert.ok(bomb.length < 10 * 1024 * 1024, String(bomb.length));
  const big = await post('snappy', bomb);
  assert.equal(big.status, 413, await big.text());
});

/** The framing format's masked CRC-32C (Castagnoli), as golang/snappy's writer puts in each data chunk. */
function maskedCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0x82f63b78 ^ (crc >>> 1) : crc >>> 1;
  }
  const c = (crc ^ 0xffffffff) >>> 0;
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}
