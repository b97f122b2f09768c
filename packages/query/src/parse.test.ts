import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueryNode } from './ast.js';
import { QuerySyntaxError } from './errors.js';
import { parse } from './parse.js';

/** The AST without locations, for structural comparison. */
function shape(q: string): unknown {
  return JSON.parse(JSON.stringify(parse(q), (k, v: unknown) => (k === 'loc' ? undefined : v)));
}

const term = (field: string | null, value: string, phrase = false) => ({ type: 'term', field, value, phrase });
const and = (...children: unknown[]) => ({ type: 'and', children });
const or = (...children: unknown[]) => ({ type: 'or', children });
const not = (child: unknown) => ({ type: 'not', child });
const range = (field: string, lower: [string, boolean] | null, upper: [string, boolean] | null) => ({
  type: 'range',
  field,
  lower: lower && { value: lower[0], inclusive: lower[1] },
  upper: upper && { value: upper[0], inclusive: upper[1] },
});

function syntaxError(q: string): QuerySyntaxError {
  try {
    parse(q);
  } catch (err) {
    assert.ok(err instanceof QuerySyntaxError, `expected QuerySyntaxError, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${JSON.stringify(q)} to be rejected`);
}

// The seed queries of the product (issue 3, item 9), verbatim.
const seeds: Array<[string, unknown]> = [
  ['level:ERROR AND @timestamp:[now-1h TO now]', and(term('level', 'ERROR'), range('@timestamp', ['now-1h', true], ['now', true]))],
  ['duration_ms:>1000', range('duration_ms', ['1000', false], null)],
  ['user_id:"user-uuid"', term('user_id', 'user-uuid', true)],
  ['logger:"django.security" AND message:"login failed"', and(term('logger', 'django.security', true), term('message', 'login failed', true))],
  ['logger:"django.db.backends" AND level:ERROR', and(term('logger', 'django.db.backends', true), term('level', 'ERROR'))],
  ['status:>=500', range('status', ['500', true], null)],
  ['request_time:>1', range('request_time', ['1', false], null)],
];
for (const [q, expected] of seeds) {
  test(q, () => assert.deepEqual(shape(q), expected));
}

const forms: Array<[string, unknown]> = [
  ['timeout', term(null, 'timeout')],
  ['"login failed"', term(null, 'login failed', true)],
  ['a b OR c', or(and(term(null, 'a'), term(null, 'b')), term(null, 'c'))],
  ['a OR b c', or(term(null, 'a'), and(term(null, 'b'), term(null, 'c')))],
  ['a OR b AND c', or(term(null, 'a'), and(term(null, 'b'), term(null, 'c')))],
  ['NOT a b', and(not(term(null, 'a')), term(null, 'b'))],
  ['-a +b !c', and(not(term(null, 'a')), term(null, 'b'), not(term(null, 'c')))],
  ['a && b || c', or(and(term(null, 'a'), term(null, 'b')), term(null, 'c'))],
  ['(a OR b) c', and(or(term(null, 'a'), term(null, 'b')), term(null, 'c'))],
  ['NOT(a)', not(term(null, 'a'))],
  ['status:(500 OR 502)', or(term('status', '500'), term('status', '502'))],
  ['status:(500 OR NOT (502 503))', or(term('status', '500'), not(and(term('status', '502'), term('status', '503'))))],
  ['a:(b OR c:d)', or(term('a', 'b'), term('c', 'd'))],
  ['x:(>=5 AND <10)', and(range('x', ['5', true], null), range('x', null, ['10', false]))],
  ['status:[500 TO 599]', range('status', ['500', true], ['599', true])],
  ['bytes:{0 TO *]', range('bytes', ['0', false], null)],
  ['bytes:[* TO 10}', range('bytes', null, ['10', false])],
  ['request_time:<=0.5', range('request_time', null, ['0.5', true])],
  ['status:<500', range('status', null, ['500', false])],
  ['@timestamp:>=now-1d/d', range('@timestamp', ['now-1d/d', true], null)],
  ['@timestamp:>=2026-02-08||+1d', range('@timestamp', ['2026-02-08||+1d', true], null)],
  ['@timestamp:[2026-02-08T12:00:00Z TO now]', range('@timestamp', ['2026-02-08T12:00:00Z', true], ['now', true])],
  ['path:/api/*', { type: 'wildcard', field: 'path', pattern: '/api/*' }],
  ['host:web-?', { type: 'wildcard', field: 'host', pattern: 'web-?' }],
  ['path:/\\/api\\/v[0-9]+\\/.*/', { type: 'regex', field: 'path', pattern: '/api/v[0-9]+/.*' }],
  ['/time.*out/', { type: 'regex', field: null, pattern: 'time.*out' }],
  ['_exists_:user_id', { type: 'exists', field: 'user_id' }],
  ['user_id:*', { type: 'exists', field: 'user_id' }],
  ['*', { type: 'match_all' }],
  ['*:*', { type: 'match_all' }],
  ['', { type: 'match_all' }],
  ['   ', { type: 'match_all' }],
  ['http.status:500', term('http.status', '500')],
  ['temp:-5', term('temp', '-5')],
  ['a\\:b:c\\*d', term('a:b', 'c*d')],
  ['file:a\\*b*', { type: 'wildcard', field: 'file', pattern: 'a\\*b*' }],
  ['"say \\"hi\\""', term(null, 'say "hi"', true)],
  ['ORANGE AND ANDY', and(term(null, 'ORANGE'), term(null, 'ANDY'))],
  ['or and not', and(term(null, 'or'), term(null, 'and'), term(null, 'not'))],
  ['key=value a&b', and(term(null, 'key=value'), term(null, 'a&b'))],
  ['\\+ \\- \\= \\&\\& \\|\\| \\> \\< \\! \\( \\) \\{ \\} \\[ \\] \\^ \\" \\~ \\* \\? \\: \\\\ \\/', and(
    ...['+', '-', '=', '&&', '||', '>', '<', '!', '(', ')', '{', '}', '[', ']', '^', '"', '~', '*', '?', ':', '\\', '/'].map((v) => term(null, v)),
  )],
];
for (const [q, expected] of forms) {
  test(q, () => assert.deepEqual(shape(q), expected));
}

test('level:ERROR AND @timestamp:[now-1h TO now] — every node carries its source span', () => {
  const q = 'level:ERROR AND @timestamp:[now-1h TO now]';
  const ast = parse(q);
  assert.equal(ast.type, 'and');
  assert.deepEqual(ast.loc, { start: 0, end: q.length });
  const [a, b] = (ast as Extract<QueryNode, { type: 'and' }>).children;
  assert.equal(q.slice(a!.loc.start, a!.loc.end), 'level:ERROR');
  assert.equal(q.slice(b!.loc.start, b!.loc.end), '@timestamp:[now-1h TO now]');
});

test('level: — syntax error names position, expectations and a caret', () => {
  const err = syntaxError('level:');
  assert.equal(err.code, 'LS_QUERY_SYNTAX');
  assert.equal(err.offset, 6);
  assert.equal(err.line, 1);
  assert.equal(err.column, 7);
  assert.ok(err.expected.includes('term'));
  assert.ok(err.expected.includes('phrase'));
  assert.equal(err.caret, 'level:\n      ^');
  assert.match(err.message, /line 1, column 7/);
});

const rejected: Array<[string, string, number]> = [
  ['a AND', 'LS_QUERY_SYNTAX', 5],
  ['AND', 'LS_QUERY_SYNTAX', 0],
  ['(a', 'LS_QUERY_SYNTAX', 2],
  ['foo)', 'LS_QUERY_SYNTAX', 3],
  ['"unterminated', 'LS_QUERY_SYNTAX', 13],
  ['x:[1 TO 2', 'LS_QUERY_SYNTAX', 9],
  ['x:[1 2]', 'LS_QUERY_SYNTAX', 5],
  ['[1 TO 2]', 'LS_QUERY_SYNTAX', 0],
  ['>5', 'LS_QUERY_SYNTAX', 0],
  ['foo~', 'LS_QUERY_UNSUPPORTED', 3],
  ['foo~2', 'LS_QUERY_UNSUPPORTED', 3],
  ['"a b"~3', 'LS_QUERY_UNSUPPORTED', 5],
  ['level:error^2', 'LS_QUERY_UNSUPPORTED', 11],
  ['(a b)^2 c', 'LS_QUERY_UNSUPPORTED', 5],
  ['status:(500 OR 502~1)', 'LS_QUERY_UNSUPPORTED', 18],
  ['x:/a(/', 'LS_QUERY_REGEX_INVALID', 5],
  ['x:/^a$/', 'LS_QUERY_REGEX_INVALID', 3],
  ['x:/(a)\\1/', 'LS_QUERY_REGEX_INVALID', 6],
  ['x:/(?=a)/', 'LS_QUERY_REGEX_INVALID', 3],
  // A comparison compares numbers (dates on @timestamp, levels on level); the position is the value's.
  ['duration_ms:>abc', 'LS_QUERY_INVALID_VALUE', 13],
  ['level:error AND duration_ms:>= abc', 'LS_QUERY_INVALID_VALUE', 31],
  ['host:<"web 1"', 'LS_QUERY_INVALID_VALUE', 6],
];
test('comparisons that mean something still parse: numbers, dates, levels, string ranges in brackets', () => {
  for (const q of ['duration_ms:>1000', 'x:>-1.5e3', 'status:>"500"', '@timestamp:>now-1h', '@timestamp:<=2026-02-08', 'level:>=warning', 'host:{web-1 TO *]']) {
    assert.doesNotThrow(() => parse(q), q);
  }
});
for (const [q, code, offset] of rejected) {
  test(q, () => {
    const err = syntaxError(q);
    assert.equal(err.code, code);
    assert.equal(err.offset, offset);
  });
}

for (const [q, write] of [
  ['status >= 500', 'status:>=500'],
  ['duration_ms > 100 AND x', 'duration_ms:>100'],
  ['bytes [1 TO 2]', 'bytes:[1 TO 2]'],
  ['a AND >5', 'status:>=500'],
] as const) {
  test(`${q} — KQL's spaced comparison says the clause meant (${write})`, () => {
    const err = syntaxError(q);
    assert.equal(err.code, 'LS_QUERY_SYNTAX');
    assert.ok(err.reason.endsWith(`needs a field, written with a colon and no spaces, e.g. ${write}`), err.message);
  });
}

for (const [q, write] of [
  ['time:>now-15m', '@timestamp:>now-15m'],
  ['http.*:<2026-02-08', '@timestamp:<2026-02-08'],
] as const) {
  test(`${q} — a date compared on another field than @timestamp says to write ${write}`, () => {
    const err = syntaxError(q);
    assert.equal(err.code, 'LS_QUERY_INVALID_VALUE');
    assert.ok(err.message.includes(`only @timestamp compares dates: for the events' time write ${write}`), err.message);
  });
}
test('created_at:>=2026-02-08 — an ISO date on another field also says the string range in brackets', () => {
  assert.match(syntaxError('created_at:>=2026-02-08').reason, /write @timestamp:>=2026-02-08; for ISO text in created_at, a range in brackets: created_at:\[2026-02-08 TO \*\]$/);
  assert.match(syntaxError('created_at:<2026-02-08').reason, /created_at:\[\* TO 2026-02-08\}$/);
  assert.doesNotMatch(syntaxError('http.*:>=now-1h').reason, /brackets/);
});

test('a\\nAND\\n) — line and column on a multi-line query', () => {
  const err = syntaxError('a\nAND\n)');
  assert.equal(err.line, 3);
  assert.equal(err.column, 1);
  assert.equal(err.caret, ')\n^');
});

test('foo\\ — a dangling backslash is named as such', () => {
  const err = syntaxError('foo\\');
  assert.equal(err.offset, 3);
  assert.match(err.message, /backslash must be followed/);
});

test('a - b — a detached minus reports the whitespace after it', () => {
  const err = syntaxError('a - b');
  assert.equal(err.offset, 3);
  assert.match(err.message, /but whitespace found/);
});

test('a AND OR b — the found word is quoted whole', () => {
  assert.match(syntaxError('a AND OR b').message, /but "OR" found/);
});

test('http.*:500 — a field-name wildcard is a field_pattern node (Kibana, Lucene)', () => {
  const pattern = (p: string, clause: unknown) => ({ type: 'field_pattern', pattern: p, clause });
  assert.deepEqual(shape('http.*:500'), pattern('http.*', term('http.*', '500')));
  assert.deepEqual(shape('*:500'), pattern('*', term('*', '500')));
  assert.deepEqual(shape('*.status:>=500'), pattern('*.status', range('*.status', ['500', true], null)));
  assert.deepEqual(shape('NOT f?o:bar'), not(pattern('f?o', term('f?o', 'bar'))));
  assert.deepEqual(
    shape('level:error AND http.*:(500 OR 502)'),
    and(term('level', 'error'), or(pattern('http.*', term('http.*', '500')), pattern('http.*', term('http.*', '502')))),
  );
  // A field inside the group wins, as for any group.
  assert.deepEqual(shape('h*:(a OR b:c)'), or(pattern('h*', term('h*', 'a')), term('b', 'c')));
  assert.deepEqual(shape('_exists_:http.*'), pattern('http.*', { type: 'exists', field: 'http.*' }));
  assert.deepEqual(shape('http.*:*'), pattern('http.*', { type: 'exists', field: 'http.*' }));
  assert.deepEqual(shape('http.*:web-*'), pattern('http.*', { type: 'wildcard', field: 'http.*', pattern: 'web-*' }));
  // An escaped wildcard is the field's own character; a mixed name keeps the escape in the pattern.
  assert.deepEqual(shape('http\\*:5'), term('http*', '5'));
  assert.deepEqual(shape('a\\*b*:5'), pattern('a\\*b*', term('a\\*b*', '5')));
  assert.deepEqual(shape('*:*'), { type: 'match_all' });
  assert.deepEqual(shape('_exists_:*'), { type: 'match_all' });
  // Fuzzy and boost are still refused after a pattern field.
  assert.equal(syntaxError('http.*:500~').code, 'LS_QUERY_UNSUPPORTED');
  assert.equal(syntaxError('http.*:(a b)^2').code, 'LS_QUERY_UNSUPPORTED');
});

test('"kubernetes.labels.app-name":web — a quoted field name is literal (LogsQL)', () => {
  assert.deepEqual(shape('"kubernetes.labels.app-name":web'), term('kubernetes.labels.app-name', 'web'));
  assert.deepEqual(shape('"with space":"a b"'), term('with space', 'a b', true));
  assert.deepEqual(shape('"http.*":500'), term('http.*', '500'));
  assert.deepEqual(shape('"say \\"hi\\"":x AND "a":(b OR c)'), and(term('say "hi"', 'x'), or(term('a', 'b'), term('a', 'c'))));
  assert.deepEqual(shape('"x":>5'), range('x', ['5', false], null));
  // A phrase followed by a space and a colon is still not a field.
  assert.equal(syntaxError('"a" :b').code, 'LS_QUERY_SYNTAX');
  // A phrase of free text is unchanged.
  assert.deepEqual(shape('"a:b"'), term(null, 'a:b', true));
});

test('status:[500 TO, status:[500, ts:{now-1h TO — an unclosed range says what it lacks, where it opened, and the range whole', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['status:[500 TO', 14, /^the range opened at column 8 lacks an upper bound and a closing "\]" but end of query found; write it whole: status:\[500 TO \*\]$/],
    ['status:[500', 11, /^the range opened at column 8 lacks "TO", an upper bound and a closing "\]" but end of query found; write it whole: status:\[500 TO \*\]$/],
    ['ts:{now-1h TO', 13, /^the range opened at column 4 lacks an upper bound and a closing "\}" .*: ts:\{now-1h TO \*\}$/],
    ['status:[500 TO 600', 18, /lacks a closing "\]" but end of query found; write it whole: status:\[500 TO 600\]$/],
    ['status:[500 TO 600 AND level:error', 19, /lacks a closing "\]" but "AND" found/],
    ['status:[500 600]', 12, /lacks "TO" between its bounds but "600\]" found; write it whole: status:\[500 TO 600\]$/],
    ['status:[500..599]', 16, /lacks "TO" between its bounds .*: status:\[500 TO 599\]$/],
    ['status:[500, 599]', 13, /lacks "TO" between its bounds .*: status:\[500 TO 599\]$/],
    ['status:[ TO 599]', 12, /lacks a lower bound before "TO" \(\* for none\) .*: status:\[\* TO 599\]$/],
    ['status:[500 TO 599)', 19, /lacks a closing "\]" \("\)" does not close a range\) .*: status:\[500 TO 599\]$/],
    ['status:[', 8, /lacks its bounds \(LOWER TO UPPER, \* for an open end\)/],
  ];
  for (const [q, offset, reason] of cases) {
    const err = syntaxError(q);
    assert.equal(err.code, 'LS_QUERY_SYNTAX', q);
    assert.equal(err.offset, offset, q);
    assert.match(err.reason, reason, q);
  }
  // Brackets of a phrase or a regex's class open no range, nor does a brace without a field (Loki's selector).
  assert.doesNotMatch(syntaxError('{job="nginx"} |= "error"').reason, /range/);
  assert.doesNotMatch(syntaxError('_exists_:[').reason, /range opened/);
  assert.doesNotMatch(syntaxError('message:"[x" AND (').reason, /range/);
  assert.doesNotMatch(syntaxError('message:/[0-9]+/ AND (').reason, /range/);
});

test('*:[now-1h TO now], *:>=2026-02-08 — a time range over every field is the @timestamp range', () => {
  assert.deepEqual(shape('*:[now-1h TO now]'), range('@timestamp', ['now-1h', true], ['now', true]));
  assert.deepEqual(shape('*:{2026-02-08 TO now-1d/d]'), range('@timestamp', ['2026-02-08', false], ['now-1d/d', true]));
  assert.deepEqual(shape('*:>=2026-02-08'), range('@timestamp', ['2026-02-08', true], null));
  assert.deepEqual(shape('level:error AND *:(<now-5m)'), and(term('level', 'error'), range('@timestamp', null, ['now-5m', false])));
  // Numbers and text stay a range over every field; a narrower pattern is the user's own.
  assert.equal(parse('*:[500 TO 599]').type, 'field_pattern');
  assert.equal(parse('*:[a TO b]').type, 'field_pattern');
  assert.equal(parse('*:[now TO z]').type, 'field_pattern');
  assert.equal(parse('*_at:[now-1h TO now]').type, 'field_pattern');
});
