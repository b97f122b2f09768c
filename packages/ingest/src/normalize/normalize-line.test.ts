import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeLine } from './normalize-line.js';
import { DEFAULT_NORMALIZE_LIMITS } from './limits.js';
import { contentId } from './content-id.js';

const NOW = Date.parse('2026-02-08T15:00:00.000Z');
const opts = { now: NOW, limits: DEFAULT_NORMALIZE_LIMITS };
const norm = (line: string) => normalizeLine(line, opts);

test('python-json-logger: levelname, name, asctime and extras', () => {
  const line =
    '{"asctime": "2026-02-08 12:00:01,234", "levelname": "WARNING", "name": "django.security", ' +
    '"message": "Invalid HTTP_HOST header", "funcName": "get_host", "lineno": 148, "user_id": "u-42", "request_id": "r-9"}';
  const { event, format } = norm(line);
  assert.equal(format, 'python-json-logger');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:01.234Z');
  assert.equal(event.level, 'warning');
  assert.equal(event.logger, 'django.security');
  assert.equal(event.message, 'Invalid HTTP_HOST header');
  assert.equal(event.funcName, 'get_host');
  assert.equal(event.lineno, 148);
  assert.equal(event.user_id, 'u-42');
  assert.equal(event.asctime, undefined);
  assert.equal(event.levelname, undefined);
  assert.equal(event['event.id'], contentId(event));
});

test('python-json-logger: created (epoch seconds) wins over a zone-less asctime', () => {
  const { event } = norm(
    '{"asctime": "2026-02-08 13:00:00,000", "created": 1770552000.5, "levelname": "ERROR", "name": "app", "message": "boom", "exc_info": "Traceback (most recent call last):\\n  File \\"x.py\\""}',
  );
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.500Z');
  assert.equal(event.level, 'error');
  assert.match(String(event.exc_info), /^Traceback/);
});

test('loguru serialize=True: record flattened, extra to top level, text kept', () => {
  const line = JSON.stringify({
    text: '2026-02-08 12:00:00.123 | SUCCESS  | app.jobs:run:42 - job done\n',
    record: {
      elapsed: { repr: '0:00:01.5', seconds: 1.5 },
      exception: null,
      extra: { user_id: 'u-7', job: 'nightly' },
      file: { name: 'jobs.py', path: '/srv/app/jobs.py' },
      function: 'run',
      level: { icon: '✅', name: 'SUCCESS', no: 25 },
      line: 42,
      message: 'job done',
      module: 'jobs',
      name: 'app.jobs',
      process: { id: 4242, name: 'MainProcess' },
      thread: { id: 1, name: 'MainThread' },
      time: { repr: '2026-02-08 12:00:00.123456+00:00', timestamp: 1770552000.123456 },
    },
  });
  const { event, format } = norm(line);
  assert.equal(format, 'loguru');
  assert.equal(event.level, 'notice');
  assert.equal(event.message, 'job done');
  assert.equal(event.logger, 'app.jobs');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.123Z');
  assert.equal(event.user_id, 'u-7');
  assert.equal(event.job, 'nightly', 'a bound "job" is the canonical job label');
  assert.equal(event.function, 'run');
  assert.equal(event['file.path'], '/srv/app/jobs.py');
  assert.equal(event['process.id'], 4242);
  // The formatted line: after logger.exception() the only place of the traceback.
  assert.equal(event.text, '2026-02-08 12:00:00.123 | SUCCESS  | app.jobs:run:42 - job done\n');
  assert.equal(event['level.icon'], '✅');
  assert.ok(!Object.keys(event).some((k) => k.startsWith('record.')));
});

test('structlog JSONRenderer: event is the message', () => {
  const { event, format } = norm(
    '{"event": "user logged in", "level": "info", "logger": "auth", "timestamp": "2026-02-08T12:00:00.123456Z", "user_id": "u-1", "ip": "10.0.0.5"}',
  );
  assert.equal(format, 'json');
  assert.equal(event.message, 'user logged in');
  assert.equal(event.level, 'info');
  assert.equal(event.logger, 'auth');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.123Z');
  assert.equal(event.ip, '10.0.0.5');
});

test("structlog with a message= keyword: event is still the message, the keyword's value stays as message_original; EventRenamer's message wins", () => {
  // Written by structlog 25 (add_log_level, TimeStamper(fmt="iso"), JSONRenderer): log.info("email sent", message="Your order has shipped", to="a@b.c").
  const kw = norm('{"message": "Your order has shipped", "to": "a@b.c", "event": "email sent", "level": "info", "timestamp": "2026-12-06T09:38:32.908160Z"}').event;
  assert.equal(kw.message, 'email sent');
  assert.equal(kw.message_original, 'Your order has shipped');
  assert.equal(kw.event, undefined);
  assert.equal(kw.to, 'a@b.c');
  assert.equal(kw.level, 'info');
  // The same with EventRenamer("message", "_event") before the renderer: log.info("order shipped", _event="shipment", order=7).
  const renamed = norm('{"order": 7, "level": "info", "timestamp": "2026-12-06T09:38:32.908356Z", "message": "order shipped", "event": "shipment"}').event;
  assert.equal(renamed.message, 'order shipped');
  assert.equal(renamed.event, 'shipment');
  assert.equal(renamed.message_original, undefined);
  // Not structlog: an event kind first, then its message.
  const kind = norm('{"event": "login", "message": "User u1 logged in", "level": "info"}').event;
  assert.equal(kind.message, 'User u1 logged in');
  assert.equal(kind.event, 'login');
});

test('generic JSON: severity / msg / ts epoch seconds (zap, GCP)', () => {
  const { event } = norm('{"severity":"ERROR","ts":1770552000.25,"msg":"dial tcp: timeout","caller":"db/conn.go:88"}');
  assert.equal(event.level, 'error');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.250Z');
  assert.equal(event.message, 'dial tcp: timeout');
  assert.equal(event.caller, 'db/conn.go:88');
});

test('generic JSON: an unknown level word is kept aside, not stored as level', () => {
  const { event } = norm('{"level":"loud","msg":"x","time":"2026-02-08T12:00:00Z"}');
  assert.equal(event.level, undefined);
  assert.equal(event.level_original, 'loud');
});

test('pino: numeric level, epoch ms, hostname, nested err flattened', () => {
  const { event, format } = norm(
    '{"level":50,"time":1770552000123,"pid":311,"hostname":"api-2","name":"orders","msg":"payment failed","err":{"type":"Error","message":"card declined","stack":"Error: card declined\\n    at pay (/srv/pay.js:10:5)"},"orderId":991}',
  );
  assert.equal(format, 'pino');
  assert.equal(event.level, 'error');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.123Z');
  assert.equal(event.host, 'api-2');
  assert.equal(event.logger, 'orders');
  assert.equal(event.message, 'payment failed');
  assert.equal(event['err.type'], 'Error');
  assert.equal(event.pid, 311);
  assert.equal(event.orderId, 991);
});

test('pino fatal (60) is critical; bunyan ISO time and trace (10)', () => {
  assert.equal(norm('{"level":60,"time":1770552000000,"msg":"x"}').event.level, 'critical');
  const { event } = norm('{"name":"svc","hostname":"h1","pid":9,"level":10,"msg":"tick","time":"2026-02-08T12:00:00.000Z","v":0}');
  assert.equal(event.level, 'trace');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.000Z');
});

