import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from './event.js';
import { QueryError } from './errors.js';
import { compileMatcher } from './matcher.js';
import { parse } from './parse.js';

const now = Date.parse('2026-02-11T15:34:56.789Z');

function ev(id: string, ts: string, fields: Omit<LogEvent, '@timestamp' | 'event.id'>): LogEvent {
  return { '@timestamp': ts, 'event.id': id, ...fields };
}

const corpus: LogEvent[] = [
  ev('py-error', '2026-02-11T15:00:00.000Z', { level: 'error', logger: 'django.db.backends', message: 'Database connection TIMEOUT after 30s', host: 'web-1' }),
  ev('py-login', '2026-02-11T15:30:00.000Z', { level: 'warning', logger: 'django.security', message: 'Login failed for user admin', user_id: 'user-uuid' }),
  ev('old-error', '2026-02-11T13:00:00.000Z', { level: 'error', logger: 'app', message: 'login  FAILED: bad password', host: 'web-2' }),
  ev('pino', '2026-02-11T15:34:00.000Z', { level: 'info', message: 'request completed', duration_ms: 1500, status: 200, path: '/api/v1/users' }),
  ev('nginx-500', '2026-02-11T15:20:00.000Z', { level: 'error', message: 'GET /api/v2/orders', status: 500, request_time: 1.25, path: '/api/v2/orders' }),
  ev('nginx-502s', '2026-02-10T10:00:00.000Z', { message: 'upstream failed', status: '502', request_time: 0.5, path: '/health' }),
  ev('journald', '2026-02-09T08:00:00.000Z', { level: 'critical', message: 'kernel: Out of memory', unit: 'kernel', flag: true }),
  ev('debug', '2026-02-11T15:34:50.000Z', { level: 'debug', message: 'cache miss key=user:42', logger: null }),
];

function ids(q: string): string[] {
  const match = compileMatcher(parse(q), { now });
  return corpus.filter(match).map((e) => e['event.id']).sort();
}

