/**
 * A traceback is found by its exception's text and by a frame's file name,
 * wherever the common loggers and shippers put it, through a real `logship
 * serve`: an OpenTelemetry log record with the exception attributes of the
 * semantic conventions (what the Python and Java SDKs' logging bridges
 * write after `logger.exception()`), sent with @opentelemetry/sdk-logs, and
 * the JSON lines of zap, logstash-logback-encoder, winston and Serilog
 * pushed to the Loki API as Promtail would ship them from a file.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { stopAll, type ServerHandle } from './harness.js';
import { findAll, startProtocolServer, WRITE_TOKEN } from './protocol-support.js';

let server: ServerHandle;
before(async () => {
  server = await startProtocolServer();
});
after(async () => {
  await stopAll();
});

/** Per logger: the words of its exception and a frame's file name, each in that logger's event only. */
const CASES: { name: string; exception: string; file: string }[] = [
  { name: 'otel', exception: 'ZeroDivisionError', file: 'payments_otel.py' },
  { name: 'zap', exception: 'zapconfig.yaml: no such file', file: 'loader_zap.go' },
  { name: 'logback', exception: 'IllegalStateException', file: 'OrderServiceLogback.java' },
  { name: 'winston', exception: 'winston cart is empty', file: 'cart_winston.js' },
  { name: 'serilog', exception: 'InvalidOperationException', file: 'SerilogCheckout.cs' },
];

test('tracebacks are found by exception text and frame file name (OTLP attributes; zap, logback, winston, Serilog JSON)', async () => {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'traceback-otel' }),
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${server.url}/v1/logs`, headers: { authorization: `Bearer ${WRITE_TOKEN}` } }), scheduledDelayMillis: 50 })],
  });
  provider.getLogger('checkout').emit({
    severityNumber: SeverityNumber.ERROR,
    body: 'charge failed',
    attributes: {
      'case': 'otel',
      'exception.type': 'ZeroDivisionError',
      'exception.message': 'division by zero',
      'exception.stacktrace': 'Traceback (most recent call last):\n  File "/srv/app/payments_otel.py", line 12, in charge\n    rate = total / count\nZeroDivisionError: division by zero\n',
    },
  });
  await provider.forceFlush();
  await provider.shutdown();

  const now = Date.now();
  const lines = [
    { case: 'zap', level: 'error', ts: now / 1000, caller: 'app/main.go:31', msg: 'loading config failed', error: 'open /etc/app/zapconfig.yaml: no such file or directory', stacktrace: 'main.load\n\t/srv/app/loader_zap.go:31\nmain.main\n\t/srv/app/main.go:12' },
    { case: 'logback', '@timestamp': new Date(now).toISOString(), '@version': '1', message: 'order failed', logger_name: 'com.example.OrderService', level: 'ERROR', stack_trace: 'java.lang.IllegalStateException: order 42 closed\n\tat com.example.OrderService.close(OrderServiceLogback.java:88)\n\tat com.example.Main.main(Main.java:5)\n' },
    { case: 'winston', level: 'error', message: 'checkout failed', timestamp: new Date(now).toISOString(), stack: 'Error: winston cart is empty\n    at checkout (/srv/app/cart_winston.js:14:11)' },
    { case: 'serilog', '@t': new Date(now).toISOString(), '@mt': 'Checkout {OrderId} failed', '@l': 'Error', OrderId: 42, '@x': 'System.InvalidOperationException: sequence contains no elements\n   at Shop.Checkout.Run() in /srv/app/SerilogCheckout.cs:line 27' },
  ];
  const res = await fetch(`${server.url}/loki/api/v1/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ streams: [{ stream: { job: 'tracebacks' }, values: lines.map((l) => [`${now}000000`, JSON.stringify(l)]) }] }),
  });
  assert.equal(res.status, 204, await res.text());

  for (const c of CASES) {
    for (const words of [c.exception, c.file]) {
      const hits = await findAll(server.url, `"${words}"`);
      assert.deepEqual(hits.map((h) => h.case), [c.name], `free text "${words}" should find the ${c.name} event only`);
    }
  }
});