test('ECS: @timestamp, log.level, log.logger, host.name, event.id', () => {
  const { event, format } = norm(
    JSON.stringify({
      '@timestamp': '2026-02-08T12:00:00.321Z',
      'log.level': 'WARN',
      message: 'disk 91% full',
      ecs: { version: '8.11.0' },
      log: { logger: 'diskwatch' },
      host: { name: 'db-1' },
      service: { name: 'postgres' },
      event: { id: 'ecs-abc', dataset: 'system.disk' },
    }),
  );
  assert.equal(format, 'ecs');
  assert.equal(event.level, 'warning');
  assert.equal(event.logger, 'diskwatch');
  assert.equal(event.host, 'db-1');
  assert.equal(event['event.id'], 'ecs-abc');
  assert.equal(event['service.name'], 'postgres');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.321Z');
});

test('nginx json_combined: numbers coerced, request split, duration_ms, dataset', () => {
  const line =
    '{"time_local":"08/Feb/2026:12:00:00 +0100","remote_addr":"203.0.113.9","remote_user":"",' +
    '"request":"GET /api/v1/orders?page=2 HTTP/1.1","status": "502","body_bytes_sent":"157",' +
    '"request_time":"1.204","http_referrer":"","http_user_agent":"Mozilla/5.0","host":"shop.example.com"}';
  const { event, format } = norm(line);
  assert.equal(format, 'nginx');
  assert.equal(event['@timestamp'], '2026-02-08T11:00:00.000Z');
  assert.equal(event.status, 502);
  assert.equal(event.body_bytes_sent, 157);
  assert.equal(event.request_time, 1.204);
  assert.equal(event.duration_ms, 1204);
  assert.equal(event.method, 'GET');
  assert.equal(event.path, '/api/v1/orders');
  assert.equal(event.query, 'page=2');
  assert.equal(event.protocol, 'HTTP/1.1');
  assert.equal(event['event.dataset'], 'nginx.access');
  assert.equal(event.level, 'error');
  assert.equal(event.host, undefined, 'the Host header is not the machine');
  assert.equal(event.http_host, 'shop.example.com');
  assert.match(event.message!, /GET \/api\/v1\/orders\?page=2 HTTP\/1.1 502/);
});

test('nginx with time_iso8601 and a 404 is a warning', () => {
  const { event } = norm(
    '{"time_iso8601":"2026-02-08T12:00:00+00:00","remote_addr":"10.1.1.1","request":"POST /login HTTP/2.0","status":"404","body_bytes_sent":"0","request_time":"0.012"}',
  );
  assert.equal(event.level, 'warning');
  assert.equal(event.duration_ms, 12);
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.000Z');
});

test('journald export JSON: MESSAGE, PRIORITY, unit, host, pid, µs time, cursor', () => {
  const line = JSON.stringify({
    __CURSOR: 's=6c1e5b2a;i=3f2;b=9a1b;m=1f3a2b;t=64ae1c2d3e4f5;x=5d2b',
    __REALTIME_TIMESTAMP: '1770552000123456',
    __MONOTONIC_TIMESTAMP: '9123456789',
    _BOOT_ID: '9a1b2c3d4e5f',
    PRIORITY: '3',
    SYSLOG_IDENTIFIER: 'gunicorn',
    _PID: '1234',
    _COMM: 'gunicorn',
    _SYSTEMD_UNIT: 'django.service',
    _HOSTNAME: 'web-1',
    MESSAGE: 'Worker timeout (pid:1240)',
    _TRANSPORT: 'stdout',
  });
  const { event, format } = norm(line);
  assert.equal(format, 'journald');
  assert.equal(event.message, 'Worker timeout (pid:1240)');
  assert.equal(event.level, 'error');
  assert.equal(event.unit, 'django.service');
  assert.equal(event.host, 'web-1');
  assert.equal(event.pid, 1234);
  assert.equal(event.source, 'journald');
  assert.equal(event.logger, 'gunicorn');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.123Z');
  assert.equal(event['journald.realtime_us'], 1770552000123456);
  assert.equal(event['journald.cursor'], 's=6c1e5b2a;i=3f2;b=9a1b;m=1f3a2b;t=64ae1c2d3e4f5;x=5d2b');
  assert.equal(event._TRANSPORT, 'stdout');
});

test('journald: every PRIORITY 0-7 maps to its level; byte-array MESSAGE is decoded', () => {
  const want = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];
  want.forEach((level, p) => {
    const { event } = norm(JSON.stringify({ MESSAGE: 'm', PRIORITY: String(p), __REALTIME_TIMESTAMP: '1770552000000000' }));
    assert.equal(event.level, level, `PRIORITY ${p}`);
  });
  const bytes = [...Buffer.from('caf\u00e9 ok')];
  assert.equal(norm(JSON.stringify({ MESSAGE: bytes, PRIORITY: '6' })).event.message, 'caf\u00e9 ok');
});

test("Go's panics and fatal errors (docs/AGENT.md's multiline pattern joins their goroutines) are critical; net/http's recovered panic is an error", () => {
  const cases: [string, string | undefined][] = [
    ['panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x54fb8a]\n\ngoroutine 20 [running]:\nmain.main()\n\t/app/main.go:14', 'critical'],
    ['panic: runtime error: index out of range [3] with length 2 [recovered]\n\tpanic: order total failed\n\ngoroutine 1 [running]:', 'critical'],
    ['fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\nmain.main()', 'critical'],
    ['fatal error: concurrent map writes', 'critical'],
    ['2026/02/08 12:00:00 http: panic serving 10.0.0.1:5555: runtime error: index out of range\ngoroutine 7 [running]:\nnet/http.(*conn).serve.func1()', 'error'],
    // A logger's own level word, after its time: its level, as before.
    ['2026/02/08 12:00:00 PANIC: disk gone', 'emergency'],
  ];
  for (const [text, level] of cases) {
    const { event } = norm(JSON.stringify({ '@raw': text, source: '/var/log/shop.log', 'event.id': 'f:1:0' }));
    assert.equal(event.level, level, text);
  }
});

test('plain text (agent envelope): level sniffed, timestamp read, whole line kept', () => {
  const cases: [string, string | undefined, string | undefined][] = [
    ['ERROR could not connect to db', 'error', undefined],
    ['[warn] low disk space on /var', 'warning', undefined],
    ['2026-02-08 12:00:00,123 ERROR django.request: Internal Server Error: /api/x', 'error', '2026-02-08T12:00:00.123Z'],
    ['2026-02-08T12:00:00Z app.module - INFO - started', 'info', '2026-02-08T12:00:00.000Z'],
    ['[2026-02-08 12:00:05] [CRIT] kernel oops', 'critical', '2026-02-08T12:00:05.000Z'],
    ['error: permission denied', 'error', undefined],
    ['<4>kernel: eth0 link down', 'warning', undefined],
    ['ERROR:django.request:Internal Server Error: /api/x', 'error', undefined],
    ['2026/02/08 12:00:00 WARN slow query took 2s', 'warning', '2026-02-08T12:00:00.000Z'],
    ['E0208 12:00:00.123456       1 reflector.go:138] failed to list pods', 'error', undefined],
    ['W0208 12:00:00.123456       1 main.go:12] lease lost', 'warning', undefined],
    ['[Sat Feb 07 12:00:00.123456 2026] [proxy:error] [pid 1234:tid 5678] AH00940: HTTP: disabled connection for (backend)', 'error', '2026-02-07T12:00:00.123Z'],
    ['[Sat Feb 07 12:00:01 2026] [warn] RSA server certificate CommonName does NOT match', 'warning', '2026-02-07T12:00:01.000Z'],
    ['[Sat Feb 07 12:00:02.5 2026] [authz_core:trace3] [pid 9] mod_authz_core.c(820): AH01626', 'trace', '2026-02-07T12:00:02.500Z'],
    ['E, [2026-02-07T12:00:03.123456 #4242] ERROR -- : ActiveRecord::RecordNotFound (Couldn\'t find User)', 'error', '2026-02-07T12:00:03.123Z'],
    ['W, [2026-02-07T12:00:04.000001 #4242]  WARN -- sidekiq: retrying job', 'warning', '2026-02-07T12:00:04.000Z'],
    // logfmt's level in prose that is not logfmt through and through.
    ['dial failed level=error (retrying)', 'error', undefined],
    ['Errors were found in 3 files', undefined, undefined],
    ['Notice that the cache was cold', undefined, undefined],
    ['the error count is zero', undefined, undefined],
  ];
  for (const [text, level, ts] of cases) {
    const { event, format } = norm(JSON.stringify({ '@raw': text, source: '/var/log/app.log', 'event.id': 'f:1:0' }));
    assert.equal(format, 'plain');
    assert.equal(event.message, text);
    assert.equal(event.level, level, text);
    assert.equal(event['@timestamp'], ts ?? new Date(NOW).toISOString(), text);
    // Receive-stamped events are flagged: the store dedupes them by event.id alone.
    assert.equal(event['logship.no_timestamp'], ts === undefined ? true : undefined, text);
    assert.equal(event.source, '/var/log/app.log');
    assert.equal(event['event.id'], 'f:1:0');
  }
});

