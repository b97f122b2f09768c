import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileWildcard, wildcardLiteral, wildcardRuns } from './wildcard.js';
import { createRng } from './testing/rng.js';

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

test('wildcardRuns: the text between the wildcards, escapes removed', () => {
  assert.deepEqual(wildcardRuns('*time?out*'), ['time', 'out']);
  assert.deepEqual(wildcardRuns('a\\*b*'), ['a*b']);
  assert.deepEqual(wildcardRuns('*'), []);
  assert.deepEqual(wildcardRuns('web-??'), ['web-']);
});

/** The same patterns as a regex over code points (`u`), `.` matching newlines too (`s`): an independent answer. */
function oracle(pattern: string): (value: string) => boolean {
  let src = '';
  const cps = Array.from(pattern);
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === '\\' && i + 1 < cps.length) src += escapeRe(cps[++i]!);
    else if (c === '*') src += '.*';
    else if (c === '?') src += '.';
    else src += escapeRe(c);
  }
  const re = new RegExp(`^(?:${src})$`, 'su');
  return (v) => re.test(v);
}
const escapeRe = (c: string): string => (/[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c.length === 1 && c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdfff ? `\\u${c.charCodeAt(0).toString(16)}` : c);

test('compileWildcard agrees with a code-point regex on generated patterns and values (astral and lone surrogates, newlines)', () => {
  const alphabet = ['a', 'b', '\n', '\u{1F642}', '\uD83D', '\uDE42', '.'];
  const rng = createRng(7);
  const word = (extra: string[], max: number): string => {
    const all = [...alphabet, ...extra];
    let s = '';
    for (let i = rng.int(0, max); i > 0; i--) s += rng.pick(all);
    return s;
  };
  for (let i = 0; i < 3000; i++) {
    const pattern = word(['*', '*', '?', '\\*'], 5);
    const match = compileWildcard(pattern);
    const want = oracle(pattern);
    for (let j = 0; j < 10; j++) {
      const value = word([], 6);
      assert.equal(match(value), want(value), `${JSON.stringify(pattern)} on ${JSON.stringify(value)}`);
    }
  }
});
