/**
 * Deterministic, seeded corpus of normalized LogEvents (the shape ingest
 * stores), varied on purpose for differential tests and benchmarks:
 *
 *   django   python-json-logger records: logger, user_id, request_id, lineno
 *   nginx    access: status / duration_ms / bytes as numbers, path, method,
 *            sometimes status as a string ("200") as a misconfigured log has it
 *   journald units, pids, PRIORITY-derived levels, `journald.realtime_us`
 *   sshd     failed logins (journald), the classic `failed-logins` query
 *   pino     numeric and boolean fields (`cached: true`), `req.id`
 *   errors   exceptions where each format puts them: python-json-logger
 *            `exc_info` / `stack_info`, structlog `exception`, pino
 *            `err.stack` / `err.message`, ECS `error.stack_trace` /
 *            `error.message`, loguru `text`; Java traces in `message`
 *            (joined by multiline); now and then a non-string value there
 *
 * plus what breaks backends: equal timestamps, fields that are null or
 * missing, booleans and nulls in promoted fields, non-ASCII and mixed-case
 * text, and keys with quotes, backslashes and spaces.
 *
 * The same seed gives the same events. Timestamps fall in [endMs - days, endMs].
 */
import { createRng, type FieldValue, type LogEvent } from '@logship/query';

export interface CorpusOptions {
  events: number;
  seed?: number;
  /** Latest timestamp, epoch ms (default 2026-11-23T12:00:00Z). */
  endMs?: number;
  days?: number;
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const HOSTS = ['web-1', 'web-2', 'worker-1', 'db-1', 'Web-3'];
const PATHS = ['/', '/api/orders', '/api/orders/42', '/api/users/me', '/accounts/login/', '/static/app.js', '/api/v2/search', '/healthz'];
const USERS = ['user-uuid', '3f6c1a2e-8d1b-4c55-9b0e-7a1d2c3e4f50', 'alice', 'bob', 'Zoë'];
const IPS = ['203.0.113.7', '198.51.100.23', '192.0.2.44', '10.0.0.1'];
const LOGGERS = ['django.request', 'django.security', 'django.db.backends', 'orders.views', 'celery.worker'];
const LEVELS = ['trace', 'debug', 'info', 'info', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
const WORDS = ['timeout', 'connection', 'refused', 'Login', 'failed', 'order', 'created', 'cache', 'miss', 'HIT', 'retry', 'café', 'naïve', 'ошибка', '数据库', 'v2', '42', 'user_id', 'foo-bar', 'x.y.z'];
const WEIRD_KEYS = ['weird"key', 'back\\slash', 'with space', 'ünïcode.key', 'dotted.a.b'];

function django(r: Rand, base: LogEvent): LogEvent {
  const user = pick(r, USERS);
  const roll = r();
  const e: LogEvent = { ...base, logger: pick(r, LOGGERS), job: 'django', source: '/var/log/app/django.log', lineno: int(r, 1, 900) };
  if (r() < 0.8) e.user_id = user;
  if (r() < 0.5) e.request_id = Math.floor(r() * 1e9).toString(16);
  if (roll < 0.1) {
    e.logger = 'django.security';
    e.level = 'warning';
    e.message = `Login failed for user ${user} from ${pick(r, IPS)}`;
  } else if (roll < 0.2) {
    e.logger = 'django.db.backends';
    e.level = pick(r, ['debug', 'error']);
    e.duration_ms = Math.round(r() * 3000 * 100) / 100;
    e.message = e.level === 'error' ? 'database connection timeout after 30s' : `(${e.duration_ms}) SELECT * FROM orders`;
  } else {
    e.message = Array.from({ length: int(r, 1, 8) }, () => pick(r, WORDS)).join(pick(r, [' ', ' ', ', ', ': ', '/']));
  }
  return e;
}

function nginx(r: Rand, base: LogEvent): LogEvent {
  const status = pick(r, [200, 200, 200, 201, 301, 304, 404, 499, 500, 502, 503]);
  const path = pick(r, PATHS);
  const method = pick(r, ['GET', 'GET', 'POST', 'PUT', 'DELETE']);
  const requestTime = Math.round(r() * 2500) / 1000;
  const e: LogEvent = {
    ...base,
    level: status >= 500 ? 'error' : status >= 400 ? 'warning' : 'info',
    job: 'nginx',
    source: '/var/log/nginx/access.log',
    message: `${method} ${path} HTTP/1.1 ${status}`,
    status: r() < 0.05 ? String(status) : status,
    method,
    path,
    request_time: requestTime,
    duration_ms: Math.round(requestTime * 1000),
    body_bytes_sent: int(r, 0, 50000),
    remote_addr: pick(r, IPS),
  };
  if (r() < 0.3) e.http_user_agent = pick(r, ['curl/8.5.0', 'Mozilla/5.0 (X11; Linux x86_64)', 'kube-probe/1.29']);
  return e;
}

function journald(r: Rand, base: LogEvent): LogEvent {
  const unit = pick(r, ['cron.service', 'celery-worker.service', 'systemd-logind.service']);
  return {
    ...base,
    level: pick(r, LEVELS),
    unit,
    source: 'journald',
    pid: int(r, 100, 40000),
    'journald.realtime_us': String(Date.parse(base['@timestamp']) * 1000 + int(r, 0, 999)),
    message: `${pick(r, ['Started', 'Stopped', 'Reloading', 'pam_unix(cron:session): session opened for'])} ${unit}`,
  };
}

function sshd(r: Rand, base: LogEvent): LogEvent {
  const user = pick(r, ['root', 'admin', 'oracle', 'test', 'ubuntu']);
  const ip = pick(r, IPS);
  return {
    ...base,
    level: 'info',
    unit: 'ssh.service',
    source: 'journald',
    pid: int(r, 100, 40000),
    message:
      r() < 0.7
        ? `Failed password for invalid user ${user} from ${ip} port ${int(r, 1024, 65535)} ssh2`
        : `Accepted publickey for ${user} from ${ip} port ${int(r, 1024, 65535)} ssh2`,
  };
}

function pino(r: Rand, base: LogEvent): LogEvent {
  const e: LogEvent = {
    ...base,
    level: pick(r, ['trace', 'debug', 'info', 'warning', 'error', 'critical']),
    job: 'api',
    logger: 'api',
    message: pick(r, ['request completed', 'request errored', 'cache miss', 'Cache HIT', 'upstream timeout']),
    'req.id': `req-${int(r, 1, 5000)}`,
    'res.statusCode': pick(r, [200, 204, 400, 500]),
    responseTime: Math.round(r() * 900 * 10) / 10,
    cached: r() < 0.5,
  };
  if (r() < 0.1) e.user_id = null;
  return e;
}

const EXCEPTIONS = [
  ['KeyError', "'missing_order_id'"],
  ['ValueError', 'invalid literal for int() with base 10: \'abc\''],
  ['TypeError', "Cannot read properties of undefined (reading 'id')"],
  ['ConnectionRefusedError', '[Errno 111] Connection refused'],
  ['java.lang.IllegalStateException', 'Order 42 is already closed'],
  ['ZeroDivisionError', 'division by zero'],
] as const;
const FRAMES = ['orders/views.py', 'orders/models.py', 'django/core/handlers/base.py', 'app/tasks.py', 'café/ünï.py'];

function pythonTraceback(r: Rand, type: string, value: string): string {
  const frames = Array.from({ length: int(r, 1, 3) }, () => `  File "/srv/${pick(r, FRAMES)}", line ${int(r, 1, 400)}, in ${pick(r, ['create', 'get', 'run', 'inner'])}\n    ${pick(r, ['order = payload["order_id"]', 'return int(raw)', 'conn.connect()', 'total / count'])}`);
  return `Traceback (most recent call last):\n${frames.join('\n')}\n${type}: ${value}`;
}

function jsStack(r: Rand, type: string, value: string): string {
  return `${type}: ${value}\n${Array.from({ length: int(r, 1, 3) }, () => `    at ${pick(r, ['handler', 'Object.run', 'processTicksAndRejections'])} (/srv/api/${pick(r, ['app.js', 'orders.js'])}:${int(r, 1, 300)}:${int(r, 1, 40)})`).join('\n')}`;
}

function javaStack(r: Rand, type: string, value: string): string {
  return `${type}: ${value}\n${Array.from({ length: int(r, 1, 3) }, () => `\tat com.example.${pick(r, ['orders.OrderService.close', 'Main.run', 'web.Handler.handle'])}(${pick(r, ['OrderService', 'Main', 'Handler'])}.java:${int(r, 1, 300)})`).join('\n')}`;
}

/** An event that logged an exception, in the shape of one of the formats. */
function failure(r: Rand, base: LogEvent): LogEvent {
  const [type, value] = pick(r, EXCEPTIONS);
  const e: LogEvent = { ...base, level: pick(r, ['error', 'error', 'critical', 'warning']) };
  switch (int(r, 0, 6)) {
    case 0:
      Object.assign(e, { logger: 'django.request', job: 'django', message: `Internal Server Error: ${pick(r, PATHS)}`, exc_info: pythonTraceback(r, type, value) });
      if (r() < 0.2) e.stack_info = `Stack (most recent call last):\n  File "/srv/${pick(r, FRAMES)}", line 9, in <module>`;
      break;
    case 1:
      Object.assign(e, { logger: 'orders.tasks', message: 'task failed', exception: pythonTraceback(r, type, value) });
      break;
    case 2:
      Object.assign(e, { job: 'api', message: 'request errored', 'err.type': type, 'err.message': value, 'err.stack': jsStack(r, type, value) });
      break;
    case 3:
      Object.assign(e, { job: 'java', message: `Unhandled ${type}`, 'error.type': type, 'error.message': value, 'error.stack_trace': javaStack(r, type, value) });
      break;
    case 4:
      Object.assign(e, {
        logger: '__main__',
        message: 'charge failed',
        text: `2026-11-23 10:00:00.000 | ERROR    | __main__:charge:12 - charge failed\n${pythonTraceback(r, type, value)}\n`,
        'exception.type': type,
        'exception.value': value,
      });
      break;
    case 5:
      // A Java trace the agent's multiline rule joined into one message.
      Object.assign(e, { job: 'java', message: `ERROR Order close failed\n${javaStack(r, type, value)}` });
      break;
    default:
      // A text field holding something other than a string is not text.
      Object.assign(e, { message: `${type} counter`, exc_info: pick(r, [true, 0, 42, null]), 'err.stack': pick(r, [false, 1.5]) });
  }
  return e;
}

/** Oddities sprinkled over any event; each is rare. */
function oddities(r: Rand, e: LogEvent): LogEvent {
  if (r() < 0.03) e.status = r() < 0.5 ? true : null;
  // A null canonical field, as a sloppy producer sends it.
  if (r() < 0.03) (e as Record<string, FieldValue | undefined>).host = null;
  if (r() < 0.05) e[pick(r, WEIRD_KEYS)] = pick(r, ['x', 'Y', '42', 42, -1.5, true, false, '']);
  if (r() < 0.03) delete e.message;
  if (r() < 0.02) e.message = '';
  if (r() < 0.02) e.level = 'INFO';
  return e;
}

export function generateCorpus(opts: CorpusOptions): LogEvent[] {
  const r = createRng(opts.seed ?? 1).next;
  const end = opts.endMs ?? Date.parse('2026-11-23T12:00:00.000Z');
  const span = (opts.days ?? 3) * 86_400_000;
  const events: LogEvent[] = [];
  let last = end - span;
  for (let i = 0; i < opts.events; i++) {
    // Sorted, with runs of equal timestamps (bursts) to exercise tie-breaks.
    const ts = r() < 0.15 ? last : end - span + Math.floor(((i + r()) / opts.events) * span);
    last = Math.min(Math.max(ts, last), end);
    const base: LogEvent = {
      '@timestamp': new Date(last).toISOString(),
      'event.id': `ev-${opts.seed ?? 1}-${i.toString(36)}`,
      host: pick(r, HOSTS),
    };
    const roll = r();
    const e =
      roll < 0.36
        ? django(r, base)
        : roll < 0.64
          ? nginx(r, base)
          : roll < 0.74
            ? journald(r, base)
            : roll < 0.82
              ? sshd(r, base)
              : roll < 0.92
                ? pino(r, base)
                : failure(r, base);
    events.push(bigIds(i, oddities(r, e)));
  }
  return events;
}

/**
 * Ids beyond 2^53 on every 61st event, by its index, not the generator
 * (the rest of a seed's corpus stays what it was): as a number, the
 * double a JSON integer that large was read as before ingest kept such
 * integers as strings (one that prints 1234567890123456800 but is
 * …768, which SQLite read back as a different 64-bit integer), and as the
 * string ingest now keeps (normalize/parse-json.ts).
 */
function bigIds(i: number, e: LogEvent): LogEvent {
  if (i % 61 !== 7) return e;
  const n = Math.floor(i / 61) % 4;
  // What JSON.parse made of 1234567890123456789 and 9007199254740993.
  e.trace_id = [Number('1234567890123456789'), Number('9007199254740993'), 2 ** 62, -Number('1234567890123456789')][n]!;
  e.snowflake = ['1790000000000000001', '9007199254740993', '18446744073709551615', '-1234567890123456789'][n]!;
  return e;
}
