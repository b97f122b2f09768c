/**
 * Fuzzes the query API's parameters through the real server app (buildApp
 * over a real SQLite store, inject()): cursor, fields, aggregation field,
 * saved-query name and POST bodies, N generated inputs each, and counts the
 * answers that are 500 or more and the requests that threw (a crash). The
 * goal is 0 of both; docs/ERRORS.md records the last run. Not part of the
 * test suite (the tests run a few hundred of these); run by hand after a
 * build:
 *
 *   node bench/fuzz-api.mjs [--inputs 100000] [--seed 16]
 *
 * Every input is seeded, so a failure prints the input and can be replayed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng } from '@logship/query';
import { buildApp, buildServerConfig, openSqliteStore } from '@logship/ingest';

const { values } = parseArgs({ options: { inputs: { type: 'string', default: '1000' }, seed: { type: 'string', default: '16' } } });
const N = Number(values.inputs);
const rng = createRng(Number(values.seed));

const NOW = Date.parse('2026-02-08T15:00:00.000Z');
const RANGE = 'from=2026-02-01T00:00:00Z&to=2026-02-09T00:00:00Z';
const PROTO = Object.getOwnPropertyNames(Object.prototype);
const NAMES = [...PROTO, 'level', 'message', 'host', 'status', 'duration_ms', '@timestamp', 'event.id', 'user_id', 'a.b.c', '', ' ', 'é', '😀', '\u0000', '"', "'", '\\', '*', '?', ',', 'x'.repeat(300), 'logship.truncated', 'prototype', 'then', 'length'];
const ALPHABET = 'abcAZ09_-.@:*?"\'\\/ ,{}[]()<>=!~^+&|%\u0000é😀';

const word = () => Array.from({ length: rng.int(0, 12) }, () => rng.pick([...ALPHABET])).join('');
const name = () => (rng.chance(0.6) ? rng.pick(NAMES) : word());
const b64 = (text) => Buffer.from(text, 'utf8').toString('base64url');

function jsonValue(depth = 0) {
  const kind = rng.int(0, depth > 3 ? 4 : 7);
  switch (kind) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.pick([0, -1, 1e308, -0, 2 ** 53 + 1, 1.5, Number.MAX_SAFE_INTEGER]);
    case 3: return word();
    case 4: return rng.pick(NAMES);
    case 5: return Array.from({ length: rng.int(0, 4) }, () => jsonValue(depth + 1));
    default: return Object.fromEntries(Array.from({ length: rng.int(0, 4) }, () => [name(), jsonValue(depth + 1)]));
  }
}

/** A cursor-like string: a real one mutated, a forged array, or noise. */
function cursor(real) {
  switch (rng.int(0, 6)) {
    case 0: return real;
    case 1: return real.slice(0, rng.int(0, real.length));
    case 2: return b64(JSON.stringify([rng.pick([1, 0, 2, '1']), rng.pick(['a', 'd', 'x']), rng.pick([0, -1, 1e21, 2 ** 60, 1.5, '1']), word(), word()]));
    case 3: return b64(rng.pick(['["d",1e400,"x"]', '[1,"d",1e400,"x","y"]', '{}', '[]', 'null', '"x"', '[1,"a",0,"e",null]']));
    case 4: return b64(JSON.stringify(jsonValue()));
    case 5: return word();
    default: return real.replace(/./g, (c) => (rng.chance(0.05) ? rng.pick([...ALPHABET]) : c));
  }
}

