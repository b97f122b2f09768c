import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileWildcard, wildcardLiteral } from './wildcard.js';

const cases: Array<[string, string, boolean]> = [
  ['web-?', 'web-1', true],
  ['web-?', 'web-12', false],
  ['/api/*', '/api/v1/users', true],
  ['/api/*', '/api', false],
  ['*', '', true],
  ['a*b*c', 'aXXbYYc', true],
  ['a*b*c', 'aXXcYYb', false],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'aXb', false],
  ['a\\?', 'a?', true],
  ['a\\\\*', 'a\\xyz', true],
  ['?', '🙂', true],
  ['*ing', 'warning', true],
];
for (const [pattern, value, expected] of cases) {
  test(`wildcard ${pattern} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(value)}`, () => {
    assert.equal(compileWildcard(pattern)(value), expected);
  });
}

test('wildcard *a*a*a*a*b on 5000 a-s answers (no exponential backtracking)', { timeout: 30_000 }, () => {
  assert.equal(compileWildcard('*a*a*a*a*a*a*b')('a'.repeat(5000)), false);
});

test('wildcardLiteral', () => {
  assert.equal(wildcardLiteral('a\\*b'), 'a*b');
  assert.equal(wildcardLiteral('a*b'), null);
});
