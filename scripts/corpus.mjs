/**
 * Deterministic generator of realistic raw log lines, as the services of a
 * small Django shop write them. Used by the demo, the benchmarks and tests.
 *
 *   format      what                                      share
 *   django      python-json-logger JSON (with tracebacks)  40 %
 *   nginx       nginx json_combined access lines           35 %
 *   journald    `journalctl -o json` entries (sshd, cron,  15 %
 *               celery), sshd failed logins among them
 *   pino        a Node service's pino JSON                 10 %
 *
 * The same seed gives the same lines. Timestamps are spread evenly over
 * [endMs - days, endMs], oldest first.
 *
 * CLI: node scripts/corpus.mjs --events N [--days D] [--seed S] [--end ISO] > corpus.ndjson
 */
import { pathToFileURL } from 'node:url';
import { createRng } from '@logship/query';

/** The project's one seeded PRNG (packages/query/src/testing/rng.ts), as a `() => number`. */
export function rng(seed) {
  return createRng(seed).next;
}

const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
const PATHS = ['/', '/api/orders', '/api/orders/42', '/api/users/me', '/accounts/login/', '/static/app.js', '/api/search', '/healthz', '/api/cart', '/admin/'];
const USERS = ['3f6c1a2e-8d1b-4c55-9b0e-7a1d2c3e4f50', '9a8b7c6d-5e4f-4321-8fed-cba987654321', 'user-uuid', '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0'];
const IPS = ['203.0.113.7', '198.51.100.23', '192.0.2.44', '203.0.113.99', '198.51.100.7'];
const HOSTS = ['web-1', 'web-2', 'worker-1', 'db-1'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n) => String(n).padStart(2, '0');