test('logfmt (agent envelope): pairs are fields, msg the message, ts the time; the envelope still wins', () => {
  const line = 'ts=2026-02-08T12:00:00.5Z caller=main.go:42 level=warn msg="disk \\"/var\\" almost full" free_bytes=1048576 ratio=0.93 build=007 version=1.10 host=app-host';
  const { event, format } = norm(JSON.stringify({ '@raw': line, source: '/var/log/app.log', host: 'web-3', 'event.id': 'f:1:0' }));
  assert.equal(format, 'logfmt');
  assert.equal(event.message, 'disk "/var" almost full');
  assert.equal(event.level, 'warning');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.500Z');
  assert.equal(event.caller, 'main.go:42');
  // Numbers in their own canonical form are numbers; `007` and `1.10` would not read back as written.
  assert.equal(event.free_bytes, 1048576);
  assert.equal(event.ratio, 0.93);
  assert.equal(event.build, '007');
  assert.equal(event.version, '1.10');
  assert.equal(event.host, 'web-3');
  assert.equal(event.host_original, 'app-host');
  assert.equal(event.ts, undefined);
  assert.equal(event.msg, undefined);
  assert.equal(event['logship.no_timestamp'], undefined);
});

test('logfmt without msg keeps the line as its message; slog and Grafana spellings', () => {
  const access = 'method=GET path=/api/orders status=503 duration_ms=1250';
  const a = norm(JSON.stringify({ '@raw': access, 'event.id': 'f:1:1' }));
  assert.equal(a.format, 'logfmt');
  assert.equal(a.event.message, access);
  assert.equal(a.event.status, 503);
  assert.equal(a.event.duration_ms, 1250);
  const slog = norm(JSON.stringify({ '@raw': 'time=2026-02-08T12:00:00.000+01:00 level=ERROR source=/app/main.go:7 msg="payment failed" err="card declined"', 'event.id': 'f:1:2' }));
  assert.equal(slog.event.level, 'error');
  assert.equal(slog.event['@timestamp'], '2026-02-08T11:00:00.000Z');
  assert.equal(slog.event.message, 'payment failed');
  assert.equal(slog.event.err, 'card declined');
  // Grafana's own log15 spellings: t=, lvl=eror, logger=.
  const grafana = norm(JSON.stringify({ '@raw': 't=2026-02-08T12:00:00+0000 lvl=eror msg="Failed to send alert" logger=alerting.notifier', 'event.id': 'f:1:3' }));
  assert.equal(grafana.event.level, 'error');
  assert.equal(grafana.event.logger, 'alerting.notifier');
  assert.equal(grafana.event.message, 'Failed to send alert');
  assert.equal(grafana.event['@timestamp'], '2026-02-08T12:00:00.000Z');
  assert.equal(grafana.event.t, undefined);
});

test('journald: a logfmt MESSAGE (a Go service under systemd) is laid over the entry', () => {
  const entry = {
    __CURSOR: 's=1;i=2', __REALTIME_TIMESTAMP: '1770552000000000', _HOSTNAME: 'vm-1', _SYSTEMD_UNIT: 'prometheus.service',
    SYSLOG_IDENTIFIER: 'prometheus', PRIORITY: '6',
    MESSAGE: 'time=2026-02-08T12:00:01.000Z level=WARN source=main.go:1 msg="TSDB compaction slow" duration_ms=2500',
  };
  const { event, format } = norm(JSON.stringify(entry));
  assert.equal(format, 'journald+logfmt');
  assert.equal(event.level, 'warning');
  assert.equal(event.message, 'TSDB compaction slow');
  assert.equal(event.duration_ms, 2500);
  assert.equal(event.unit, 'prometheus.service');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:01.000Z');
});

test('envelope: JSON raw line is normalized and agent metadata overlaid', () => {
  const raw = '{"asctime": "2026-02-08 12:00:00,000", "levelname": "INFO", "name": "django", "message": "GET /"}';
  const { event, format } = norm(
    JSON.stringify({ '@raw': raw, 'event.id': 'abc:0', host: 'web-3', source: '/var/log/django.log', job: 'django', team: 'shop' }),
  );
  assert.equal(format, 'python-json-logger');
  assert.equal(event['event.id'], 'abc:0');
  assert.equal(event.host, 'web-3');
  assert.equal(event.job, 'django');
  assert.equal(event.team, 'shop');
  assert.equal(event.level, 'info');
  assert.equal(event['@raw'], undefined);
});

test('envelope: @truncated from the agent becomes the truncated flag; journald raw', () => {
  const raw = JSON.stringify({ MESSAGE: 'x', PRIORITY: '6', __CURSOR: 'c1', _SYSTEMD_UNIT: 'a.service' });
  const { event } = norm(JSON.stringify({ '@raw': raw, 'event.id': 'c1', '@truncated': true, host: 'h' }));
  assert.equal(event['logship.truncated'], true);
  assert.equal(event.unit, 'a.service');
  assert.equal(event['@truncated'], undefined);
});

test('a line without event.id gets a deterministic id from its content', () => {
  const a = norm('{"msg":"same","level":"info"}').event['event.id'];
  const b = norm('{"msg":"same","level":"info"}').event['event.id'];
  const c = norm('{"msg":"other","level":"info"}').event['event.id'];
  assert.equal(a, b);
  assert.notEqual(a, c);
});

test('malformed lines throw coded errors', () => {
  assert.throws(() => norm('{"a":'), { code: 'LS_INGEST_LINE_NOT_JSON' });
  assert.throws(() => norm('[1,2]'), { code: 'LS_INGEST_LINE_NOT_OBJECT', message: /array/ });
  assert.throws(() => norm('42'), { code: 'LS_INGEST_LINE_NOT_OBJECT', message: /number/ });
  assert.throws(() => norm('null'), { code: 'LS_INGEST_LINE_NOT_OBJECT', message: /null/ });
});

