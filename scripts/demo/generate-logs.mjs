/**
 * Keeps a demo log folder filling with realistic lines, as a small Django
 * site behind nginx would write them:
 *   django.log        python-json-logger JSON (requests, slow queries, login
 *                     failures, tracebacks as exc_info)
 *   nginx-access.log  nginx json_combined access lines
 * Deterministic for a given seed so the demo looks the same every time.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = ['/', '/api/orders', '/api/orders/42', '/api/users/me', '/accounts/login/', '/static/app.js', '/api/search', '/healthz'];
const USERS = ['3f6c1a2e-8d1b-4c55-9b0e-7a1d2c3e4f50', '9a8b7c6d-5e4f-4321-8fed-cba987654321', 'user-uuid'];
const IPS = ['203.0.113.7', '198.51.100.23', '192.0.2.44', '203.0.113.99'];

function pythonTime(d) {
  // python-json-logger's default asctime: "2026-02-08 12:00:00,123"
  return d.toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function nginxTime(d) {
  // nginx $time_local: "08/Feb/2026:12:00:00 +0000"
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export function makeDjangoLine(r, now) {
  const path = PATHS[Math.floor(r() * PATHS.length)];
  const user = USERS[Math.floor(r() * USERS.length)];
  const roll = r();
  const base = { asctime: pythonTime(now), user_id: user, request_id: Math.floor(r() * 1e9).toString(16) };
  if (roll < 0.05) {
    return { ...base, levelname: 'WARNING', name: 'django.security', message: `login failed for user ${user} from ${IPS[Math.floor(r() * IPS.length)]}` };
  }
  if (roll < 0.09) {
    return {
      ...base, levelname: 'ERROR', name: 'django.request', message: `Internal Server Error: ${path}`, status_code: 500,
      exc_info: 'Traceback (most recent call last):\n  File "/app/orders/views.py", line 88, in detail\n    order = Order.objects.get(pk=pk)\norders.models.Order.DoesNotExist: Order matching query does not exist.',
    };
  }
  if (roll < 0.13) {
    const ms = Math.round(800 + r() * 2500);
    return { ...base, levelname: 'ERROR', name: 'django.db.backends', message: `slow query took ${ms}ms`, duration_ms: ms, sql: 'SELECT * FROM orders_order WHERE customer_id = %s' };
  }
  if (roll < 0.3) {
    return { ...base, levelname: 'DEBUG', name: 'django.template', message: `rendered template orders/detail.html` };
  }
  const ms = Math.round(5 + r() * (r() < 0.1 ? 3000 : 300));
  return { ...base, levelname: 'INFO', name: 'django.server', message: `"GET ${path} HTTP/1.1" 200`, duration_ms: ms, path };
}

export function makeNginxLine(r, now) {
  const path = PATHS[Math.floor(r() * PATHS.length)];
  const method = r() < 0.8 ? 'GET' : 'POST';
  const roll = r();
  const status = roll < 0.03 ? 502 : roll < 0.06 ? 500 : roll < 0.1 ? 401 : roll < 0.15 ? 404 : 200;
  const rt = (r() < 0.05 ? 1 + r() * 4 : r() * 0.4).toFixed(3);
  return {
    time_local: nginxTime(now),
    remote_addr: IPS[Math.floor(r() * IPS.length)],
    remote_user: '',
    request: `${method} ${path} HTTP/1.1`,
    status: String(status),
    body_bytes_sent: String(Math.floor(r() * 20000)),
    request_time: rt,
    http_referrer: '',
    http_user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
  };
}

/** Appends `perTick` lines to each file every `intervalMs` until stopped. */
export function startGenerator(dir, { intervalMs = 250, perTick = 5, seed = 42 } = {}) {
  mkdirSync(dir, { recursive: true });
  const r = rng(seed);
  const django = join(dir, 'django.log');
  const nginx = join(dir, 'nginx-access.log');
  const tick = () => {
    const now = new Date();
    let d = '';
    let n = '';
    for (let i = 0; i < perTick; i++) {
      d += JSON.stringify(makeDjangoLine(r, now)) + '\n';
      n += JSON.stringify(makeNginxLine(r, now)) + '\n';
    }
    appendFileSync(django, d);
    appendFileSync(nginx, n);
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return () => clearInterval(timer);
}
