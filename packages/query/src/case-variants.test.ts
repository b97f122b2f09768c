import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anyCaseQuery, caseHint, keywordEqualities } from './case-variants.js';
import type { LogEvent } from './event.js';
import { compileMatcher } from './matcher.js';
import { parse } from './parse.js';

const now = Date.parse('2026-02-11T15:34:56.789Z');
const matches = (q: string, path: string): boolean =>
  compileMatcher(parse(q), { now })({ '@timestamp': '2026-02-11T15:00:00.000Z', 'event.id': 'e', path } as LogEvent);

test('keywordEqualities: keyword field:value leaves with letters, not under NOT, not text, level, ranges or wildcards', () => {
  const ast = parse('method:get AND -host:WEB AND message:GET AND level:ERROR AND status:500 AND n:[a TO b] AND path:/API* AND (user:"Ann Lee" OR method:get)');
  assert.deepEqual(keywordEqualities(ast), [{ field: 'method', value: 'get' }, { field: 'user', value: 'Ann Lee' }]);
});

test('anyCaseQuery matches the value in any case and nothing else, its punctuation literal', () => {
  for (const value of ['/api/v1.Users', 'a*b?c', 'x (y) "z"', 'Ça\\b']) {
    const q = anyCaseQuery({ field: 'path', value });
    assert.ok(matches(q, value.toUpperCase()), `${q} upper-cased`);
    assert.ok(matches(q, value.toLowerCase()), `${q} lower-cased`);
    assert.ok(matches(q, value), `${q} as written`);
    assert.equal(matches(q, `${value}x`), false, `${q} longer`);
  }
  assert.equal(matches(anyCaseQuery({ field: 'path', value: 'a.b' }), 'axb'), false, 'a dot is literal');
});

test('caseHint names the values that differ only in case, and nothing when the value itself is there', () => {
  assert.equal(caseHint({ field: 'method', value: 'get' }, ['GET']), 'no event has method "get"; "GET" differs only in case (values are case-sensitive): method:GET');
  assert.equal(
    caseHint({ field: 'method', value: 'get' }, ['GET', 'Get']),
    'no event has method "get"; "GET" and "Get" differ only in case (values are case-sensitive): method:GET OR method:Get',
  );
  assert.equal(caseHint({ field: 'user', value: 'ann lee' }, ['Ann Lee']), 'no event has user "ann lee"; "Ann Lee" differs only in case (values are case-sensitive): user:"Ann Lee"');
  assert.equal(caseHint({ field: 'method', value: 'get' }, ['get', 'GET']), null);
  assert.equal(caseHint({ field: 'method', value: 'get' }, []), null);
});
