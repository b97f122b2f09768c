import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_NOW, queryApiApp, sampleEvents } from '../testing/query-api-app.js';

test('GET /api/v1/search: the default window (now-15m), newest first, the query applied, took_ms', async () => {
  const { app, reader } = await queryApiApp(sampleEvents());
  const res = await app.inject({ method: 'GET', url: '/api/v1/search?q=level:error' });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(body.hits.map((e: { 'event.id': string }) => e['event.id']), ['e1', 'e4']);
  assert.deepEqual(body.total, { value: 2, relation: 'eq' });
  assert.equal(typeof body.took_ms, 'number');
  const req = reader.requests.at(-1)!;
  assert.equal(req.to - req.from, 15 * 60_000);
});

test('search pages with next_cursor, in both sort orders, and projects fields', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/v1/search?from=now-1d&limit=2&sort=asc&fields=host,status${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    for (const hit of body.hits) {
      assert.deepEqual(Object.keys(hit).filter((k) => !['@timestamp', 'event.id', 'host', 'status'].includes(k)), [], 'projected');
      ids.push(hit['event.id']);
    }
    cursor = body.next_cursor;
  } while (cursor);
  assert.deepEqual(ids, ['e7', 'e6', 'e5', 'e4', 'e3', 'e2', 'e1']);
  const post = await app.inject({ method: 'POST', url: '/api/v1/search', payload: { q: 'host:web-2', from: 'now-1d', sort: 'desc' } });
  assert.deepEqual(post.json().hits.map((e: { 'event.id': string }) => e['event.id']), ['e4', 'e5']);
});

test('search refuses what it cannot answer with coded 4xx: unknown and misspelt parameters, bad time, bad range, bad syntax, unknown @name', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const [url, status, code] of [
    ['/api/v1/search?limt=5', 400, 'LS_API_BAD_REQUEST'],
    ['/api/v1/search?limit=0', 400, 'LS_API_BAD_REQUEST'],
    ['/api/v1/search?sort=sideways', 400, 'LS_API_BAD_REQUEST'],
    ['/api/v1/search?from=yesterday', 400, 'LS_API_BAD_TIME'],
    ['/api/v1/search?from=now&to=now-1h', 400, 'LS_API_BAD_RANGE'],
    ['/api/v1/search?to=now%2B10000y', 400, 'LS_API_BAD_TIME'],
    ['/api/v1/search?q=level:(error', 400, 'LS_QUERY_SYNTAX'],
    // A bad q, as a syntax error is (it was 404, as if the route were missing).
    ['/api/v1/search?q=@nope', 400, 'LS_API_UNKNOWN_SAVED_QUERY'],
    ['/api/v1/search?q=@constructor', 400, 'LS_API_UNKNOWN_SAVED_QUERY'],
  ] as const) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, status, `${url}: ${res.body}`);
    assert.equal(res.json().error.code, code, url);
  }
  // A misspelt parameter is named, not only counted as "additional".
  const misspelt = (await app.inject({ method: 'GET', url: '/api/v1/search?limt=5' })).json().error;
  assert.match(misspelt.message, /querystring has a parameter this route does not take: "limt"/);
  const inBody = (await app.inject({ method: 'POST', url: '/api/v1/search', payload: { q: '', limt: 5 } })).json().error;
  assert.match(inBody.message, /body has a parameter this route does not take: "limt"/);
  // A value outside a list is answered with the list, in words, and named (it was ajv's "querystring/sort must be equal to one of the allowed values: desc, asc").
  const sort = (await app.inject({ method: 'GET', url: '/api/v1/search?sort=newest' })).json().error;
  assert.equal(sort.message, 'sort is desc or asc, not "newest"');
  assert.equal(sort.param, 'sort');
  const syntax = (await app.inject({ method: 'GET', url: '/api/v1/search?q=level:(error' })).json().error;
  assert.equal(typeof syntax.column, 'number', 'syntax errors carry their position');
});

test('POST takes its parameters from the JSON body only: query-string parameters are refused with a coded 400, not dropped', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const [url, payload] of [
    ['/api/v1/search?q=level:error&fields=i', { limit: 2 }],
    ['/api/v1/search?from=now-1d', { q: 'level:error' }],
    ['/api/v1/search?x', {}],
    ['/api/v1/aggregate?q=level:error', { type: 'terms', field: 'host' }],
  ] as const) {
    const res = await app.inject({ method: 'POST', url, payload });
    assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
    const { error } = res.json();
    assert.equal(error.code, 'LS_API_BAD_REQUEST', url);
    assert.match(error.message, /JSON body/, url);
  }
  const bare = await app.inject({ method: 'POST', url: '/api/v1/search?', payload: { q: 'level:error' } });
  assert.equal(bare.statusCode, 200, 'an empty query string carries no parameter');
});