/** python-json-logger's default asctime: "2026-02-08 12:00:00,123". */
export const pythonTime = (d) => d.toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
/** nginx $time_local: "08/Feb/2026:12:00:00 +0000". */
export const nginxTime = (d) =>
  `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;

const TRACEBACK =
  'Traceback (most recent call last):\n  File "/app/orders/views.py", line 88, in detail\n    order = Order.objects.get(pk=pk)\n' +
  '  File "/usr/lib/python3/dist-packages/django/db/models/query.py", line 650, in get\n    raise self.model.DoesNotExist(\n' +
  'orders.models.Order.DoesNotExist: Order matching query does not exist.';

export function djangoLine(r, d) {
  const path = pick(r, PATHS);
  const user = pick(r, USERS);
  const roll = r();
  const base = { asctime: pythonTime(d), user_id: user, request_id: Math.floor(r() * 1e9).toString(16) };
  if (roll < 0.05) {
    return { ...base, levelname: 'WARNING', name: 'django.security', message: `login failed for user ${user} from ${pick(r, IPS)}` };
  }
  if (roll < 0.08) {
    return { ...base, levelname: 'ERROR', name: 'django.request', message: `Internal Server Error: ${path}`, status_code: 500, exc_info: TRACEBACK };
  }
  if (roll < 0.11) {
    const ms = Math.round(800 + r() * 2500);
    return { ...base, levelname: 'ERROR', name: 'django.db.backends', message: `slow query took ${ms}ms`, duration_ms: ms, sql: 'SELECT * FROM orders_order WHERE customer_id = %s' };
  }
  if (roll < 0.3) {
    return { ...base, levelname: 'DEBUG', name: 'django.template', message: 'rendered template orders/detail.html' };
  }
  const ms = Math.round(5 + r() * (r() < 0.1 ? 3000 : 300));
  return { ...base, levelname: 'INFO', name: 'django.server', message: `"GET ${path} HTTP/1.1" 200`, duration_ms: ms, path };
}

export function nginxLine(r, d) {
  const path = pick(r, PATHS);
  const method = r() < 0.8 ? 'GET' : 'POST';
  const roll = r();
  const status = roll < 0.02 ? 502 : roll < 0.04 ? 500 : roll < 0.08 ? 401 : roll < 0.13 ? 404 : 200;
  return {
    time_local: nginxTime(d),
    remote_addr: pick(r, IPS),
    remote_user: '',
    request: `${method} ${path} HTTP/1.1`,
    status: String(status),
    body_bytes_sent: String(Math.floor(r() * 20000)),
    request_time: (r() < 0.04 ? 1 + r() * 4 : r() * 0.4).toFixed(3),
    http_referrer: '',
    http_user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  };
}

let cursorSeq = 0;
export function journaldLine(r, d) {
  const us = d.getTime() * 1000 + Math.floor(r() * 1000);
  const host = pick(r, HOSTS);
  const roll = r();
  let unit;
  let ident;
  let message;
  let priority;
  if (roll < 0.4) {
    unit = 'ssh.service';
    ident = 'sshd';
    const ip = pick(r, IPS);
    message = r() < 0.6
      ? `Failed password for ${r() < 0.5 ? 'invalid user admin' : 'root'} from ${ip} port ${1024 + Math.floor(r() * 60000)} ssh2`
      : `Accepted publickey for deploy from ${ip} port ${1024 + Math.floor(r() * 60000)} ssh2`;
    priority = message.startsWith('Failed') ? '5' : '6';
  } else if (roll < 0.7) {
    unit = 'celery-worker.service';
    ident = 'celery';
    message = r() < 0.1 ? 'Task orders.tasks.sync_inventory raised unexpected: TimeoutError()' : 'Task orders.tasks.send_receipt succeeded in 0.21s';
    priority = message.includes('raised') ? '3' : '6';
  } else {
    unit = 'cron.service';
    ident = 'CRON';
    message = '(root) CMD (cd / && run-parts --report /etc/cron.hourly)';
    priority = '6';
  }
  cursorSeq++;
  return {
    __CURSOR: `s=6f1b2c3d4e5f;i=${cursorSeq.toString(16)};b=9a8b7c;m=${us.toString(16)};t=${us.toString(16)};x=${(cursorSeq * 7919).toString(16)}`,
    __REALTIME_TIMESTAMP: String(us),
    __MONOTONIC_TIMESTAMP: String(us % 1e12),
    _BOOT_ID: '9a8b7c6d5e4f43218fedcba987654321',
    PRIORITY: priority,
    SYSLOG_FACILITY: '4',
    SYSLOG_IDENTIFIER: ident,
    _PID: String(1000 + Math.floor(r() * 30000)),
    _UID: '0',
    _COMM: ident.toLowerCase(),
    _HOSTNAME: host,
    _SYSTEMD_UNIT: unit,
    _TRANSPORT: 'syslog',
    MESSAGE: message,
  };
}

export function pinoLine(r, d) {
  const roll = r();
  const level = roll < 0.05 ? 50 : roll < 0.12 ? 40 : roll < 0.3 ? 20 : 30;
  const ms = Math.round(r() * 400);
  return {
    level,
    time: d.getTime(),
    pid: 4242,
    hostname: 'api-1',
    name: 'checkout-api',
    reqId: `req-${Math.floor(r() * 1e6)}`,
    msg: level === 50 ? 'payment provider returned 502' : level === 40 ? 'retrying payment capture' : 'request completed',
    responseTime: ms,
    ...(level >= 40 ? { err: { type: 'Error', message: 'upstream 502', stack: 'Error: upstream 502\n    at capture (/srv/app/pay.js:41:11)' } } : {}),
  };
}

const MAKERS = [
  ['django', 0.4, djangoLine],
  ['nginx', 0.75, nginxLine],
  ['journald', 0.9, journaldLine],
  ['pino', 1, pinoLine],
];

/**
 * Yields `{ format, line, ts }` for `events` lines spread evenly over the
 * `days` before `endMs`, oldest first. `line` is the raw text (no newline).
 */
export function* generateCorpus({ events, days = 1, seed = 1, endMs = Date.now() }) {
  const r = rng(seed);
  cursorSeq = seed * 1_000_000;
  const span = days * 86_400_000;
  const start = endMs - span;
  for (let i = 0; i < events; i++) {
    const ts = Math.floor(start + (span * i) / events);
    const d = new Date(ts);
    const roll = r();
    const [format, , make] = MAKERS.find(([, upTo]) => roll < upTo);
    yield { format, line: JSON.stringify(make(r, d)), ts };
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => a.trim().split(/\s+/)));
  const events = Number(args.events ?? 1000);
  const endMs = args.end ? Date.parse(args.end) : Date.now();
  let buf = '';
  for (const { line } of generateCorpus({ events, days: Number(args.days ?? 1), seed: Number(args.seed ?? 1), endMs })) {
    buf += line + '\n';
    if (buf.length > 1 << 20) { process.stdout.write(buf); buf = ''; }
  }
  process.stdout.write(buf);
}
