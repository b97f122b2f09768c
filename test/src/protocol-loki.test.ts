/**
 * Loki push with real Loki clients against a real `logship serve`:
 * winston-loki (protobuf + snappy, Basic auth) and pino-loki (JSON).
 * Each sends N events, some of them twice (the same entry again, as a
 * retry does), and a search finds each exactly once with its labels.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { pinoLoki } from 'pino-loki';
import winston from 'winston';
import LokiTransport from 'winston-loki';
import { stopAll, waitFor, type ServerHandle } from './harness.js';
import { assertEachOnce, findAll, metricValue, pythonTimeAgo, startProtocolServer, WRITE_TOKEN } from './protocol-support.js';

let server: ServerHandle;

async function lokiEvents(url: string): Promise<number> {
  let n = 0;
  for (const outcome of ['stored', 'duplicate', 'expired', 'rejected']) n += await metricValue(url, 'logship_ingest_events_total', { protocol: 'loki', outcome });
  return n;
}
before(async () => {
  server = await startProtocolServer();
});
after(async () => {
  await stopAll();
});

test('winston-loki (protobuf + snappy): N events, 5 resent, each found once with its labels', async () => {
  // winston-loki falls back to JSON silently when the snappy module is missing; this test is about protobuf.
  createRequire(createRequire(import.meta.url).resolve('winston-loki'))('snappy');
  const transport = new LokiTransport({
    host: server.url,
    json: false,
    basicAuth: `tenant:${WRITE_TOKEN}`,
    labels: { job: 'winston-e2e', host: 'app-3' },
    batching: true,
    interval: 0.2,
    // Keep the timestamps given, so a resent entry is the same entry.
    replaceTimestamp: false,
    gracefulShutdown: false,
    onConnectionError: (err) => assert.fail(`winston-loki: ${String(err)}`),
  });
  const logger = winston.createLogger({ transports: [transport] });
  const base = Date.now() - 60_000;
  const N = 30;
  for (let i = 0; i < N; i++) {
    logger.log({ level: i % 5 === 0 ? 'error' : 'info', message: `winston order ${i}`, timestamp: new Date(base + i).toISOString(), order: i });
  }
  await transport.flush();
  // The same entries again (same labels, timestamp and line), as a client's retry sends them.
  for (let i = 0; i < 5; i++) {
    logger.log({ level: i % 5 === 0 ? 'error' : 'info', message: `winston order ${i}`, timestamp: new Date(base + i).toISOString(), order: i });
  }
  await transport.flush();
  await transport.close();

  const hits = await findAll(server.url, 'job:winston-e2e');
  const messages = hits.map((h) => String(h.message).replace(/ \{.*$/, ''));
  assertEachOnce(hits.map((h, i) => ({ ...h, m: messages[i] })), 'm', Array.from({ length: N }, (_, i) => `winston order ${i}`));
  const zero = hits.find((h) => String(h.message).startsWith('winston order 0 '))!;
  assert.equal(zero.host, 'app-3');
  assert.equal(zero.level, 'error');
  assert.equal(zero['@timestamp'], new Date(base).toISOString());
  assert.equal(hits.find((h) => String(h.message).startsWith('winston order 1 '))!.level, 'info');
  assert.equal(await metricValue(server.url, 'logship_ingest_events_total', { protocol: 'loki', outcome: 'duplicate' }), 5);
});

/**
 * A winston-loki transport (protobuf, so snappy is loaded first) whose
 * refused requests are kept in `refused`, for the tests of what is refused.
 */
function refusingTransport(job: string): { transport: LokiTransport; refused: string[] } {
  createRequire(createRequire(import.meta.url).resolve('winston-loki'))('snappy');
  const refused: string[] = [];
  const transport = new LokiTransport({
    host: server.url,
    json: false,
    basicAuth: `tenant:${WRITE_TOKEN}`,
    labels: { job },
    batching: true,
    interval: 0.2,
    replaceTimestamp: false,
    gracefulShutdown: false,
    onConnectionError: (err) => refused.push(String(err)),
  });
  return { transport, refused };
}