test('fields=* returns every field, as the CLI\'s --fields * shows them all', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const full = (await app.inject({ method: 'GET', url: '/api/v1/search?q=event.id:e1' })).json().hits;
  assert.ok(Object.keys(full[0]).length > 2);
  for (const [method, url, payload] of [
    ['GET', '/api/v1/search?q=event.id:e1&fields=*', undefined],
    ['GET', '/api/v1/search?q=event.id:e1&fields=host,%20*', undefined],
    ['POST', '/api/v1/search', { q: 'event.id:e1', fields: ['*'] }],
    ['POST', '/api/v1/search', { q: 'event.id:e1', fields: '*' }],
  ] as const) {
    const res = await app.inject({ method, url, ...(payload ? { payload } : {}) });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().hits, full, `${method} ${url} ${JSON.stringify(payload)}`);
  }
});

test('a POST body is typed JSON: a parameter of the wrong JSON type (q null or 123, limit "5") is a coded 400, not converted', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const [url, payload, param] of [
    ['/api/v1/search', { q: null }, 'q'],
    ['/api/v1/search', { q: 123 }, 'q'],
    ['/api/v1/search', { q: true }, 'q'],
    ['/api/v1/search', { q: ['level:error'] }, 'q'],
    ['/api/v1/search', { limit: '5' }, 'limit'],
    ['/api/v1/search', { sort: null }, 'sort'],
    ['/api/v1/search', { fields: 5 }, 'fields'],
    ['/api/v1/search', { from: true }, 'from'],
    ['/api/v1/search', { to: [1770552000] }, 'to'],
    ['/api/v1/aggregate', { type: 'terms', field: 'host', q: null }, 'q'],
    ['/api/v1/aggregate', { type: 'terms', field: 5 }, 'field'],
    ['/api/v1/aggregate', { type: 'terms', field: 'host', size: '3' }, 'size'],
    ['/api/v1/aggregate', { type: 'percentiles', field: 'duration_ms', percents: ['50'] }, 'percents'],
  ] as const) {
    const res = await app.inject({ method: 'POST', url, payload });
    assert.equal(res.statusCode, 400, `${url} ${JSON.stringify(payload)}: ${res.body}`);
    const { error } = res.json();
    assert.equal(error.code, 'LS_API_BAD_REQUEST', JSON.stringify(payload));
    // Named in param and in words (it was ajv's "body/q must be string").
    assert.equal(error.param, param, JSON.stringify(payload));
    assert.match(error.message, new RegExp(`^${param} must be `), JSON.stringify(payload));
  }
  // An absent q matches everything, as an empty one does (README: "empty or * matches everything");
  // from and to take epoch ms as a JSON number too.
  for (const payload of [{}, { q: '' }, { q: '*', limit: 3, fields: ['host'], sort: 'asc' }, { from: API_NOW - 86_400_000, to: API_NOW }]) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/search', payload: { from: 'now-1d', ...payload } });
    assert.equal(res.statusCode, 200, `${JSON.stringify(payload)}: ${res.body}`);
    assert.ok(res.json().hits.length >= 3, JSON.stringify(payload));
  }
});

test('a POST body that says it is encoded (gzip, br) is refused with a coded 415, whether or not it is', async () => {
  const { gzipSync } = await import('node:zlib');
  const { app } = await queryApiApp(sampleEvents());
  const json = JSON.stringify({ q: 'level:error', from: 'now-1d' });
  for (const [url, encoding, payload] of [
    ['/api/v1/search', 'gzip', gzipSync(json)],
    ['/api/v1/search', 'gzip', Buffer.from(json)],
    ['/api/v1/aggregate', 'br', Buffer.from(JSON.stringify({ type: 'terms', field: 'host' }))],
  ] as const) {
    const res = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
    assert.equal(res.statusCode, 415, `${url} ${encoding}: ${res.body}`);
    assert.equal(res.json().error.code, 'LS_API_UNSUPPORTED_ENCODING');
  }
  const plain = await app.inject({ method: 'POST', url: '/api/v1/search', payload: json, headers: { 'content-type': 'application/json', 'content-encoding': 'identity' } });
  assert.equal(plain.statusCode, 200, plain.body);
});

test('only `to` given: the default window ends at it, instead of an empty answer', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const res = await app.inject({ method: 'GET', url: '/api/v1/search?to=now-20m' });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  // Before: from (now-15m) lay after to, the range shrank to the instant `to`, and nothing matched.
  assert.deepEqual(body.range, { from: new Date(API_NOW - 35 * 60_000).toISOString(), to: new Date(API_NOW - 20 * 60_000).toISOString() });
  assert.deepEqual(body.hits.map((e: { 'event.id': string }) => e['event.id']), ['e6']);
});

