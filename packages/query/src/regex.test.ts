import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError } from './errors.js';
import { compileRegex, regexRuns } from './regex.js';
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

test('regexRuns: the literal text at the top level', () => {
  assert.deepEqual(regexRuns('.*time(out|d).*'), ['time']);
  assert.deepEqual(regexRuns('fail(ed|ure)'), ['fail']);
  assert.deepEqual(regexRuns('ab|cd'), []);
  assert.deepEqual(regexRuns('a+bc[x]y.z'), ['bcxy', 'z']);
  assert.deepEqual(regexRuns('\\/api\\/v[0-9]+'), ['/api/v']);
  // Case-insensitive (text tokens): upper-case letters and non-ASCII break the run.
  assert.deepEqual(regexRuns('.*TimeOut.*', true), ['ime', 'ut']);
  assert.deepEqual(regexRuns('caf\u00e9s', true), ['caf', 's']);
  assert.deepEqual(regexRuns('(unclosed'), []);
});

test('regexRuns: every value a random pattern matches holds its runs (as is, and lower-cased case-insensitively)', () => {
  const rng = createRng(7);
  const atoms = ['a', 'b', 'S', 's', 'I', '\u017f', '\u0131', 'K', '.', '[ab]', '\\d', '1'];
  const gen = (depth: number): string => {
    let s = '';
    for (let i = rng.int(1, 4); i > 0; i--) {
      let atom = depth < 2 && rng.chance(0.2) ? `(${gen(depth + 1)}${rng.chance(0.5) ? `|${gen(depth + 1)}` : ''})` : rng.pick(atoms);
      if (rng.chance(0.3)) atom += rng.pick(['*', '+', '?', '{2}']);
      s += atom;
    }
    return s;
  };
  const letters = ['a', 'b', 's', 'S', 'i', 'I', '\u017f', '\u0131', 'k', 'K', '\u212a', '1', 'x'];
  let checked = 0;
  for (let i = 0; i < 3000; i++) {
    const pattern = gen(0);
    const exact = compileRegex(pattern);
    const folded = compileRegex(pattern, true);
    const runs = regexRuns(pattern);
    const foldedRuns = regexRuns(pattern, true);
    for (let k = 0; k < 30; k++) {
      const value = Array.from({ length: rng.int(0, 6) }, () => rng.pick(letters)).join('');
      if (exact(value)) {
        checked++;
        for (const r of runs) assert.ok(value.includes(r), `/${pattern}/ matched ${JSON.stringify(value)} without ${JSON.stringify(r)}`);
      }
      const lower = value.toLowerCase();
      if (folded(lower)) {
        checked++;
        for (const r of foldedRuns) assert.ok(lower.includes(r), `/${pattern}/i matched ${JSON.stringify(lower)} without ${JSON.stringify(r)}`);
      }
    }
  }
  assert.ok(checked > 1000, `only ${checked} matches checked`);
});
