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
