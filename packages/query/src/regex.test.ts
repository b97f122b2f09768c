import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError } from './errors.js';
import { compileRegex } from './regex.js';
import { createRng } from './testing/rng.js';

const cases: Array<[string, string, boolean]> = [
  ['abc', 'abc', true],
  ['abc', 'abcd', false],
  ['abc', 'xabc', false],
  ['a.c', 'a🙂c', true],
  ['fail(ed|ure)', 'failure', true],
  ['fail(ed|ure)', 'fail', false],
  ['[0-9]+', '2026', true],
  ['[^0-9]+', 'ab1', false],
  ['v[0-9]+\\/.*', 'v12/x/y', true],
  ['a{2,3}', 'a', false],
  ['a{2,3}', 'aa', true],
  ['a{2,3}', 'aaa', true],
  ['a{2,3}', 'aaaa', false],
  ['a{2}', 'aa', true],
  ['a{2,}', 'aaaaaa', true],
  ['a{0,2}b', 'b', true],
  ['\\d{3}', '500', true],
  ['\\w+', 'user_id', true],
  ['\\s', ' ', true],
  ['\\D', '5', false],
  ['\\.', '.', true],
  ['\\.', 'x', false],
  ['\\^\\$', '^$', true],
  ['', '', true],
  ['', 'a', false],
  ['(a|)b', 'b', true],
  ['(a*)*', 'aaaa', true],
  ['[]a]', ']', true],
  ['[a\\-z]', '-', true],
  ['[a\\-z]', 'b', false],
];
for (const [pattern, value, expected] of cases) {
  test(`/${pattern}/ ${expected ? 'matches' : 'does not match'} ${JSON.stringify(value)}`, () => {
    assert.equal(compileRegex(pattern)(value), expected);
  });
}

test('/FAILED/ case-insensitive matches "failed"', () => {
  assert.equal(compileRegex('FAILED', true)('failed'), true);
  assert.equal(compileRegex('FAILED')('failed'), false);
  assert.equal(compileRegex('[A-Z]+', true)('abc'), true);
});

test('/(a+)+b/ on 10000 a-s answers (no exponential backtracking)', { timeout: 30_000 }, () => {
  assert.equal(compileRegex('(a+)+b')('a'.repeat(10_000)), false);
  assert.equal(compileRegex('(a|aa)*c')('a'.repeat(10_000)), false);
  assert.equal(compileRegex('(.*a){20}')('a'.repeat(2_000)), true);
});

for (const bad of ['^a', 'a$', 'a#', 'a@b', 'a&b', '<1-5>', '~a', '"x"', '(a)\\1', '(?:a)', '(?=a)', 'a(', 'a)', '[a', '*a', 'a{2', 'a{3,1}', 'a{1000}', '[z-a]', 'a\\']) {
  test(`/${bad}/ is rejected with LS_QUERY_REGEX_INVALID`, () => {
    assert.throws(() => compileRegex(bad), (err: unknown) => err instanceof QueryError && err.code === 'LS_QUERY_REGEX_INVALID');
  });
}

test('/((a{100}){100}){100}/ is rejected with LS_QUERY_REGEX_TOO_LARGE', () => {
  assert.throws(() => compileRegex('((a{100}){100}){100}'), (err: unknown) => err instanceof QueryError && err.code === 'LS_QUERY_REGEX_TOO_LARGE');
});

// Differential check against JavaScript's RegExp on the syntax both share.
test('2000 random patterns agree with JavaScript RegExp', () => {
  const rng = createRng(42);
  const atoms = ['a', 'b', 'c', '.', '[ab]', '[^a]', '\\d', '1'];
  const gen = (depth: number): string => {
    const n = rng.int(1, 3);
    let s = '';
    for (let i = 0; i < n; i++) {
      let atom = depth < 2 && rng.chance(0.3) ? `(${gen(depth + 1)}${rng.chance(0.5) ? `|${gen(depth + 1)}` : ''})` : rng.pick(atoms);
      if (rng.chance(0.4)) atom += rng.pick(['*', '+', '?', '{2}', '{1,2}', '{0,}']);
      s += atom;
    }
    return s;
  };
  for (let i = 0; i < 2000; i++) {
    const pattern = gen(0);
    const ours = compileRegex(pattern);
    const js = new RegExp(`^(?:${pattern})$`, 'su');
    for (let k = 0; k < 10; k++) {
      const value = Array.from({ length: rng.int(0, 6) }, () => rng.pick(['a', 'b', 'c', '1', 'x'])).join('');
      assert.equal(ours(value), js.test(value), `/${pattern}/ on ${JSON.stringify(value)}`);
    }
  }
});
