import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogfmt } from './parse-logfmt.js';

test('logfmt pairs: bare, quoted with Go escapes, empty, `=` inside a bare value, tabs', () => {
  assert.deepEqual(parseLogfmt('a=1 b="two words" c= d=x=y\te="tab\\there \\u00e9 \\xc3\\xa9 \\"q\\""'), {
    a: 1, b: 'two words', c: '', d: 'x=y', e: 'tab\there é é "q"',
  });
  assert.deepEqual(parseLogfmt('  level=info   msg=ok  '), { level: 'info', msg: 'ok' });
});

test('only numbers in their canonical form become numbers', () => {
  assert.deepEqual(parseLogfmt('a=0 b=-3 c=0.25 d=007 e=1.10 f=1e3 g=-0 h="42" i=12ms j=+1'), {
    a: 0, b: -3, c: 0.25, d: '007', e: '1.10', f: '1e3', g: '-0', h: '42', i: '12ms', j: '+1',
  });
});

test('not logfmt: prose, one pair, a bare word, stray quotes, a bad escape, an unclosed quote', () => {
  for (const line of [
    '',
    'user=bob',
    'user=bob logged in',
    'Failed password for root from 203.0.113.7 port 22 ssh2',
    'a=1 b="x"y',
    'a=1 b=x"y',
    'a=1 b="bad \\q escape"',
    'a=1 b="never closed',
    '=1 b=2',
    'a="1" "b"=2',
    'GET /api?x=1&y=2 200',
  ]) assert.equal(parseLogfmt(line), null, line);
});

test('the first of a repeated key wins, the others kept beside it; __proto__ is a key like any other', () => {
  assert.deepEqual(parseLogfmt('a=1 a=2 b=3 a=4 a=1'), { a: 1, a_original: 2, b: 3, a_original_2: 4 });
  const pairs = parseLogfmt('__proto__=x polluted=no')!;
  assert.equal(Object.getPrototypeOf(pairs), Object.prototype);
  assert.deepEqual(Object.keys(pairs), ['__proto__', 'polluted']);
  assert.equal(Object.getOwnPropertyDescriptor(pairs, '__proto__')?.value, 'x');
});
