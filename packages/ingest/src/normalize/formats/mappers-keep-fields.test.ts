/**
 * A mapper may rename, never lose (issue 15 item 2): for a realistic line of
 * every format, with the names that collide in practice, every value the
 * line carried is in the stored event under some name. The only keys whose
 * values do not appear verbatim are those a mapper turns into a canonical
 * field in canonical form (a time into @timestamp, a level name or number
 * into `level`), listed per format below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeLine } from '../normalize-line.js';
import { DEFAULT_NORMALIZE_LIMITS } from '../limits.js';
import { flattenFields } from '../flatten-fields.js';

const opts = { now: Date.parse('2026-02-08T15:00:00.000Z'), limits: DEFAULT_NORMALIZE_LIMITS };

interface Case {
  format: string;
  line: Record<string, unknown>;
  /** Keys turned into @timestamp / level (canonical form, not verbatim). */
  canonical: string[];
  /** Agent envelope metadata, when the line comes through the agent. */
  envelope?: Record<string, unknown>;
}

const TRACE = 'Traceback (most recent call last):\n  File "/srv/app/views.py", line 7, in get\nKeyError: \'missing_order_id\'';

const CASES: Case[] = [
  {
    format: 'python-json-logger',
    line: {
      asctime: '2026-02-08 12:00:01,234', created: 1770552001.234, levelname: 'ERROR', levelno: 40, name: 'django.request',
      message: 'Internal Server Error: /api/orders', exc_info: TRACE, stack_info: 'Stack (most recent call last):', funcName: 'get',
      lineno: 7, host: 'db-primary', level: 'custom-level', '@timestamp': 'not a time',
    },
    canonical: ['asctime', 'created', 'levelname', 'levelno'],
    envelope: { host: 'web-1', source: '/var/log/app/django.log', job: 'django' },
  },
  {
    format: 'loguru',
    line: {
      text: `2026-02-08 12:00:00.123 | ERROR | app:run:42 - charge failed\n${TRACE}\n`,
      record: {
        elapsed: { repr: '0:00:01.5', seconds: 1.5 },
        exception: { type: 'KeyError', value: "'missing_order_id'", traceback: true },
        extra: { user_id: 'u-7', function: 'shadowed', text: 'bound text' },
        file: { name: 'jobs.py', path: '/srv/app/jobs.py' },
        function: 'run', level: { icon: '❌', name: 'ERROR', no: 40 }, line: 42, message: 'charge failed', module: 'jobs',
        name: 'app.jobs', process: { id: 4242, name: 'MainProcess' }, thread: { id: 1, name: 'MainThread' },
        time: { repr: '2026-02-08 12:00:00.123456+00:00', timestamp: 1770552000.123456 },
      },
    },
    canonical: ['record.level.name', 'record.level.no', 'record.time.repr', 'record.time.timestamp'],
  },
  {
    format: 'pino',
    line: {
      level: 50, time: 1770552000123, pid: 77, hostname: 'api-1', host: 'api-host-label', name: 'api', msg: 'request errored',
      err: { type: 'TypeError', message: 'x is undefined', stack: 'TypeError: x is undefined\n    at f (/srv/a.js:1:1)' },
      req: { id: 'req-1', method: 'GET', url: '/api' },
    },
    canonical: ['level', 'time'],
  },
  {
    format: 'ecs',
    line: {
      '@timestamp': '2026-02-08T12:00:00.000Z', 'log.level': 'error', message: 'failed', 'ecs.version': '8.11.0',
      log: { logger: 'com.example.Main' }, host: { name: 'java-1', hostname: 'java-1.internal' },
      error: { type: 'java.lang.IllegalStateException', message: 'boom', stack_trace: 'java.lang.IllegalStateException: boom\n\tat Main.run(Main.java:7)' },
      event: { id: 'ecs-event-id', dataset: 'app.log' },
    },
    canonical: ['@timestamp', 'log.level'],
    envelope: { host: 'web-1', source: '/var/log/java.json' },
  },
  {
    format: 'nginx',
    line: {
      time_iso8601: '2026-02-08T12:00:00+00:00', remote_addr: '203.0.113.7', request: 'GET /api/orders?id=1 HTTP/1.1', status: '502',
      body_bytes_sent: '17', request_time: '0.125', http_referer: '', http_user_agent: 'curl/8.5.0', host: 'shop.example', http_host: 'other.example',
      hostname: 'web-1',
    },
    canonical: ['time_iso8601'],
  },
  {
    format: 'json',
    line: {
      timestamp: '2026-02-08T12:00:00Z', level: 'warning', event: 'cache miss', logger: 'orders', exception: TRACE, key: 'user:42',
      host: 'cache-1', hostname: 'cache-1.internal',
    },
    canonical: ['timestamp', 'level'],
    envelope: { host: 'web-2', job: 'worker' },
  },
  {
    format: 'journald+python-json-logger',
    line: {
      MESSAGE: JSON.stringify({ levelname: 'ERROR', name: 'django.request', message: 'boom', exc_info: TRACE, host: 'inner-host', _PID: 'inner' }),
      PRIORITY: '3', _SYSTEMD_UNIT: 'django.service', _HOSTNAME: 'web-3', SYSLOG_IDENTIFIER: 'gunicorn', _PID: '812',
      __REALTIME_TIMESTAMP: '1770552000123456', __CURSOR: 's=abc;i=1',
    },
    canonical: ['MESSAGE', 'PRIORITY', 'levelname'],
  },
  {
    // Fluent Bit's tail input under kubernetes, as its es output sends it.
    format: 'fluent',
    line: {
      log: '2026-02-08 12:00:00,123 ERROR [worker] job failed', stream: 'stderr', time: '2026-02-08T12:00:00.500Z',
      kubernetes: { pod_name: 'api-7', namespace_name: 'shop', labels: { app: 'api' } },
    },
    canonical: ['time'],
  },
  {
    // docker's json-file line of a service logging JSON; `log` keeps docker's newline.
    format: 'fluent+python-json-logger',
    line: {
      log: `${JSON.stringify({ levelname: 'ERROR', name: 'django.request', message: 'boom', exc_info: TRACE, user_id: 'u-1' })}\n`,
      stream: 'stdout', time: '2026-02-08T12:00:00.5Z',
    },
    canonical: ['log', 'time', 'levelname'],
  },
  {
    // Vector's file source event as its loki sink's json codec writes it: the line it read in `message`.
    format: 'json+python-json-logger',
    line: {
      file: '/var/log/app/django.log', host: 'vec-1', source_type: 'file', timestamp: '2026-02-08T12:00:01Z',
      message: JSON.stringify({ levelname: 'ERROR', name: 'django.request', message: 'boom', exc_info: TRACE, host: 'inner-host' }),
    },
    canonical: ['message', 'timestamp', 'levelname'],
  },
];

