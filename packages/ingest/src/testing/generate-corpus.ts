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
    const e = roll < 0.4 ? django(r, base) : roll < 0.7 ? nginx(r, base) : roll < 0.8 ? journald(r, base) : roll < 0.9 ? sshd(r, base) : pino(r, base);
    events.push(oddities(r, e));
  }
  return events;
}