const cases: Array<[string, string[]]> = [
  // seed queries (issue 3, item 9)
  ['level:ERROR AND @timestamp:[now-1h TO now]', ['nginx-500', 'py-error']],
  ['duration_ms:>1000', ['pino']],
  ['user_id:"user-uuid"', ['py-login']],
  ['logger:"django.security" AND message:"login failed"', ['py-login']],
  ['logger:"django.db.backends" AND level:ERROR', ['py-error']],
  ['status:>=500', ['nginx-500']],
  ['request_time:>1', ['nginx-500']],
  // message: tokens, case-insensitive; phrase = adjacent tokens
  ['timeout', ['py-error']],
  ['TIMEOUT', ['py-error']],
  ['"login failed"', ['old-error', 'py-login']],
  ['"failed login"', []],
  ['message:failed', ['nginx-502s', 'old-error', 'py-login']],
  ['message:"connection timeout"', ['py-error']],
  ['"connection after"', []],
  ['connection after', ['py-error']],
  ['user:42', []],
  ['"user:42"', ['debug']],
  ['time*', ['py-error']],
  ['mem?ry', ['journald']],
  ['message:/fail(ed|ure)/', ['nginx-502s', 'old-error', 'py-login']],
  ['message:/FAILED/', ['nginx-502s', 'old-error', 'py-login']],
  ['"..."', []],
  // level: aliases and case, ranges by severity
  ['level:warn', ['py-login']],
  ['level:WARNING', ['py-login']],
  ['level:(crit OR fatal)', ['journald']],
  ['level:>=error', ['journald', 'nginx-500', 'old-error', 'py-error']],
  ['level:[debug TO info]', ['debug', 'pino']],
  ['level:{info TO *]', ['journald', 'nginx-500', 'old-error', 'py-error', 'py-login']],
  ['level:err*', ['nginx-500', 'old-error', 'py-error']],
  ['level:50', []],
  ['NOT level:*', ['nginx-502s']],
  // keywords: exact, case-sensitive; numbers by value
  ['logger:django.security', ['py-login']],
  ['logger:DJANGO.SECURITY', []],
  ['logger:django', []],
  ['logger:django.*', ['py-error', 'py-login']],
  ['status:500', ['nginx-500']],
  ['status:500.0', ['nginx-500']],
  ['status:502', ['nginx-502s']],
  ['status:"502"', ['nginx-502s']],
  ['status:(500 OR 502)', ['nginx-500', 'nginx-502s']],
  ['status:[500 TO 599]', ['nginx-500']],
  ['status:{200 TO 500}', []],
  ['status:[200 TO 500}', ['pino']],
  ['request_time:<=0.5', ['nginx-502s']],
  ['request_time:[0.5 TO 1.25]', ['nginx-500', 'nginx-502s']],
  ['status:[a TO z]', []],
  ['host:[web-1 TO web-2}', ['py-error']],
  ['host:web-?', ['old-error', 'py-error']],
  ['path:/api/*', ['nginx-500', 'pino']],
  ['path:/\\/api\\/v[0-9]+\\/.*/', ['nginx-500', 'pino']],
  ['path:/api/', []],
  ['flag:true', ['journald']],
  ['flag:TRUE', []],
  ['status:5*', ['nginx-502s']],
  // existence and missing fields
  ['_exists_:user_id', ['py-login']],
  ['user_id:*', ['py-login']],
  ['logger:*', ['old-error', 'py-error', 'py-login']],
  ['NOT user_id:nobody', corpus.map((e) => e['event.id']).sort()],
  ['-status:500', ['debug', 'journald', 'nginx-502s', 'old-error', 'pino', 'py-error', 'py-login']],
  ['missing:[* TO *]', []],
  // dates
  ['@timestamp:2026-02-10', ['nginx-502s']],
  ['@timestamp:>=now/d', ['debug', 'nginx-500', 'old-error', 'pino', 'py-error', 'py-login']],
  ['@timestamp:<now/d', ['journald', 'nginx-502s']],
  ['@timestamp:[2026-02-09 TO 2026-02-10]', ['journald', 'nginx-502s']],
  ['@timestamp:{2026-02-09 TO 2026-02-10]', ['nginx-502s']],
  ['@timestamp:>2026-02-11T15:34:00Z', ['debug']],
  ['@timestamp:>=2026-02-11T15:34:00Z', ['debug', 'pino']],
  ['@timestamp:[now-5m TO now]', ['debug', 'pino', 'py-login']],
  ['@timestamp:>=2026-02-08||+1d/d AND @timestamp:<2026-02-10', ['journald']],
  // boolean structure
  ['*', corpus.map((e) => e['event.id']).sort()],
  ['', corpus.map((e) => e['event.id']).sort()],
  ['NOT *', []],
  ['failed OR timeout', ['nginx-502s', 'old-error', 'py-error', 'py-login']],
  ['failed -login', ['nginx-502s']],
  ['level:error (timeout OR password)', ['old-error', 'py-error']],
];
for (const [q, expected] of cases) {
  test(q, () => assert.deepEqual(ids(q), expected));
}

for (const q of ['level:>=loud', 'message:[a TO b]', '@timestamp:>banana', '@timestamp:2026*']) {
  test(`${q} — rejected with a typed error`, () => {
    assert.throws(() => compileMatcher(parse(q), { now }), (err: unknown) => err instanceof QueryError && err.code.startsWith('LS_QUERY_'));
  });
}