test("winston-loki (protobuf): one log's label its Go-quoted label set cannot carry is refused alone; the batch's other streams are stored", async () => {
  const { transport, refused } = refusingTransport('winston-mixed');
  const logger = winston.createLogger({ transports: [transport] });
  const base = Date.now() - 60_000;
  const N = 6;
  for (let i = 0; i < N; i++) logger.log({ level: 'info', message: `mixed order ${i}`, timestamp: new Date(base + i).toISOString(), labels: { team: i % 2 === 0 ? 'a' : 'b' } });
  // winston-loki writes label sets as `{level="info",service-name="…"}`, unchecked: not a label set Loki reads.
  logger.log({ level: 'info', message: 'mixed odd label', timestamp: new Date(base + N).toISOString(), labels: { 'service-name': 'checkout' } });
  await transport.flush();
  await transport.close();

  const hits = await findAll(server.url, 'job:winston-mixed');
  const messages = hits.map((h) => String(h.message).replace(/ \{.*$/, ''));
  assertEachOnce(hits.map((h, i) => ({ ...h, m: messages[i] })), 'm', Array.from({ length: N }, (_, i) => `mixed order ${i}`));
  // As Loki answers: a 400 (which the client does not resend) naming the refused entry.
  // (winston-loki reports one failed request to onConnectionError more than once.)
  assert.ok(refused.length > 0, 'the client was told');
  for (const r of refused) assert.match(r, /HTTP 400: 1 of 7 entries were rejected; the others are stored\nentry 7: LS_INGEST_BAD_PAYLOAD: stream labels/);
});

test("winston-loki (protobuf): a log whose labels Loki refuses (a value over 2,048 bytes, 16 labels) is refused alone with its code; the batch's others are stored", async () => {
  const { transport, refused } = refusingTransport('winston-limits');
  const logger = winston.createLogger({ transports: [transport] });
  const base = Date.now() - 60_000;
  const N = 4;
  for (let i = 0; i < N; i++) logger.log({ level: 'info', message: `limits order ${i}`, timestamp: new Date(base + i).toISOString() });
  logger.log({ level: 'info', message: 'limits long value', timestamp: new Date(base + N).toISOString(), labels: { trace: 'x'.repeat(2049) } });
  // level and job, which winston-loki sets, and 14 more.
  const many = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`l${i}`, `v${i}`]));
  logger.log({ level: 'info', message: 'limits many labels', timestamp: new Date(base + N + 1).toISOString(), labels: many });
  await transport.flush();
  await transport.close();

  const hits = await findAll(server.url, 'job:winston-limits');
  const messages = hits.map((h) => String(h.message).replace(/ \{.*$/, '').trim());
  assertEachOnce(hits.map((h, i) => ({ ...h, m: messages[i] })), 'm', Array.from({ length: N }, (_, i) => `limits order ${i}`));
  // As Loki answers: a 400 naming each refused entry in Loki's words, which the client does not resend.
  assert.ok(refused.length > 0, 'the client was told');
  for (const r of refused) {
    assert.match(r, /HTTP 400: 2 of 6 entries were rejected; the others are stored\n/);
    assert.match(r, /LS_INGEST_LOKI_LABEL_VALUE_TOO_LONG: stream '\{level="info",job="winston-limits",trace="x+…' has label value too long: 'x{64}… \(2049 bytes\)'/);
    assert.match(r, /LS_INGEST_LOKI_TOO_MANY_LABELS: entry for stream '\{level="info",job="winston-limits",l0="v0"[^']*' has 16 label names; limit 15/);
  }
});

