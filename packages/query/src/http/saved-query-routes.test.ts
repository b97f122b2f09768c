import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_NOW, queryApiApp, sampleEvents } from '../testing/query-api-app.js';

test('saved queries: listed, run by route and by @name, configured ones override built-ins, prototype names are unknown', async () => {
  const { app } = await queryApiApp(sampleEvents(), { savedQueries: { web2: 'host:web-2', errors: 'level:error AND host:web-1' } });
  const list = (await app.inject({ method: 'GET', url: '/api/v1/queries' })).json().queries as { name: string; query: string }[];
  assert.ok(list.some((q) => q.name === 'failed-logins'));
  assert.equal(list.find((q) => q.name === 'errors')!.query, 'level:error AND host:web-1');
  const run = await app.inject({ method: 'GET', url: '/api/v1/queries/web2/search?from=now-1h' });
  assert.equal(run.statusCode, 200, run.body);
  assert.deepEqual(run.json().hits.map((e: { 'event.id': string }) => e['event.id']), ['e4', 'e5']);
  const ref = await app.inject({ method: 'GET', url: `/api/v1/search?from=now-1d&q=${encodeURIComponent('@errors OR @web2')}` });
  assert.deepEqual(ref.json().hits.map((e: { 'event.id': string }) => e['event.id']), ['e1', 'e4', 'e5', 'e7']);
  for (const name of Object.getOwnPropertyNames(Object.prototype)) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/queries/${encodeURIComponent(name)}/search` });
    // The route's path names no saved query: not found (a q's @name that names none is a bad q, 400).
    assert.equal(res.statusCode, 404, `${name}: ${res.body}`);
    assert.equal(res.json().error.code, 'LS_API_SAVED_QUERY_NOT_FOUND');
  }
});

test('a saved query run by route ANDs the request\'s own q, parsed and refused as on /api/v1/search', async () => {
  const { app } = await queryApiApp(sampleEvents(), { savedQueries: { web2: 'host:web-2', '5xx': 'status:>=500' } });
  const ids = async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json().hits.map((e: { 'event.id': string }) => e['event.id']);
  };
  // errors: e1, e4, e7; of those on web-1: e1, e7.
  assert.deepEqual(await ids('/api/v1/queries/errors/search?from=now-1d&q=host:web-1'), ['e1', 'e7']);
  assert.deepEqual(
    await ids('/api/v1/queries/errors/search?from=now-1d&q=host:web-1'),
    await ids(`/api/v1/search?from=now-1d&q=${encodeURIComponent('@errors AND host:web-1')}`),
    'the same as @errors AND q',
  );
  // The request's q is one operand: an OR in it cannot widen the saved query.
  assert.deepEqual(await ids(`/api/v1/queries/errors/search?from=now-1d&q=${encodeURIComponent('host:db-1 OR host:web-2')}`), ['e4']);
  assert.deepEqual(await ids('/api/v1/queries/errors/search?from=now-1d&q=*'), ['e1', 'e4', 'e7']);
  assert.deepEqual(await ids('/api/v1/queries/errors/search?from=now-1d&q='), ['e1', 'e4', 'e7']);
  // The request's q may itself name saved queries.
  assert.deepEqual(await ids('/api/v1/queries/errors/search?from=now-1d&q=%40web2'), ['e4']);
  // A configured name that is no @reference (it starts with a digit) still runs its own text.
  assert.deepEqual(await ids('/api/v1/queries/5xx/search?from=now-1d'), ['e1', 'e7']);
  for (const [url, status, code] of [
    ['/api/v1/queries/errors/search?q=host:(', 400, 'LS_QUERY_SYNTAX'],
    ['/api/v1/queries/errors/search?q=@nope', 400, 'LS_API_UNKNOWN_SAVED_QUERY'],
    ['/api/v1/queries/errors/search?limt=5', 400, 'LS_API_BAD_REQUEST'],
  ] as const) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, status, `${url}: ${res.body}`);
    assert.equal(res.json().error.code, code, url);
  }
  const syntax = (await app.inject({ method: 'GET', url: '/api/v1/queries/errors/search?q=host:(' })).json().error;
  assert.equal(syntax.column, 7, 'the position is in the request\'s own q');
});

test('@name inside a phrase, a regex, an escape, a field value or a longer word is text, as the matcher reads it', async () => {
  const events = [
    ...sampleEvents(),
    { '@timestamp': new Date(API_NOW - 60_000).toISOString(), 'event.id': 'm1', level: 'info', message: 'mention @alice in review, see @errors dashboard', host: 'web-3', user: '@alice' },
    { '@timestamp': new Date(API_NOW - 60_000).toISOString(), 'event.id': 'm2', level: 'info', message: 'registered @app.route handler', host: 'web-3' },
  ];
  const { app } = await queryApiApp(events);
  const ids = async (q: string) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/search?from=now-1d&q=${encodeURIComponent(q)}` });
    assert.equal(res.statusCode, 200, `${q}: ${res.body}`);
    return res.json().hits.map((e: { 'event.id': string }) => e['event.id']);
  };
  // Before: a phrase holding " @alice" answered 404 (no saved query "alice"),
  // and one holding " @errors" was rewritten into a phrase of the saved
  // query's words and matched nothing.
  assert.deepEqual(await ids('"mention @alice"'), ['m1']);
  assert.deepEqual(await ids('"see @errors dashboard"'), ['m1']);
  assert.deepEqual(await ids('message:"see @errors"'), ['m1']);
  assert.deepEqual(await ids('message:/.*errors.*/ AND host:web-3'), ['m1']);
  assert.deepEqual(await ids('\\@alice AND host:web-3'), ['m1']);
  assert.deepEqual(await ids('user:@alice'), ['m1']);
  assert.deepEqual(await ids('@app.route'), ['m2']);
  // A reference still works wherever a clause stands.
  assert.deepEqual(await ids('@errors AND host:web-1'), ['e1', 'e7']);
  assert.deepEqual(await ids('host:web-1 AND (@errors)'), ['e1', 'e7']);
  assert.deepEqual(await ids('host:web-1 AND -@errors'), ['e2', 'e6']);
  assert.deepEqual(await ids('level:(@errors) AND host:web-2'), ['e4']);
});

test('a syntax error in a query naming a saved query points into the text the user wrote', async () => {
  const { app } = await queryApiApp(sampleEvents());
  const res = await app.inject({ method: 'GET', url: `/api/v1/search?q=${encodeURIComponent('(@errors')}` });
  assert.equal(res.statusCode, 400, res.body);
  const error = res.json().error;
  assert.equal(error.code, 'LS_QUERY_SYNTAX');
  // Before: column 51, in the expanded text `(level:(error OR …))`.
  assert.equal(error.column, 9);
  assert.equal(error.caret, '(@errors\n        ^');
});