test("Java's own JSON layouts, GELF and ecs-logging-python: the exception's class is found by free text; log4j2's instant is the time, loggerName the logger", async () => {
  const now = Date.now();
  const seconds = Math.floor(now / 1000);
  const iso = new Date(now).toISOString();
  // As the real libraries wrote them (logback-classic 1.5 JsonEncoder, log4j2 2.24 JsonLayout and
  // GelfLayout, ecs-logging 2.3 StdlibFormatter), with the times made current.
  const lines = [
    { case: 'logback-json', sequenceNumber: 0, timestamp: now, nanoseconds: 983917850, level: 'ERROR', threadName: 'main', loggerName: 'com.example.OrderService', context: { name: 'default', birthdate: now - 200, properties: {} }, mdc: {}, message: 'lb order failed', throwable: { className: 'java.lang.IllegalMonitorStateException', message: 'order 42 closed', stepArray: [{ className: 'Demo', methodName: 'main', fileName: 'Demo.java', lineNumber: 6 }], cause: { className: 'java.lang.NumberFormatException', message: 'For input string: "x"', stepArray: [] } } },
    { case: 'log4j2-json', instant: { epochSecond: seconds, nanoOfSecond: 6954980 }, thread: 'main', level: 'ERROR', loggerName: 'com.example.Billing', message: 'l4j bill failed', thrown: { commonElementCount: 0, localizedMessage: 'bill 7 closed', message: 'bill 7 closed', name: 'java.lang.UnsupportedOperationException', extendedStackTrace: [{ class: 'Demo2', method: 'main', file: 'Demo2.java', line: 6 }] }, endOfBatch: false, loggerFqcn: 'org.apache.logging.log4j.spi.AbstractLogger', threadId: 1, threadPriority: 5 },
    { case: 'gelf', version: '1.1', host: 'vm', short_message: 'gelf bill failed', full_message: 'java.lang.ArrayIndexOutOfBoundsException: bill 8\n\tat Demo3.main(Demo3.java:6)\n', timestamp: now / 1000, level: 3, _logger: 'com.example.Gelf', _thread: 'main' },
    { '@timestamp': iso, 'log.level': 'error', message: 'ecs failed', 'ecs.version': '1.6.0', case: 'ecs-python', error: { message: 'division by zero', stack_trace: '  File "/srv/app/ecs_payments.py", line 159, in <module>\n    1/0\n    ~^~\n', type: 'ZeroDivisionErrorEcs' }, log: { logger: 'ecs.app', original: 'ecs failed' } },
  ];
  const res = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/x-ndjson' },
    body: lines.map((l) => JSON.stringify(l)).join('\n'),
  });
  const answer = await res.text();
  assert.equal(res.status, 200, answer);
  assert.equal((JSON.parse(answer) as { stored: number }).stored, 4, answer);

  const expected: [string, string][] = [
    ['IllegalMonitorStateException', 'logback-json'],
    ['UnsupportedOperationException', 'log4j2-json'],
    ['"bill 7 closed"', 'log4j2-json'],
    ['ArrayIndexOutOfBoundsException', 'gelf'],
    ['ZeroDivisionErrorEcs', 'ecs-python'],
  ];
  for (const [q, name] of expected) {
    assert.deepEqual((await findAll(server.url, q)).map((h) => h.case), [name], `free text ${q} should find the ${name} event`);
  }
  const [log4j] = await findAll(server.url, 'case:"log4j2-json"');
  assert.equal(log4j!['@timestamp'], new Date(seconds * 1000 + 6).toISOString());
  assert.equal(log4j!['logship.no_timestamp'], undefined);
  assert.equal(log4j!.logger, 'com.example.Billing');
  const [logback] = await findAll(server.url, 'case:"logback-json"');
  assert.equal(logback!.logger, 'com.example.OrderService');
  const [gelf] = await findAll(server.url, 'case:gelf');
  assert.equal(gelf!.logger, 'com.example.Gelf');
});
