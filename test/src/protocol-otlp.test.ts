/**
 * OTLP/HTTP logs with the OpenTelemetry JS SDK against a real `logship
 * serve`: @opentelemetry/sdk-logs with exporter-logs-otlp-proto (protobuf)
 * and exporter-logs-otlp-http (JSON). N records, some emitted twice with
 * the same timestamps (a resend); a search finds each exactly once with
 * its resource, scope and record attributes as fields.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { stopAll, type ServerHandle } from './harness.js';
import { assertEachOnce, findAll, startProtocolServer, WRITE_TOKEN } from './protocol-support.js';

let server: ServerHandle;
before(async () => {
  server = await startProtocolServer();
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
] as const) {
  test(`sdk-logs + ${name}: N records, some resent, each found once with attributes`, async () => {
    const service = name.includes('proto') ? 'otel-proto' : 'otel-json';
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
