import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuerySyntaxError } from './errors.js';
import { parse } from './parse.js';

function code(q: string, limits?: Parameters<typeof parse>[1]): string {
  try {
    parse(q, limits);
  } catch (err) {
    assert.ok(err instanceof QuerySyntaxError);
    return err.code;
  }
  return 'ok';
}

test('a query longer than maxLength is LS_QUERY_TOO_LONG', () => {
  assert.equal(code('a'.repeat(101), { limits: { maxLength: 100 } }), 'LS_QUERY_TOO_LONG');
  assert.equal(code('a'.repeat(100), { limits: { maxLength: 100 } }), 'ok');
});

test('((((a)))) deeper than maxDepth is LS_QUERY_TOO_DEEP; parentheses alone do not count', () => {
  assert.equal(code('((((a))))', { limits: { maxDepth: 1 } }), 'ok');
  assert.equal(code('NOT NOT a', { limits: { maxDepth: 2 } }), 'ok');
  assert.equal(code('NOT NOT NOT a', { limits: { maxDepth: 2 } }), 'LS_QUERY_TOO_DEEP');
  assert.equal(code('a (b OR (c d))', { limits: { maxDepth: 2 } }), 'LS_QUERY_TOO_DEEP');
});

test('status:(1 OR 2 OR 3) counts expanded clauses against maxClauses', () => {
  assert.equal(code('status:(1 OR 2 OR 3)', { limits: { maxClauses: 3 } }), 'ok');
  assert.equal(code('status:(1 OR 2 OR 3 OR 4)', { limits: { maxClauses: 3 } }), 'LS_QUERY_TOO_MANY_CLAUSES');
});

test('x:/aaaa/ longer than maxRegexLength is LS_QUERY_REGEX_TOO_LARGE', () => {
  assert.equal(code('x:/aaaa/', { limits: { maxRegexLength: 3 } }), 'LS_QUERY_REGEX_TOO_LARGE');
  assert.equal(code('x:/aaa/', { limits: { maxRegexLength: 3 } }), 'ok');
});

test('default limits accept 1000 OR clauses and reject 1025', () => {
  const q = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`).join(' OR ');
  assert.equal(code(q(1000)), 'ok');
  assert.equal(code(q(1025)), 'LS_QUERY_TOO_MANY_CLAUSES');
});