/** The line's own values by flattened key (as the stored event would hold them). */
function inputValues(c: Case): Map<string, unknown> {
  const { fields } = flattenFields(c.line, DEFAULT_NORMALIZE_LIMITS);
  if (c.format.includes('+')) {
    const inner = flattenFields(JSON.parse((c.line.MESSAGE ?? c.line.log ?? c.line.message) as string) as Record<string, unknown>, DEFAULT_NORMALIZE_LIMITS).fields;
    for (const [k, v] of Object.entries(inner)) fields[`inner:${k}`] = v;
  }
  for (const [k, v] of Object.entries(c.envelope ?? {})) fields[`envelope:${k}`] = v as string;
  return new Map(Object.entries(fields));
}

const same = (a: unknown, b: unknown): boolean => a === b || (typeof a === 'string' && typeof b === 'number' && Number(a) === b);

for (const c of CASES) {
  test(`${c.format}: every value the line carried is in the stored event`, () => {
    const raw = c.envelope ? JSON.stringify({ '@raw': JSON.stringify(c.line), ...c.envelope }) : JSON.stringify(c.line);
    const { event, format } = normalizeLine(raw, opts);
    assert.equal(format, c.format);
    const stored = Object.values(event);
    for (const [key, value] of inputValues(c)) {
      const plainKey = key.replace(/^inner:/, '');
      if (c.canonical.includes(plainKey)) continue;
      assert.ok(
        stored.some((v) => same(value, v)),
        `${c.format}: the value of "${key}" (${JSON.stringify(value)}) is lost; stored: ${JSON.stringify(event)}`,
      );
    }
  });
}