test('caps: too many fields, too deep, oversized values are flagged', () => {
  const limits = { max_fields: 5, max_depth: 3, max_value_bytes: 16, max_future_s: 86_400 };
  const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
  const e1 = normalizeLine(JSON.stringify({ msg: 'm', ...many }), { now: NOW, limits }).event;
  assert.equal(e1['logship.fields_capped'], true);
  assert.ok(Object.keys(e1).filter((k) => k.startsWith('k')).length <= 5);

  const deep = normalizeLine(JSON.stringify({ msg: 'm', a: { b: { c: { d: { e: 1 } } } } }), { now: NOW, limits }).event;
  assert.equal(deep['logship.depth_capped'], true);
  assert.equal(deep['a.b.c'], '{"d":{"e":1}}');

  const long = normalizeLine(JSON.stringify({ msg: 'é'.repeat(40) }), { now: NOW, limits }).event;
  assert.equal(long['logship.truncated'], true);
  assert.equal(long.message, 'é'.repeat(8));

  const plain = normalizeLine(JSON.stringify({ '@raw': 'x'.repeat(100) }), { now: NOW, limits }).event;
  assert.equal(plain.message, 'x'.repeat(16));
  assert.equal(plain['logship.truncated'], true);
});

test('a __proto__ key is stored as a field, not as a prototype', () => {
  const { event } = norm('{"msg":"m","__proto__":{"polluted":1},"constructor":"c"}');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(event['__proto__.polluted'], 1);
  assert.equal(Object.getPrototypeOf(event), Object.prototype);
});

test('invalidUtf8 option sets the flag', () => {
  const { event } = normalizeLine('{"msg":"caf\ufffd"}', { ...opts, invalidUtf8: true });
  assert.equal(event['logship.invalid_utf8'], true);
});

test('journald whose MESSAGE is a python-json-logger line: the app fields are laid over', () => {
  const app = '{"asctime": "2026-02-08 12:00:00,500", "levelname": "ERROR", "name": "django.request", "message": "Internal Server Error: /api/x", "user_id": "u-9"}';
  const { event, format } = norm(
    JSON.stringify({ MESSAGE: app, PRIORITY: '6', _SYSTEMD_UNIT: 'django.service', _HOSTNAME: 'web-2', _PID: '77', __REALTIME_TIMESTAMP: '1770552000600000', __CURSOR: 'c9' }),
  );
  assert.equal(format, 'journald+python-json-logger');
  assert.equal(event.level, 'error', 'the app level, not journald PRIORITY 6');
  assert.equal(event.message, 'Internal Server Error: /api/x');
  assert.equal(event.logger, 'django.request');
  assert.equal(event.user_id, 'u-9');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.500Z');
  assert.equal(event.unit, 'django.service');
  assert.equal(event.host, 'web-2');
  assert.equal(event.pid, 77);
  assert.equal(event['journald.cursor'], 'c9');
  assert.equal(event.source, 'journald');
});

test('journald whose MESSAGE only looks like JSON stays as it is', () => {
  const { event, format } = norm(JSON.stringify({ MESSAGE: '{not json', PRIORITY: '4', __CURSOR: 'c' }));
  assert.equal(format, 'journald');
  assert.equal(event.message, '{not json');
  assert.equal(event.level, 'warning');
});

test('GELF and Serilog compact JSON through the generic mapping', () => {
  const gelf = norm('{"version":"1.1","host":"api-1","short_message":"upstream timed out","timestamp":1770552000.5,"level":3,"_request_id":"r-1"}').event;
  assert.equal(gelf.message, 'upstream timed out');
  assert.equal(gelf.level, 'error', 'GELF levels are syslog numbers');
  assert.equal(gelf.host, 'api-1');
  assert.equal(gelf['@timestamp'], '2026-02-08T12:00:00.500Z');
  assert.equal(gelf._request_id, 'r-1');
  const clef = norm('{"@t":"2026-02-08T12:00:00.1234567Z","@mt":"Order {OrderId} failed","@l":"Warning","OrderId":17}').event;
  assert.equal(clef.message, 'Order 17 failed');
  assert.equal(clef['@mt'], 'Order {OrderId} failed');
  assert.equal(clef.level, 'warning');
  assert.equal(clef['@timestamp'], '2026-02-08T12:00:00.123Z');
  assert.equal(clef.OrderId, 17);
  // CompactJsonFormatter's whole vocabulary of tokens, rendered as Serilog renders @m.
  const rich = norm(JSON.stringify({
    '@t': '2026-02-08T12:00:00Z', '@mt': '{User} paid {Amount:0.00} ({Ok}, {Note:l}) {@Cart} {Missing} {{literal}} [{Code,5}|{Code,-5}]', '@l': 'Error',
    User: 'bob "b"', Amount: 12.5, Ok: true, Note: 'raw text', Cart: { Items: 2 }, Code: 42,
  })).event;
  assert.equal(rich.message, '"bob \\"b\\"" paid 12.5 (True, raw text) {@Cart} {Missing} {literal} [   42|42   ]');
  assert.equal(rich['Cart.Items'], 2);
  // @m, when Serilog rendered it, is the message as it is.
  assert.equal(norm('{"@t":"2026-02-08T12:00:00Z","@m":"Order 17 failed","@mt":"Order {OrderId} failed","OrderId":17}').event.message, 'Order 17 failed');
});

test('envelope @timezone: offset-less times read in the source zone; not stored; default zone otherwise', () => {
  const django = '{"asctime": "2026-02-08 06:00:01,234", "levelname": "ERROR", "name": "django.request", "message": "boom"}';
  const viaAgent = normalizeLine(JSON.stringify({ '@raw': django, '@timezone': 'America/Chicago', host: 'web-1' }), opts).event;
  assert.equal(viaAgent['@timestamp'], '2026-02-08T12:00:01.234Z');
  assert.equal(viaAgent['@timezone'], undefined);
  // A summer time (CDT, -5), before the test's clock so the far-future rule leaves it alone.
  const plain = normalizeLine(JSON.stringify({ '@raw': '2025-07-01 09:00:00 ERROR boom', '@timezone': 'America/Chicago' }), opts).event;
  assert.equal(plain['@timestamp'], '2025-07-01T14:00:00.000Z');
  const serverDefault = normalizeLine(django, { ...opts, defaultTimeZone: 'Europe/Paris' }).event;
  assert.equal(serverDefault['@timestamp'], '2026-02-08T05:00:01.234Z');
  const offsetWins = normalizeLine(JSON.stringify({ '@raw': '{"time": "2026-02-08T06:00:00+00:00", "msg": "x"}', '@timezone': 'America/Chicago' }), opts).event;
  assert.equal(offsetWins['@timestamp'], '2026-02-08T06:00:00.000Z');
  assert.equal(norm(django).event['@timestamp'], '2026-02-08T06:00:01.234Z', 'UTC without either');
});

test('envelope @time: the event time of a line without its own, not flagged; the line\'s own time wins; not stored', () => {
  const seen = '2026-02-08T14:59:58.123456789Z';
  const plain = norm(JSON.stringify({ '@raw': 'connection reset by peer', '@time': seen, stream: 'stderr' })).event;
  assert.equal(plain['@timestamp'], '2026-02-08T14:59:58.123Z');
  assert.equal(plain['logship.no_timestamp'], undefined);
  assert.equal(plain['@time'], undefined);
  assert.equal(plain.stream, 'stderr');
  const own = norm(JSON.stringify({ '@raw': '2026-02-08T10:00:00Z ERROR boom', '@time': seen })).event;
  assert.equal(own['@timestamp'], '2026-02-08T10:00:00.000Z');
  const json = norm(JSON.stringify({ '@raw': '{"time": "2026-02-08T11:00:00Z", "msg": "x"}', '@time': seen })).event;
  assert.equal(json['@timestamp'], '2026-02-08T11:00:00.000Z');
  const bad = norm(JSON.stringify({ '@raw': 'no time here', '@time': 'yesterday-ish' })).event;
  assert.equal(bad['@timestamp'], '2026-02-08T15:00:00.000Z');
  assert.equal(bad['logship.no_timestamp'], true);
  assert.equal(bad['@time'], undefined);
});