// Issue 15 item 1: tracebacks are found by plain text.
const TRACEBACK = 'Traceback (most recent call last):\n  File "/app/orders/views.py", line 42, in create\n    order = payload["order_id"]\nKeyError: \'missing_order_id\'';
const withTraces: LogEvent[] = [
  ev('py-exc', '2026-02-11T15:00:00.000Z', { level: 'error', message: 'Internal Server Error: /api/orders', exc_info: TRACEBACK }),
  ev('pino-err', '2026-02-11T15:00:01.000Z', { level: 'error', message: 'request errored', 'err.stack': 'TypeError: x is undefined\n    at handler (/srv/app.js:10:5)' }),
  ev('ecs', '2026-02-11T15:00:02.000Z', { level: 'error', message: 'failed', 'error.stack_trace': 'java.lang.IllegalStateException: boom\n\tat com.example.Main.run(Main.java:7)' }),
  ev('loguru', '2026-02-11T15:00:03.000Z', { level: 'error', message: 'oops', text: `2026-02-11 15:00:03 | ERROR | oops\n${TRACEBACK}\n` }),
  ev('not-a-string', '2026-02-11T15:00:04.000Z', { message: 'plain', exc_info: 42, 'err.stack': true }),
  ev('plain', '2026-02-11T15:00:05.000Z', { message: 'KeyError in the message itself', detail: 'KeyError elsewhere' }),
];

function traceIds(q: string, textFields?: readonly string[]): string[] {
  const match = compileMatcher(parse(q), { now, ...(textFields ? { textFields } : {}) });
  return withTraces.filter(match).map((e) => e['event.id']).sort();
}

test('free text and phrases search message and every text field', () => {
  assert.deepEqual(traceIds('KeyError'), ['loguru', 'plain', 'py-exc']);
  assert.deepEqual(traceIds('"missing_order_id"'), ['loguru', 'py-exc']);
  assert.deepEqual(traceIds('"most recent call last"'), ['loguru', 'py-exc']);
  assert.deepEqual(traceIds('"x is undefined"'), ['pino-err']);
  assert.deepEqual(traceIds('illegalstateexception'), ['ecs']);
  assert.deepEqual(traceIds('Main*'), ['ecs']);
  assert.deepEqual(traceIds('/keyerr.*/'), ['loguru', 'plain', 'py-exc']);
  // A non-string value of a text field is not text.
  assert.deepEqual(traceIds('exc_info:42'), ['py-exc']);
  assert.deepEqual(traceIds('err.stack:true'), []);
});

test('a term on a text field matches its tokens; message: stays message only', () => {
  assert.deepEqual(traceIds('exc_info:KeyError'), ['py-exc']);
  assert.deepEqual(traceIds('exc_info:"order_id"'), ['py-exc']);
  assert.deepEqual(traceIds('message:KeyError'), ['plain']);
  // `detail` is not a text field: a keyword, exact.
  assert.deepEqual(traceIds('detail:KeyError'), []);
  assert.throws(() => traceIds('exc_info:[a TO b]'), (err: unknown) => (err as QueryError).code === 'LS_QUERY_INVALID_VALUE');
});

test('every token of a free-text term in one text field', () => {
  // `keyerror` is in exc_info and `internal` in message: one term with both needs one field holding both.
  assert.deepEqual(traceIds('keyerror-internal'), []);
  assert.deepEqual(traceIds('keyerror AND internal'), ['py-exc']);
});

test('the text-field list is configurable', () => {
  assert.deepEqual(traceIds('KeyError', ['message', 'detail']), ['plain']);
  assert.deepEqual(traceIds('detail:keyerror', ['message', 'detail']), ['plain']);
  assert.deepEqual(traceIds('exc_info:KeyError', ['message', 'detail']), []);
});

test('_exists_:http matches the events with a field under http (nested JSON is flattened to http.status), as Kibana does', () => {
  const events: LogEvent[] = [
    ev('nested', '2026-02-11T15:00:00.000Z', { 'http.status': 500, 'http.method': 'GET' }),
    ev('own', '2026-02-11T15:00:00.000Z', { http: 'h2' }),
    ev('null-only', '2026-02-11T15:00:00.000Z', { 'http.status': null }),
    ev('sibling', '2026-02-11T15:00:00.000Z', { http_host: 'a', 'httpx.y': 1 }),
  ];
  const match = (q: string) => events.filter(compileMatcher(parse(q), { now })).map((e) => e['event.id']);
  // Before: only an event with `http` itself; `http.status` was another field.
  assert.deepEqual(match('_exists_:http'), ['nested', 'own']);
  assert.deepEqual(match('http:*'), ['nested', 'own']);
  assert.deepEqual(match('NOT _exists_:http'), ['null-only', 'sibling']);
  assert.deepEqual(match('_exists_:http.status'), ['nested']);
  assert.deepEqual(match('_exists_:event'), ['nested', 'own', 'null-only', 'sibling'], 'every event has event.id');
  // A range with open sides tests the field itself.
  assert.deepEqual(match('http:[* TO *]'), ['own']);
});

