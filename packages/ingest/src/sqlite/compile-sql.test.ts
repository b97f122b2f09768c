/**
 * What the compiler produces for everyday queries, named by the query:
 * values only as parameters, and hot fields answered from their indexes
 * (checked with EXPLAIN QUERY PLAN on a real partition file).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from '@logship/query';
import { compileSql, DocPath } from './compile-sql.js';
import { wildcardPrefix } from './wildcard-range.js';
import { PartitionDb } from './partition-db.js';
import { eventToRow } from './event-row.js';
import { registerSqlFunctions } from './sql-functions.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-compile-'));
const db = new PartitionDb(path.join(dir, '2026-11-23.default.db'), { day: '2026-11-23', className: 'default' }, { create: true });
after(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function plan(query: string): string {
  const { where, params } = compileSql(parse(query), { now: NOW });
  return db
    .all<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT * FROM events WHERE ts >= ? AND ts <= ? AND (${where})`, [0, NOW], params)
    .map((r) => r.detail)
    .join('\n');
}

const indexed: [string, string][] = [
  ['status:>=500', 'events_status'],
  ['duration_ms:>1000', 'events_duration_ms'],
  ['user_id:"user-uuid"', 'events_user_id'],
  ['logger:"django.db.backends"', 'events_logger'],
  ['path:/api/*', 'events_path'],
  ['host:web-1', 'events_host'],
  ['level:error', 'events_level'],
  ['event.id:abc', 'events_ts_eid'],
];
for (const [query, index] of indexed) {
  test(`${query} is answered from ${index}`, () => {
    assert.match(plan(query), new RegExp(index));
  });
}

test('"login failed" is narrowed by the FTS index', () => {
  assert.match(plan('"login failed"'), /message_fts/);
});

/**
 * A keyword clause's SQL without its array-elements alternative (`OR
 * ("f" >= '[' AND "f" < '\' AND ls_elements("f", @pN))`), and the plans
 * those alternatives carry.
 */
function withoutElements(where: string): string {
  const m = /^\((.*) OR \("(\w+)" >= '\[' AND "\2" < '\\' AND ls_elements\("\2", @p\d+\)\)\)$/.exec(where);
  return m ? m[1]! : where;
}
const ownParams = (params: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(params).filter(([, v]) => !(typeof v === 'string' && v.startsWith('{"kind"'))));

test('status:>=500 keeps the value out of the SQL text', () => {
  const { where, params } = compileSql(parse('status:>=500'), { now: NOW });
  assert.equal(withoutElements(where), `("status" >= @p0 AND "status" < '')`);
  assert.deepEqual(ownParams(params), { p0: 500 });
});

test('a keyword clause also asks the elements of strings that are arrays, through ls_elements with the plan', () => {
  const { where, params } = compileSql(parse('tags:a'), { now: NOW });
  assert.match(where, / OR \(json_extract\(doc, @p0\) >= '\[' AND json_extract\(doc, @p0\) < '\\' AND ls_elements\(json_extract\(doc, @p0\), @p2\)\)\)$/);
  assert.equal(JSON.parse(params.p2 as string).kind, 'keyword_eq');
});

test('status:500 is an IN list of typed parameters: the string and the number', () => {
  const { where, params } = compileSql(parse('status:500'), { now: NOW });
  assert.equal(withoutElements(where), '"status" IN (@p0, @p1)');
  assert.deepEqual(ownParams(params), { p0: '500', p1: 500 });
  assert.equal(withoutElements(compileSql(parse('user_id:"user-uuid"'), { now: NOW }).where), '"user_id" = @p0');
});

test('http.method:GET reaches doc through a per-partition path parameter', () => {
  const { where, params } = compileSql(parse('http.method:GET'), { now: NOW });
  assert.ok(params.p0 instanceof DocPath && params.p0.field === 'http.method');
  assert.ok(!where.includes('http.method'));
});

test('NOT level:info treats a missing level as not info', () => {
  assert.equal(compileSql(parse('NOT level:info'), { now: NOW }).where, 'CASE WHEN "level" = @p0 THEN 0 ELSE 1 END');
});

/**
 * SQLite evaluates the right side of `a AND b` first when only `a` holds a
 * subquery, and both sides of an AND/OR whose value is kept (as under
 * `NOT coalesce(…)`), so the exact check of a text clause ran on every row,
 * not on FTS's candidates, wherever the clause was not a term of the
 * top-level AND: `NOT timeout` or `timeout OR host:x` tokenized every
 * message of the range. Counted here on a real partition file: the calls of
 * the exact check, with the real one answering.
 */
