/**
 * Parser fuzzing: random, mutated and hostile strings must produce an AST or
 * a typed QueryError — never another exception, never a hang (the suite has
 * a generous timeout rather than timed assertions).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueryNode } from './ast.js';
import { QueryError } from './errors.js';
import { compileMatcher } from './matcher.js';
import { parse } from './parse.js';
import { serialize } from './serialize.js';
import { generateQuery, stripLocations } from './testing/generate-query.js';
import { createRng, type Rng } from './testing/rng.js';

const ALPHABET = [
  ...'abcXYZ019 _.@-+=&|><!(){}[]^"~*?:\\/\t\n',
  'AND', 'OR', 'NOT', 'TO', ' AND ', ' OR ', 'now', '||', 'status:', '_exists_:', '*:*', 'é', '🙂', '\u0000', '\ud800', '\u3000',
];

function randomString(rng: Rng, max: number): string {
  let s = '';
  const n = rng.int(0, max);
  for (let i = 0; i < n; i++) s += rng.pick(ALPHABET);
  return s;
}

function mutate(rng: Rng, q: string): string {
  const cps = Array.from(q);
  const edits = rng.int(1, 3);
  for (let k = 0; k < edits; k++) {
    const at = rng.int(0, cps.length);
    switch (rng.int(0, 2)) {
      case 0:
        cps.splice(at, 1);
        break;
      case 1:
        cps.splice(at, 0, rng.pick(ALPHABET));
        break;
      default:
        cps.splice(at, 1, rng.pick(ALPHABET));
    }
  }
  return cps.join('');
}

const now = Date.parse('2026-02-11T15:34:56.789Z');
const sample = { '@timestamp': '2026-02-11T15:00:00.000Z', 'event.id': 'e', level: 'error', message: 'login failed', status: 500, host: 'web-1' };

/** Parse, and when it parses, serialize/re-parse and plan it too. */
function check(q: string): void {
  let ast: QueryNode;
  try {
    ast = parse(q);
  } catch (err) {
    if (err instanceof QueryError) {
      assert.match(err.code, /^LS_QUERY_/);
      return;
    }
    assert.fail(`untyped error for ${JSON.stringify(q)}: ${String(err)}`);
  }
  const again = serialize(ast);
  assert.deepEqual(stripLocations(parse(again)), stripLocations(ast), `round trip of ${JSON.stringify(q)} via ${JSON.stringify(again)}`);
  try {
    compileMatcher(ast, { now })(sample);
  } catch (err) {
    if (!(err instanceof QueryError)) assert.fail(`matcher threw untyped error for ${JSON.stringify(q)}: ${String(err)}`);
  }
}

test('30000 random strings parse or fail with a typed error', { timeout: 120_000 }, () => {
  const rng = createRng(0xf00d);
  for (let i = 0; i < 30_000; i++) check(randomString(rng, 24));
});

test('20000 mutated generated queries parse or fail with a typed error', { timeout: 120_000 }, () => {
  const rng = createRng(0xbeef);
  for (let i = 0; i < 20_000; i++) check(mutate(rng, generateQuery(rng, { exotic: 0.3 }).query));
});

const hostile: Array<[string, string]> = [
  ['100000 open parentheses', '('.repeat(100_000)],
  ['4000 nested groups', `${'('.repeat(4000)}a${')'.repeat(4000)}`],
  ['4000 NOTs', `${'NOT '.repeat(2000)}a`],
  ['8000 dashes', `${'-'.repeat(8000)}a`],
  ['8000 characters of one term', 'a'.repeat(8000)],
  ['2000 OR clauses', Array.from({ length: 2000 }, (_, i) => `t${i}`).join(' OR ')],
  ['catastrophic regex', `message:/(a+)+b/`],
  ['regex with huge counted repetition', 'x:/(((a{100}){100}){100})/'],
  ['unterminated quote of 8000 characters', `"${'x '.repeat(3999)}`],
  ['long range bound', `x:[${'9'.repeat(5000)} TO *]`],
  ['deep field group', `f:${'('.repeat(50)}a${')'.repeat(50)}`],
  ['NUL and lone surrogates', 'a\u0000b \ud800 "\udfff" x:\ud83d'],
];
for (const [name, q] of hostile) {
  test(`hostile: ${name}`, { timeout: 60_000 }, () => check(q));
}