test('an array (stored as its JSON text) matches a keyword clause by its elements, as a multi-valued field', () => {
  const events: LogEvent[] = [
    ev('arr', '2026-02-11T15:00:00.000Z', { tags: '["a","b"]', codes: '[404,500]', flags: '[true]', nested: '[["x",[2]],{"id":1},null]' }),
    ev('str', '2026-02-11T15:00:00.000Z', { tags: 'a', codes: 500 }),
    ev('bad', '2026-02-11T15:00:00.000Z', { tags: '["a"', codes: '[' }),
  ];
  const found = (q: string): string[] => events.filter(compileMatcher(parse(q), { now })).map((e) => e['event.id']);
  assert.deepEqual(found('tags:a'), ['arr', 'str']);
  assert.deepEqual(found('tags:b'), ['arr']);
  assert.deepEqual(found('tags:"[\\"a\\",\\"b\\"]"'), ['arr']);
  assert.deepEqual(found('tags:a*'), ['arr', 'str']);
  assert.deepEqual(found('tags:/b/'), ['arr']);
  assert.deepEqual(found('tags:[b TO c]'), ['arr']);
  assert.deepEqual(found('codes:500'), ['arr', 'str']);
  assert.deepEqual(found('codes:[400 TO 499]'), ['arr']);
  assert.deepEqual(found('flags:true'), ['arr']);
  assert.deepEqual(found('nested:x OR nested:2'), ['arr']);
  assert.deepEqual(found('nested:1'), []);
  assert.deepEqual(found('NOT tags:b'), ['str', 'bad']);
  assert.deepEqual(found('tags:"[\\"a\\""'), ['bad']);
});

test('a field-name pattern matches when the clause matches on some field whose name matches', () => {
  const events: LogEvent[] = [
    ev('a', '2026-02-11T15:00:00.000Z', { 'http.status': 500, 'http.method': 'GET', message: 'upstream timeout' }),
    ev('b', '2026-02-11T15:00:00.000Z', { 'http.status': '502', 'res.http.status': 500, level: 'error' }),
    ev('c', '2026-02-11T15:00:00.000Z', { 'http.code': 503, 'http.x': null }),
  ];
  const found = (q: string): string[] => events.filter(compileMatcher(parse(q), { now })).map((e) => e['event.id']);
  assert.deepEqual(found('http.*:500'), ['a']);
  assert.deepEqual(found('*.status:500'), ['a', 'b']);
  assert.deepEqual(found('http.*:>=500'), ['a', 'c']);
  assert.deepEqual(found('http.*:5*'), ['b']);
  assert.deepEqual(found('http.????:*'), ['c']);
  assert.deepEqual(found('_exists_:http.x'), []);
  assert.deepEqual(found('_exists_:http.?'), []);
  assert.deepEqual(found('NOT http.*:500'), ['b', 'c']);
  // Each field with its own meaning: tokens of message, level names; clauses not valid on a field skip it.
  assert.deepEqual(found('*:timeout'), ['a']);
  assert.deepEqual(found('*:err'), ['b']);
  // @timestamp takes numbers as epoch ms: `*:>=503` would hold on it for every event.
  assert.deepEqual(found('*:[503 TO 600]'), ['c']);
  assert.deepEqual(found('*:[now-1d TO now]'), ['a', 'b', 'c']);
});