test('a text clause under NOT or OR runs its exact check only on the FTS candidates', () => {
  const file = path.join(dir, '2026-11-22.default.db');
  const events = Array.from({ length: 400 }, (_, i) => ({
    '@timestamp': new Date(NOW - 86_400_000 + i * 1000).toISOString(),
    'event.id': `e${i}`,
    level: i % 4 === 0 ? 'error' : 'info',
    host: `web-${i % 7}`,
    message: i % 100 === 5 ? `request ${i} timeout upstream` : `request ${i} served`,
  }));
  const writer = new PartitionDb(file, { day: '2026-11-22', className: 'default' }, { create: true });
  writer.insert(events.map((e, i) => eventToRow(e, Date.parse(e['@timestamp']), e['event.id'], i, [])));
  writer.close();
  const real = new Database(':memory:');
  registerSqlFunctions(real);
  const conn = new Database(file, { readonly: true });
  registerSqlFunctions(conn);
  let calls = 0;
  for (const name of ['ls_terms', 'ls_phrase']) {
    const ask = real.prepare(`SELECT ${name}(?, ?)`).pluck();
    conn.function(name, { deterministic: true }, (text: unknown, json: unknown) => {
      calls++;
      return ask.get(text, json) as number;
    });
  }
  const candidates = events.filter((e) => e.message.includes('timeout')).length;
  const cases: [string, number][] = [
    ['NOT timeout', 400 - candidates],
    ['timeout OR host:web-3', events.filter((e) => e.message.includes('timeout') || e.host === 'web-3').length],
    ['NOT (timeout AND level:error)', events.filter((e) => !(e.message.includes('timeout') && e.level === 'error')).length],
    ['"upstream timeout" OR level:debug', 0],
    ['NOT "timeout upstream"', 400 - candidates],
  ];
  try {
    for (const [query, want] of cases) {
      calls = 0;
      const { where, params } = compileSql(parse(query), { now: NOW, textFields: ['message'] });
      const n = conn.prepare(`SELECT count(*) FROM events WHERE ${where}`).pluck().get(params);
      assert.equal(n, want, query);
      assert.ok(calls <= candidates, `${query}: the exact check ran ${calls} times for ${candidates} candidates`);
    }
  } finally {
    conn.close();
    real.close();
  }
});

test('wildcard prefixes drop escapes and stop at the first wildcard', () => {
  assert.equal(wildcardPrefix('/api/*'), '/api/');
  assert.equal(wildcardPrefix('a\\*b?c'), 'a*b');
  assert.equal(wildcardPrefix('*x'), '');
  assert.equal(wildcardPrefix('tail\\'), 'tail\\');
});

test('indexed: the query requires a single-value equality on an indexed column', () => {
  const indexed = (q: string): boolean => compileSql(parse(q), { now: NOW }).indexed;
  assert.equal(indexed('logger:"django.security" AND user_id:"user-uuid"'), true);
  assert.equal(indexed('logger:"django.security" AND "login failed"'), true);
  assert.equal(indexed('host:web-1'), true);
  assert.equal(indexed('level:error'), true, 'one level is an equality');
  assert.equal(compileSql(parse('level:error'), { now: NOW }).where, '"level" = @p0');
  // Not required, or not one indexed value:
  assert.equal(indexed('logger:a OR user_id:b'), false);
  assert.equal(indexed('NOT logger:a'), false);
  assert.equal(indexed('status:500'), false, 'a string and a number');
  assert.equal(indexed('message:timeout'), false);
  assert.equal(indexed('request_id:abc'), false, 'not promoted');
  assert.equal(indexed('(logger:a AND user_id:b) OR host:c'), false);
  assert.equal(indexed('level:(error OR warn)'), false, 'two levels');
});

// Each bracket decides its own bound: `[`/`]` inclusive, `{`/`}` exclusive, mixed allowed.
const bounds: [string, string][] = [
  ['status:[500 TO 599]', '("status" >= @p0 AND "status" <= @p1)'],
  ['status:{500 TO 599}', '("status" > @p0 AND "status" < @p1)'],
  ['status:{500 TO 599]', '("status" > @p0 AND "status" <= @p1)'],
  ['status:[500 TO 599}', '("status" >= @p0 AND "status" < @p1)'],
  ['status:{* TO 500}', '("status" < @p0)'],
  ['status:{500 TO *]', `("status" > @p0 AND "status" < '')`],
];
for (const [query, where] of bounds) {
  test(`${query} compiles its bounds as ${where}`, () => {
    const compiled = compileSql(parse(query), { now: NOW });
    assert.equal(withoutElements(compiled.where), where);
    assert.deepEqual(Object.values(ownParams(compiled.params)).sort(), query.includes('*') ? [500] : [500, 599]);
  });
}

test('@timestamp bounds: [ and ] include their whole day, { and } exclude it (dates round as in Elasticsearch)', () => {
  const day = (q: string) => compileSql(parse(q), { now: NOW });
  const incl = day('@timestamp:[2026-11-22 TO 2026-11-23]');
  assert.equal(incl.where, 'ts >= @p0 AND ts <= @p1');
  assert.deepEqual(incl.params, { p0: Date.parse('2026-11-22T00:00:00.000Z'), p1: Date.parse('2026-11-23T23:59:59.999Z') });
  // Exclusive bounds on ms timestamps become the inclusive neighbour (> t is >= t+1).
  const lowerOpen = day('@timestamp:{2026-11-22 TO 2026-11-23]');
  assert.equal(lowerOpen.where, 'ts >= @p0 AND ts <= @p1');
  assert.deepEqual(lowerOpen.params, { p0: Date.parse('2026-11-23T00:00:00.000Z'), p1: Date.parse('2026-11-23T23:59:59.999Z') });
  const upperOpen = day('@timestamp:[2026-11-22 TO 2026-11-23}');
  assert.deepEqual(upperOpen.params, { p0: Date.parse('2026-11-22T00:00:00.000Z'), p1: Date.parse('2026-11-22T23:59:59.999Z') });
  assert.equal(day('@timestamp:{2026-11-22 TO 2026-11-23}').where, '0', 'both days excluded: nothing between them');
});