test('an object 5,000 levels deep is kept as capped JSON text, in the line and in envelope metadata', () => {
  const deep = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const line = `{"msg":"deep","x":${deep(5000)}}`;
  const { event } = norm(line);
  assert.equal(event.message, 'deep');
  assert.equal(event['logship.depth_capped'], true);
  const keys = Object.keys(event).filter((k) => k.startsWith('x'));
  assert.deepEqual(keys, [`x${'.a'.repeat(DEFAULT_NORMALIZE_LIMITS.max_depth - 1)}`]);
  const kept = event[keys[0]!];
  assert.equal(typeof kept, 'string');
  assert.ok((kept as string).startsWith('{"a":{"a":'));
  const arrays = norm(`{"msg":"deep arrays","x":${'['.repeat(5000)}${']'.repeat(5000)}}`).event;
  assert.equal(typeof arrays.x, 'string');
  assert.equal(arrays['logship.truncated'], undefined, 'the 10,000-char text fits the 64 KiB value cap');
  const meta = norm(`{"@raw":"plain line","host":"web-1","meta":${deep(5000)}}`).event;
  assert.equal(meta.message, 'plain line');
  assert.equal(meta.host, 'web-1');
  assert.equal(meta['logship.depth_capped'], true);
});

test('a nested value cut to the value cap is flagged truncated; small ones equal JSON.stringify', () => {
  const limits = { max_fields: 500, max_depth: 2, max_value_bytes: 32, max_future_s: 86_400 };
  const big = normalizeLine(JSON.stringify({ msg: 'm', a: { b: { c: 'x'.repeat(100) } } }), { now: NOW, limits }).event;
  assert.equal(big['logship.truncated'], true);
  assert.equal((big['a.b'] as string).length, 32);
  const small = normalizeLine(JSON.stringify({ msg: 'm', a: { b: { c: [1, 'é', true, null, { d: -0.5 }] } } }), { now: NOW, limits: { ...limits, max_value_bytes: 1000 } }).event;
  assert.equal(small['a.b'], JSON.stringify({ c: [1, 'é', true, null, { d: -0.5 }] }));
});

test('the field cap keeps event.id, @timestamp, level and message when 600 integer-like keys come first', () => {
  const keys = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [String(i), i]));
  const line = JSON.stringify({ ...keys, 'event.id': 'id-1', '@timestamp': '2026-02-08T12:00:00Z', level: 'error', message: 'boom', logger: 'app' });
  const { event } = norm(line);
  assert.equal(event['event.id'], 'id-1');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.000Z');
  assert.equal(event.level, 'error');
  assert.equal(event.message, 'boom');
  assert.equal(event.logger, 'app');
  assert.equal(event['logship.fields_capped'], true);
  const kept = Object.keys(event).filter((k) => !k.startsWith('logship.'));
  assert.equal(kept.length, DEFAULT_NORMALIZE_LIMITS.max_fields);
});

test('an event more than max_future_s ahead is stored at the receive time with its own time kept and flagged', () => {
  const ahead = (s: number) => new Date(NOW + s * 1000).toISOString();
  const far = norm(JSON.stringify({ '@timestamp': ahead(86_401), message: 'from the future', level: 'info' })).event;
  assert.equal(far['@timestamp'], new Date(NOW).toISOString());
  assert.equal(far['logship.original_timestamp'], ahead(86_401));
  assert.equal(far['logship.future_timestamp'], true);
  assert.equal(far.message, 'from the future');
  const near = norm(JSON.stringify({ '@timestamp': ahead(86_400), message: 'tomorrow' })).event;
  assert.equal(near['@timestamp'], ahead(86_400), 'within the limit: kept as sent');
  assert.equal(near['logship.future_timestamp'], undefined);
  const strict = normalizeLine(JSON.stringify({ '@timestamp': ahead(61) }), { now: NOW, limits: { ...DEFAULT_NORMALIZE_LIMITS, max_future_s: 60 } }).event;
  assert.equal(strict['logship.future_timestamp'], true);
});

test('a dotted key and a nested path that flatten to one name both stay (the later as <name>_original)', () => {
  const a = norm('{"message":"c","a.b":"flat","a":{"b":"nested"}}').event;
  assert.equal(a['a.b'], 'flat');
  assert.equal(a['a.b_original'], 'nested');
  const b = norm('{"message":"c","a":{"b":"nested"},"a.b":"flat"}').event;
  assert.equal(b['a.b'], 'nested');
  assert.equal(b['a.b_original'], 'flat');
  // ECS's level under `log` and a dotted `log.level` beside it: the first is the level, the other kept.
  const c = norm('{"message":"c","log":{"level":"error"},"log.level":"warn","@timestamp":"2026-02-08T12:00:00Z"}').event;
  assert.equal(c.level, 'error');
  assert.equal(c['log.level_original'], 'warn');
});

test("an envelope's level wins over the line's, which stays as level_original; its aliases name a level", () => {
  const line = JSON.stringify({ msg: 'x', level: 'error', host: 'linehost', time: '2026-02-08T12:00:00Z' });
  const labelled = norm(JSON.stringify({ '@raw': line, level: 'info', host: 'labelhost', 'event.id': 'l1' })).event;
  assert.equal(labelled.level, 'info');
  assert.equal(labelled.level_original, 'error');
  assert.equal(labelled.host, 'labelhost');
  assert.equal(labelled.host_original, 'linehost');
  const alias = norm(JSON.stringify({ '@raw': line, level: 'WARN', 'event.id': 'l2' })).event;
  assert.equal(alias.level, 'warning');
  assert.equal(alias.level_original, 'error');
  // Not a level name: the line's level stays, the envelope's is kept aside.
  const odd = norm(JSON.stringify({ '@raw': line, level: 'loud', 'event.id': 'l3' })).event;
  assert.equal(odd.level, 'error');
  assert.equal(odd.level_original, 'loud');
  // The same level both ways: nothing aside.
  const same = norm(JSON.stringify({ '@raw': line, level: 'error', 'event.id': 'l4' })).event;
  assert.equal(same.level, 'error');
  assert.equal(same.level_original, undefined);
});

test("nginx's default combined access line (agent envelope): status, method, path and the request's time are fields", () => {
  const line = '203.0.113.9 - alice [08/Feb/2026:13:01:17 +0100] "GET /ok?q=a%20b&x=\\x221\\x22 HTTP/1.1" 502 157 "http://ref/x" "Mozilla/5.0 \\x22quoted\\x22 \\xC3\\xA9" "-"';
  const { event, format } = normalizeLine(JSON.stringify({ '@raw': line, 'event.id': 'a:1' }), opts);
  assert.equal(format, 'combined');
  assert.equal(event['@timestamp'], '2026-02-08T12:01:17.000Z');
  assert.equal(event['logship.no_timestamp'], undefined);
  assert.equal(event.message, line);
  assert.equal(event.level, 'error');
  assert.equal(event.status, 502);
  assert.equal(event.body_bytes_sent, 157);
  assert.equal(event.method, 'GET');
  assert.equal(event.path, '/ok');
  assert.equal(event.query, 'q=a%20b&x="1"');
  assert.equal(event.protocol, 'HTTP/1.1');
  assert.equal(event.remote_addr, '203.0.113.9');
  assert.equal(event.remote_user, 'alice');
  assert.equal(event.http_referrer, 'http://ref/x');
  assert.equal(event.http_user_agent, 'Mozilla/5.0 "quoted" é');
});