function postBody() {
  switch (rng.int(0, 5)) {
    case 0: return { payload: JSON.stringify(jsonValue()), type: 'application/json' };
    case 1: return { payload: JSON.stringify({ q: word(), from: word(), to: word(), limit: jsonValue(), sort: jsonValue(), fields: jsonValue() }), type: 'application/json' };
    case 2: return { payload: `{"q":"*","__proto__":${JSON.stringify(jsonValue())}}`, type: 'application/json' };
    case 3: return { payload: JSON.stringify(jsonValue()).slice(0, rng.int(0, 20)), type: 'application/json' };
    case 4: return { payload: word(), type: rng.pick(['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '']) };
    default: return { payload: JSON.stringify({ type: rng.pick(['terms', 'stats', 'percentiles', 'date_histogram', word()]), field: name(), size: jsonValue(), percents: jsonValue(), interval: word() }), type: 'application/json' };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'logship-fuzz-api-'));
const config = buildServerConfig({ data: dir, saved_queries: { web: 'host:web-1' } });
const store = await openSqliteStore({ dataDir: dir, retention: config.retention, now: () => NOW, readerThreads: 0 });
const { app } = await buildApp({ config, store, now: () => NOW, defaultMetrics: false });
const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({
  '@timestamp': new Date(NOW - i * 60_000).toISOString(), 'event.id': `e${i}`, level: ['info', 'error', 'warning'][i % 3],
  message: `line ${i}`, host: `web-${i % 3}`, status: [200, 500, 404][i % 3], duration_ms: i * 7, constructor: i % 5 === 0 ? 'own' : undefined,
})).join('\n');
await app.inject({ method: 'POST', url: '/api/v1/ingest', payload: lines });
const first = (await app.inject({ method: 'GET', url: `/api/v1/search?${RANGE}&limit=5` })).json();
const realCursor = first.next_cursor;

const params = {
  cursor: () => ({ method: 'GET', url: `/api/v1/search?${RANGE}&limit=5&sort=${rng.pick(['asc', 'desc'])}&q=${encodeURIComponent(rng.pick(['*', 'level:error', '']))}&cursor=${encodeURIComponent(cursor(realCursor))}` }),
  fields: () => ({ method: 'GET', url: `/api/v1/search?${RANGE}&limit=3&fields=${encodeURIComponent(Array.from({ length: rng.int(1, 3) }, name).join(','))}` }),
  'aggregation field': () => ({ method: 'GET', url: `/api/v1/aggregate?${RANGE}&type=${rng.pick(['terms', 'stats', 'percentiles'])}&field=${encodeURIComponent(name())}` }),
  'saved-query name': () => (rng.chance(0.5)
    ? { method: 'GET', url: `/api/v1/queries/${encodeURIComponent(name())}/search?${RANGE}` }
    : { method: 'GET', url: `/api/v1/search?${RANGE}&q=${encodeURIComponent(`@${name()}`)}` }),
  'POST body': () => {
    const { payload, type } = postBody();
    return { method: 'POST', url: rng.pick(['/api/v1/search', '/api/v1/aggregate']), payload, headers: type ? { 'content-type': type } : {} };
  },
};

const started = Date.now();
const rows = [];
for (const [param, make] of Object.entries(params)) {
  let errors5xx = 0;
  let crashes = 0;
  const statuses = new Map();
  const t0 = Date.now();
  for (let i = 0; i < N; i++) {
    const req = make();
    try {
      const res = await app.inject(req);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500) {
        errors5xx++;
        if (errors5xx <= 3) console.error(`${param}: ${res.statusCode} for ${JSON.stringify(req)}: ${res.body.slice(0, 300)}`);
      }
    } catch (err) {
      crashes++;
      if (crashes <= 3) console.error(`${param}: threw for ${JSON.stringify(req)}: ${err}`);
    }
  }
  const spread = [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ');
  rows.push({ param, inputs: N, errors5xx, crashes, spread, seconds: (Date.now() - t0) / 1000 });
  console.log(`${param}: ${N} inputs, ${errors5xx} answered 5xx, ${crashes} crashes (${spread}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const health = await app.inject({ method: 'GET', url: '/health/ready' });
console.log(`server still ready: ${health.statusCode === 200}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
await app.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
process.exitCode = rows.some((r) => r.errors5xx > 0 || r.crashes > 0) ? 1 : 0;