test('pino-loki (JSON): a stream whose labels are all empty is stored as Loki 3 stores it, with service_name="unknown_service"', async () => {
  // pino-loki's level label emptied, and no hostname (pino's base: null): the stream is {"level": ""}, which Loki reads as {}.
  const stream = await pinoLoki({
    host: server.url,
    basicAuth: { username: 'tenant', password: WRITE_TOKEN },
    labels: { level: '' },
    batching: { interval: 60, maxBufferSize: 10_000 },
    silenceErrors: false,
  });
  const before = await lokiEvents(server.url);
  const logger = pino({ base: null }, stream);
  logger.info({ request_id: 'no-labels-1' }, 'pino without labels');
  await new Promise<void>((resolve) => stream.end(resolve));
  await waitFor(async () => (await lokiEvents(server.url)) - before >= 1, { what: 'the pino-loki entry to arrive' });
  const hits = await findAll(server.url, 'request_id:no-labels-1');
  assert.equal(hits.length, 1);
  assert.equal(hits[0]!.service_name, 'unknown_service');
  assert.equal(hits[0]!.message, 'pino without labels');
});

test('pino-loki (JSON): N events, some resent, each found once, the pino line normalized', async () => {
  const stream = await pinoLoki({
    host: server.url,
    basicAuth: { username: 'tenant', password: WRITE_TOKEN },
    labels: { job: 'pino-e2e', unit: 'api.service' },
    batching: { interval: 60, maxBufferSize: 10_000 },
    silenceErrors: false,
  });
  const before = await lokiEvents(server.url);
  let time = Date.now() - 30_000;
  const logger = pino({ base: { svc: 'api' }, timestamp: () => `,"time":${time}` }, stream);
  const N = 25;
  const sent: number[] = [];
  for (let i = 0; i < N; i++) {
    time = Date.now() - 30_000 + i;
    sent.push(time);
    logger.warn({ request_id: `r-${i}` }, `pino request ${i}`);
  }
  for (let i = 0; i < 4; i++) {
    time = sent[i]!;
    logger.warn({ request_id: `r-${i}` }, `pino request ${i}`);
  }
  // pino-loki sends its last batch after end() resolves: wait until the server has had every entry.
  await new Promise<void>((resolve) => stream.end(resolve));
  await waitFor(async () => (await lokiEvents(server.url)) - before >= N + 4, { what: 'pino-loki entries to arrive' });

  const hits = await findAll(server.url, 'job:pino-e2e');
  assertEachOnce(hits, 'request_id', Array.from({ length: N }, (_, i) => `r-${i}`));
  const h0 = hits.find((h) => h.request_id === 'r-0')!;
  assert.equal(h0.message, 'pino request 0');
  assert.equal(h0.level, 'warning');
  assert.equal(h0.unit, 'api.service');
  assert.equal(h0.svc, 'api');
  assert.equal(h0['@timestamp'], new Date(sent[0]!).toISOString());
});

test("Vector's loki sink with the json codec: the record's message, a JSON line left unparsed, is normalized as the agent's line would be", async () => {
  // Vector's file source event, encoded whole as the line (`encoding.codec = "json"`, as
  // docs/PROTOCOLS.md configures it): the python-json-logger line it read is in `message`.
  const own = pythonTimeAgo();
  const line = JSON.stringify({ asctime: own.asctime, levelname: 'WARNING', name: 'django.security', message: 'vector login failed for admin', user_id: 'u-31' });
  const record = { file: '/var/log/app/django.log', host: 'vec-host-1', message: line, source_type: 'file', timestamp: new Date().toISOString() };
  const res = await fetch(`${server.url}/loki/api/v1/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ streams: [{ stream: { job: 'vector-json' }, values: [[`${Date.now()}000000`, JSON.stringify(record)]] }] }),
  });
  assert.equal(res.status, 204, await res.text());
  // The built-in failed-logins question finds it, as it finds the agent's line.
  const hits = await findAll(server.url, 'job:vector-json AND @failed-logins');
  assert.equal(hits.length, 1);
  const h = hits[0]!;
  assert.equal(h.message, 'vector login failed for admin');
  assert.equal(h.level, 'warning');
  assert.equal(h.logger, 'django.security');
  assert.equal(h.user_id, 'u-31');
  assert.equal(h['@timestamp'], own.iso, "the line's own time, not Vector's read time");
  assert.equal(h.host, 'vec-host-1');
  assert.equal(h.source_type, 'file');
});