test("Apache's common log format (no referrer, agent; `-` bytes) and a 404 as a warning; prose with brackets stays plain", () => {
  const { event, format } = normalizeLine(JSON.stringify({ '@raw': '::1 - - [08/Feb/2026:12:00:00 +0000] "GET /missing HTTP/1.0" 404 -' }), opts);
  assert.equal(format, 'combined');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.000Z');
  assert.equal(event.level, 'warning');
  assert.equal(event.status, 404);
  assert.equal(event.body_bytes_sent, 0);
  assert.equal(event.remote_user, undefined);
  assert.equal(event.http_referrer, undefined);
  assert.equal(normalizeLine(JSON.stringify({ '@raw': 'worker 3 - - [retrying] "job" 500 times' }), opts).format, 'plain');
});

test("structlog's ConsoleRenderer (its default output): the level padded inside brackets is the level", () => {
  const cases: [string, string][] = [
    ['2026-02-08 12:00:00 [info     ] console info event             user=bob', 'info'],
    ['2026-02-08 12:00:00 [warning  ] console warning event          a=1', 'warning'],
    ['2026-02-08 12:00:00 [error    ] console failed\nTraceback (most recent call last):\nZeroDivisionError: division by zero', 'error'],
    ['2026-02-08 12:00:00 [critical ] disk gone', 'critical'],
    ['2026-02-08 12:00:00 [debug    ] cache miss', 'debug'],
  ];
  for (const [line, level] of cases) {
    const { event } = normalizeLine(JSON.stringify({ '@raw': line }), opts);
    assert.equal(event.level, level, line);
    assert.equal(event['@timestamp'], '2026-02-08T12:00:00.000Z');
  }
  assert.equal(normalizeLine(JSON.stringify({ '@raw': '[ see below ] for the error' }), opts).event.level, undefined);
});

test("slog's offset levels, zerolog's three letters and java.util.logging's names are levels, in JSON, logfmt and plain text", () => {
  const json = (level: string) => norm(JSON.stringify({ time: '2026-02-08T12:00:00Z', level, msg: 'x' })).event.level;
  assert.equal(json('ERROR+4'), 'critical');
  assert.equal(json('DEBUG-4'), 'trace');
  assert.equal(json('WRN'), 'warning');
  assert.equal(json('FINE'), 'debug');
  const raw = (line: string) => normalizeLine(JSON.stringify({ '@raw': line }), opts).event;
  assert.equal(raw('time=2026-02-08T12:00:00.000Z level=ERROR+4 msg="slog text error+4"').level, 'critical');
  assert.equal(raw('time=2026-02-08T12:00:00.000Z level=WARN+2 msg="slog text"').level, 'warning');
  assert.equal(raw('2026-02-08T12:00:00Z INF request served status=200').level, 'info');
  assert.equal(raw('2026-02-08T12:00:00Z WRN disk almost full').level, 'warning');
  assert.equal(raw('2026-02-08T12:00:00Z FTL cannot start').level, 'critical');
  assert.equal(raw('2026-02-08 12:00:00.123 | SUCCESS  | app:run:42 - job done').level, 'notice');
  assert.equal(norm(JSON.stringify({ asctime: '2026-02-08 12:00:00,000', levelname: 'FINEST', name: 'j', message: 'x' })).event.level, 'trace');
});

test("Python's NaN and Infinity (json.dumps' default, python-json-logger, structlog, loguru) keep the line structured, the values as text", () => {
  const line = '{"asctime": "2026-02-08 12:00:00,000", "levelname": "ERROR", "name": "app", "message": "ratio is NaN here", "ratio": NaN, "inf": Infinity, "ninf": -Infinity, "list": [NaN, 1]}';
  for (const { event, format } of [norm(line), normalizeLine(JSON.stringify({ '@raw': line }), opts)]) {
    assert.equal(format, 'python-json-logger');
    assert.equal(event.level, 'error');
    assert.equal(event.logger, 'app');
    assert.equal(event.message, 'ratio is NaN here');
    assert.equal(event['@timestamp'], '2026-02-08T12:00:00.000Z');
    assert.equal(event.ratio, 'NaN');
    assert.equal(event.inf, 'Infinity');
    assert.equal(event.ninf, '-Infinity');
    assert.equal(event.list, '["NaN",1]');
  }
  assert.throws(() => norm('{"a": NaNa}'), { code: 'LS_INGEST_LINE_NOT_JSON' });
  assert.equal(normalizeLine(JSON.stringify({ '@raw': '{not json, Infinity}' }), opts).format, 'plain');
});

test("log4j2's JsonLayout instant and logback's JsonEncoder: the time to the ms, loggerName the logger", () => {
  const seconds = Date.parse('2026-02-08T12:00:00Z') / 1000;
  const l4j = norm(JSON.stringify({ instant: { epochSecond: seconds, nanoOfSecond: 6954980 }, thread: 'main', level: 'ERROR', loggerName: 'com.example.Billing', message: 'l4j bill failed' })).event;
  assert.equal(l4j['@timestamp'], '2026-02-08T12:00:00.006Z');
  assert.equal(l4j['logship.no_timestamp'], undefined);
  assert.equal(l4j['instant.epochSecond'], undefined);
  assert.equal(l4j.logger, 'com.example.Billing');
  const old = norm(JSON.stringify({ timeMillis: seconds * 1000 + 5, level: 'INFO', loggerName: 'a', message: 'x' })).event;
  assert.equal(old['@timestamp'], '2026-02-08T12:00:00.005Z');
  const lb = norm(JSON.stringify({ sequenceNumber: 0, timestamp: seconds * 1000 + 968, nanoseconds: 968436076, level: 'TRACE', loggerName: 'com.example.OrderService', message: 'lb trace' })).event;
  assert.equal(lb['@timestamp'], '2026-02-08T12:00:00.968Z');
  assert.equal(lb.logger, 'com.example.OrderService');
  assert.equal(lb.level, 'trace');
});

test("loguru: values bound as message, level or logger stay beside the record's own, which are the event's", () => {
  const line = JSON.stringify({
    text: '2026-02-08 12:00:00.625 | INFO     | __main__:<module>:128 - loguru bound\n',
    record: {
      extra: { user_id: 'u-7', message: 'bound message', level: 'debug', logger: 'bound-logger' },
      level: { icon: 'ℹ️', name: 'INFO', no: 20 },
      message: 'loguru bound',
      name: '__main__',
      time: { repr: '2026-02-08 12:00:00.625000+00:00', timestamp: 1770552000.625 },
    },
  });
  const { event } = norm(line);
  assert.equal(event.message, 'loguru bound');
  assert.equal(event.level, 'info');
  assert.equal(event.logger, '__main__');
  assert.equal(event.user_id, 'u-7');
  assert.equal(event['extra.message'], 'bound message');
  assert.equal(event['extra.level'], 'debug');
  assert.equal(event['extra.logger'], 'bound-logger');
  assert.equal(event.message_original, undefined);
});