test('a parameter given twice (?from=now-1h&from=now-2h, a URL built by appending) is a 400 that says so', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const [url, name] of [
    ['/api/v1/search?from=now-1h&from=now-2h', 'from'],
    ['/api/v1/search?q=a&q=b', 'q'],
    ['/api/v1/aggregate?type=terms&field=host&size=2&size=3', 'size'],
  ] as const) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.code, 'LS_API_BAD_REQUEST');
    // Before: "querystring/from must be string, querystring/from must be number, querystring/from must match a schema in anyOf".
    assert.match(res.json().error.message, new RegExp(`^"${name}" is given 2 times; give each parameter once`), url);
  }
});

test('*:[now-1h TO now] (Kibana\'s time range over every field) searches the last hour, as @timestamp:[now-1h TO now] does', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const ids = async (q: string) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/search?q=${encodeURIComponent(q)}` });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    return { ids: body.hits.map((e: { 'event.id': string }) => e['event.id']), hours: Math.round((Date.parse(body.range.to) - Date.parse(body.range.from)) / 60_000) / 60 };
  };
  // e6 is 30 minutes old: outside the default 15 minutes, inside the hour asked for.
  assert.deepEqual(await ids('*:[now-1h TO now]'), { ids: ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'], hours: 1 });
  assert.deepEqual(await ids('*:[now-1h TO now]'), await ids('@timestamp:[now-1h TO now]'));
  assert.deepEqual(await ids('level:error AND *:>now-2h'), { ids: ['e1', 'e4', 'e7'], hours: 2 });
  // A bound written as a date that is none is the date error, not a text range over the other fields that finds nothing.
  for (const q of ['*:[now-1h TO 2026-13-01]', '*:[now+10000y TO *]']) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/search?q=${encodeURIComponent(q)}` });
    assert.equal(res.statusCode, 400, `${q}: ${res.body}`);
    assert.equal(res.json().error.code, 'LS_QUERY_INVALID_DATE', q);
  }
});

test('limit=20000 over the 10,000 a page holds is a 400 naming the maximum and next_cursor, not 10,000 hits read as all (Elasticsearch\'s max_result_window)', async () => {
  const { app, reader } = await queryApiApp(sampleEvents());
  const before = reader.requests.length;
  for (const [limit, res] of [
    [20000, await app.inject({ method: 'GET', url: '/api/v1/search?q=*&limit=20000' })],
    [20000, await app.inject({ method: 'POST', url: '/api/v1/search', payload: { q: '*', limit: 20000 } })],
    [10001, await app.inject({ method: 'GET', url: '/api/v1/queries/errors/search?limit=10001' })],
  ] as const) {
    assert.equal(res.statusCode, 400, res.body);
    const error = res.json().error;
    assert.equal(error.code, 'LS_API_BAD_REQUEST');
    assert.deepEqual([error.param, error.maximum], ['limit', 10_000]);
    assert.match(error.message, new RegExp(`^limit ${limit} is over 10000, the most events one page holds; ask for at most 10000 and page on with next_cursor$`));
  }
  assert.equal(reader.requests.length, before, 'nothing searched');
  const at = await app.inject({ method: 'GET', url: '/api/v1/search?q=*&limit=10000&from=now-1d' });
  assert.equal(at.statusCode, 200, at.body);
  assert.equal(at.json().hits.length, 7);
});

test('from=yesterday, from=today (the pickers\' words) are a 400 that says the date math they stand for', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const yesterday = await app.inject({ method: 'GET', url: '/api/v1/search?from=yesterday' });
  assert.equal(yesterday.statusCode, 400, yesterday.body);
  assert.equal(yesterday.json().error.code, 'LS_API_BAD_TIME');
  assert.match(yesterday.json().error.message, /; yesterday is from=now-1d\/d to=now-1d\/d \(to rounds up to the end of that day\); from takes/);
  assert.match((await app.inject({ method: 'GET', url: '/api/v1/search?to=Today' })).json().error.message, /; today is from=now\/d/);
  // What it says is taken: yesterday, whole.
  const taken = await app.inject({ method: 'GET', url: '/api/v1/search?from=now-1d/d&to=now-1d/d' });
  assert.equal(taken.statusCode, 200, taken.body);
  const range = taken.json().range;
  assert.equal(Date.parse(range.to) - Date.parse(range.from), 86_400_000 - 1);
});