test("Celery's worker log (its default format): the level and time inside its brackets", () => {
  const cases: [string, string][] = [
    ['[2026-02-08 12:00:00,123: ERROR/MainProcess] Task orders.sync[ab12] raised unexpected: ZeroDivisionError(\'division by zero\')', 'error'],
    ['[2026-02-08 12:00:00,123: WARNING/ForkPoolWorker-1] Soft time limit (60s) exceeded', 'warning'],
    ['[2026-02-08 12:00:00,123: INFO/MainProcess] Connected to redis://localhost:6379/0', 'info'],
  ];
  for (const [line, level] of cases) {
    const { event } = normalizeLine(JSON.stringify({ '@raw': line }), opts);
    assert.equal(event.level, level, line);
    assert.equal(event['@timestamp'], '2026-02-08T12:00:00.123Z');
    assert.equal(event['logship.no_timestamp'], undefined);
  }
});

test("a syslog file's traditional line (auth.log): its time in the year nearest the receive time, the program as logger", () => {
  const raw = (line: string, zone?: string) => normalizeLine(JSON.stringify({ '@raw': line, ...(zone ? { '@timezone': zone } : {}) }), opts).event;
  const ssh = raw('Feb  8 13:59:58 web-1 sshd[4242]: Failed password for root from 203.0.113.9 port 52211 ssh2');
  assert.equal(ssh['@timestamp'], '2026-02-08T13:59:58.000Z');
  assert.equal(ssh['logship.no_timestamp'], undefined);
  assert.equal(ssh.logger, 'sshd');
  assert.equal(ssh.message, 'Feb  8 13:59:58 web-1 sshd[4242]: Failed password for root from 203.0.113.9 port 52211 ssh2');
  // Late December read in early February is last year's; the source's zone applies.
  assert.equal(raw('Dec 31 23:00:00 web-1 CRON[1]: (root) CMD (run-parts)', 'America/Chicago')['@timestamp'], '2026-01-01T05:00:00.000Z');
  const err = raw('Feb  8 12:00:00 web-1 app[7]: ERROR: disk full');
  assert.equal(err.level, 'error');
  assert.equal(err.logger, 'app');
});

test("HashiCorp's hclog JSON (Vault, Consul, Nomad, Terraform): @level, @message, @module, @timestamp", () => {
  const { event } = norm('{"@caller":"/src/vault/core.go:15","@level":"error","@message":"hc error","@module":"vault.core","@timestamp":"2026-02-08T12:00:00.806375Z","error":"permission denied"}');
  assert.equal(event.level, 'error');
  assert.equal(event.message, 'hc error');
  assert.equal(event.logger, 'vault.core');
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.806Z');
  assert.equal(event['@caller'], '/src/vault/core.go:15');
  assert.equal(event['@level'], undefined);
  assert.equal(event.error, 'permission denied');
});

test('a leading time written with UTC or GMT (PostgreSQL in a container) is UTC whatever the source zone', () => {
  const raw = (line: string) => normalizeLine(JSON.stringify({ '@raw': line, '@timezone': 'America/Chicago' }), opts).event;
  const pg = raw('2026-02-08 12:00:00.123 UTC [123] FATAL:  password authentication failed for user "app"');
  assert.equal(pg['@timestamp'], '2026-02-08T12:00:00.123Z');
  assert.equal(pg.level, 'critical');
  assert.equal(raw('2026-02-08 12:00:00 GMT [9] ERROR:  relation "x" does not exist')['@timestamp'], '2026-02-08T12:00:00.000Z');
  // Without a zone the source's applies.
  assert.equal(raw('2026-02-08 06:00:00.123 [123] LOG:  checkpoint starting: time')['@timestamp'], '2026-02-08T12:00:00.123Z');
});

test("a number or boolean logged as the message (pino's log.info(42)) is the message's text", () => {
  const pino = norm('{"level":30,"time":1770552000000,"pid":1,"hostname":"h","msg":42}').event;
  assert.equal(pino.message, '42');
  assert.equal(pino.msg, undefined);
  assert.equal(norm('{"level":"info","msg":false}').event.message, 'false');
  assert.equal(norm('{"level":"info","message":7}').event.message, '7');
  // A string message wins; another key's number stays a field.
  const both = norm('{"level":"info","msg":3,"message":"real"}').event;
  assert.equal(both.message, 'real');
  assert.equal(both.msg, 3);
});

test('a numeric level 0-7 beside msg is a syslog severity, not an unknown pino level', () => {
  const { event, format } = norm('{"level":3,"msg":"disk failed","time":1770552000000}');
  assert.equal(format, 'json');
  assert.equal(event.level, 'error');
  assert.equal(event.level_original, undefined);
  assert.equal(event['@timestamp'], '2026-02-08T12:00:00.000Z');
  assert.equal(norm('{"level":0,"msg":"x"}').event.level, 'emergency');
  assert.equal(norm('{"level":50,"msg":"x"}').format, 'pino');
});

test("envelope @invalid_utf8 from the agent becomes the invalid_utf8 flag and is not stored", () => {
  const { event } = normalizeLine(JSON.stringify({ '@raw': 'caf\uFFFD', '@invalid_utf8': true, 'event.id': 'f:1:A0' }), opts);
  assert.equal(event['logship.invalid_utf8'], true);
  assert.equal(event['@invalid_utf8'], undefined);
  assert.equal(normalizeLine(JSON.stringify({ '@raw': 'café', 'event.id': 'f:1:A1' }), opts).event['logship.invalid_utf8'], undefined);
});

test("python-json-logger: logging's `Level 5` for an unnamed level is read on Python's scale", () => {
  assert.equal(norm('{"asctime": "2026-02-08 12:00:00,000", "levelname": "Level 5", "name": "app", "message": "x"}').event.level, 'trace');
  assert.equal(norm('{"asctime": "2026-02-08 12:00:00,000", "levelname": "Level 45", "name": "app", "message": "x"}').event.level, 'error');
});

test('python-json-logger with levelname renamed (rename_fields, to severity or level) keeps its level', () => {
  const sev = norm('{"severity": "ERROR", "name": "d", "message": "renamed to severity", "asctime": "2026-02-08 12:00:00,343"}').event;
  assert.equal(sev.level, 'error');
  assert.equal(sev.severity, undefined);
  assert.equal(sev.logger, 'd');
  assert.equal(norm('{"level": "WARNING", "name": "d", "message": "x", "asctime": "2026-02-08 12:00:00,343"}').event.level, 'warning');
});

test("winston's npm levels: silly is trace, http (below info) is debug; an HTTP word in plain text is no level", () => {
  assert.equal(norm('{"level":"silly","message":"w silly","timestamp":"2026-02-08T12:00:00.000Z"}').event.level, 'trace');
  assert.equal(norm('{"level":"http","message":"w http","timestamp":"2026-02-08T12:00:00.000Z"}').event.level, 'debug');
  assert.equal(norm('{"level":"verbose","message":"w verbose"}').event.level, 'debug');
  assert.equal(normalizeLine(JSON.stringify({ '@raw': 'HTTP 502 from upstream' }), opts).event.level, undefined);
});

test("uvicorn's access line (FastAPI): status, method, path as fields, the level from the status rather than its INFO", () => {
  const raw = (line: string) => normalizeLine(JSON.stringify({ '@raw': line }), opts);
  const { event, format } = raw('INFO:     127.0.0.1:45784 - "GET /boom?a=1 HTTP/1.1" 500 Internal Server Error');
  assert.equal(format, 'uvicorn');
  assert.equal(event.level, 'error');
  assert.equal(event.status, 500);
  assert.equal(event.method, 'GET');
  assert.equal(event.path, '/boom');
  assert.equal(event.query, 'a=1');
  assert.equal(event.remote_addr, '127.0.0.1');
  assert.equal(event.message, 'INFO:     127.0.0.1:45784 - "GET /boom?a=1 HTTP/1.1" 500 Internal Server Error');
  assert.equal(raw('INFO:     ::1:45798 - "POST /missing HTTP/1.1" 404 Not Found').event.level, 'warning');
  const startup = raw('INFO:     Uvicorn running on http://127.0.0.1:7795 (Press CTRL+C to quit)');
  assert.equal(startup.format, 'plain');
  assert.equal(startup.event.level, 'info');
});

test('a time of day without a date (logback and log4j2 default patterns, pino-pretty) is read on the latest day not ahead of now', () => {
  // NOW is 2026-02-08T15:00:00Z.
  const cases: [string, string, string | undefined, string][] = [
    ['14:59:58.123 [main] INFO  c.e.App - started', 'UTC', 'info', '2026-02-08T14:59:58.123Z'],
    ['[14:59:59.5] ERROR (4242): pino-pretty line', 'UTC', 'error', '2026-02-08T14:59:59.500Z'],
    // Later in the day than now: yesterday's line read from a backlog, not a line from the future…
    ['18:00:00.000 [main] WARN  c.e.App - backlog', 'UTC', 'warning', '2026-02-07T18:00:00.000Z'],
    // …unless it is within an hour of now (two hosts' clocks disagree a little).
    ['15:30:00,000 [main] INFO  c.e.App - skewed', 'UTC', 'info', '2026-02-08T15:30:00.000Z'],
    // Wall-clock time in the source's zone: 16:00 in Paris is 15:00 UTC.
    ['16:00:00.000 [main] DEBUG c.e.App - paris', 'Europe/Paris', 'debug', '2026-02-08T15:00:00.000Z'],
  ];
  for (const [text, zone, level, ts] of cases) {
    const { event } = norm(JSON.stringify({ '@raw': text, '@timezone': zone, 'event.id': 'f:1:0' }));
    assert.equal(event['@timestamp'], ts, text);
    assert.equal(event.level, level, text);
    assert.equal(event['logship.no_timestamp'], undefined, text);
    assert.equal(event.message, text);
  }
  for (const text of ['25:00:00 not a clock', '12:00 minutes only', '12:34:56text']) {
    const { event } = norm(JSON.stringify({ '@raw': text, 'event.id': 'f:1:0' }));
    assert.equal(event['logship.no_timestamp'], true, text);
  }
});

test("Java's ZonedDateTime text, a protobuf Timestamp object and Cloud Logging's timestampSeconds are read as times", () => {
  const seconds = Date.parse('2026-02-08T12:00:00Z') / 1000;
  const zoned = norm(JSON.stringify({ timestamp: '2026-02-08T12:00:00.250Z[UTC]', level: 'INFO', message: 'zoned utc' })).event;
  assert.equal(zoned['@timestamp'], '2026-02-08T12:00:00.250Z');
  assert.equal(zoned.timestamp, undefined);
  const paris = norm(JSON.stringify({ '@timestamp': '2026-02-08T13:00:00+01:00[Europe/Paris]', message: 'zoned paris' })).event;
  assert.equal(paris['@timestamp'], '2026-02-08T12:00:00.000Z');
  const proto = norm(JSON.stringify({ timestamp: { seconds, nanos: 7_000_000 }, severity: 'ERROR', message: 'proto' })).event;
  assert.equal(proto['@timestamp'], '2026-02-08T12:00:00.007Z');
  assert.equal(proto.level, 'error');
  assert.equal(proto['timestamp.seconds'], undefined);
  assert.equal(proto['timestamp.nanos'], undefined);
  // protobuf's JSON mapping writes int64 as text.
  const text = norm(JSON.stringify({ time: { seconds: String(seconds) }, msg: 'proto text' })).event;
  assert.equal(text['@timestamp'], '2026-02-08T12:00:00.000Z');
  const gcp = norm(JSON.stringify({ timestampSeconds: seconds, timestampNanos: 123_456_789, severity: 'WARNING', message: 'gcp' })).event;
  assert.equal(gcp['@timestamp'], '2026-02-08T12:00:00.123Z');
  assert.equal(gcp.level, 'warning');
  // Not a time: kept as fields, the event receive-stamped.
  const negative = norm(JSON.stringify({ timestamp: { seconds: -5 }, message: 'neg' })).event;
  assert.equal(negative['timestamp.seconds'], -5);
  assert.equal(negative['logship.no_timestamp'], true);
});

test('an impossible date (@timestamp 2026-02-30) keeps its text and is receive-stamped and flagged, as other unreadable times are, not moved to March 2nd', () => {
  for (const line of [
    { '@timestamp': '2026-02-30T10:00:00Z', message: 'ecs on feb 30' },
    { time: '2026-04-31 10:00:00', level: 'info', msg: 'structlog on apr 31' },
    { asctime: '2026-02-29 10:00:00,000', levelname: 'INFO', name: 'app', message: 'python on a leap day that is not' },
  ]) {
    const event = norm(JSON.stringify(line)).event;
    assert.equal(event['@timestamp'], '2026-02-08T15:00:00.000Z', JSON.stringify(line));
    assert.equal(event['logship.no_timestamp'], true, JSON.stringify(line));
    assert.equal(event.timestamp_original ?? event.time ?? event.asctime, Object.values(line)[0], JSON.stringify(event));
  }
  const plain = norm(JSON.stringify({ '@raw': '2026-02-30 10:00:00 ERROR plain text on feb 30' })).event;
  assert.equal(plain['@timestamp'], '2026-02-08T15:00:00.000Z');
  assert.equal(plain['logship.no_timestamp'], true);
  assert.equal(plain.message, '2026-02-30 10:00:00 ERROR plain text on feb 30');
});

test("a shipper's record of a plain-text line without a level (Filebeat's filestream over _bulk, Vector's file source) gets the line's leading level word, as the agent's @raw does", () => {
  const filebeat = norm(JSON.stringify({
    '@timestamp': '2026-02-08T14:00:00.123Z',
    message: '2026-02-08 14:00:00,123 ERROR django.request: Internal Server Error: /api/x',
    log: { file: { path: '/var/log/app/django.log' }, offset: 1234 },
    host: { name: 'web-9' },
    ecs: { version: '8.0.0' },
    input: { type: 'filestream' },
  })).event;
  assert.equal(filebeat.level, 'error');
  assert.equal(filebeat['@timestamp'], '2026-02-08T14:00:00.123Z');
  assert.equal(filebeat.source, '/var/log/app/django.log');
  const vector = norm(JSON.stringify({ message: '[warn] disk almost full', timestamp: '2026-02-08T14:00:01Z', file: '/var/log/x.log', host: 'v-1', source_type: 'file' })).event;
  assert.equal(vector.level, 'warning');
  // A record's own level wins, and prose is no level.
  assert.equal(norm(JSON.stringify({ '@timestamp': '2026-02-08T14:00:00Z', 'log.level': 'info', message: 'ERROR in the text', 'ecs.version': '8.0.0' })).event.level, 'info');
  assert.equal(norm(JSON.stringify({ message: 'Notice that the error count is 0', timestamp: '2026-02-08T14:00:01Z' })).event.level, undefined);
});
