/**
 * Properties of the matcher over generated queries and events: boolean
 * structure, the missing-field rule, bracket monotonicity, and that the
 * generator's surface syntax and the canonical serialization select the
 * same events as the AST they stand for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueryNode } from './ast.js';
import { DEFAULT_FIELD } from './ast.js';
import type { LogEvent } from './event.js';
import { LEVELS } from './event.js';
import { QueryError } from './errors.js';
import { compileMatcher } from './matcher.js';
import { parse } from './parse.js';
import { serialize } from './serialize.js';
import { DEFAULT_VOCABULARY, generateQuery } from './testing/generate-query.js';
import { createRng, type Rng } from './testing/rng.js';

const now = Date.parse('2026-02-11T15:34:56.789Z');

function randomEvent(rng: Rng, i: number): LogEvent {
  const v = DEFAULT_VOCABULARY;
  const e: LogEvent = {
    '@timestamp': new Date(now - rng.int(0, 10 * 86_400_000)).toISOString(),
    'event.id': `e${i}`,
  };
  if (rng.chance(0.9)) e.level = rng.pick(LEVELS);
  if (rng.chance(0.9)) e.message = Array.from({ length: rng.int(1, 6) }, () => rng.pick(v.words)).join(rng.pick([' ', ', ', ': ']));
  for (const field of v.textFields ?? []) {
    if (rng.chance(0.2)) e[field] = Array.from({ length: rng.int(1, 12) }, () => rng.pick(v.words)).join(rng.pick([' ', '\n  ', ': ']));
  }
  for (const [field, values] of Object.entries(v.keywords)) if (rng.chance(0.5)) e[field] = rng.pick(values);
  for (const [field, values] of Object.entries(v.numbers)) {
    if (rng.chance(0.5)) e[field] = rng.chance(0.85) ? rng.pick(values) : String(rng.pick(values));
  }
  for (const field of v.booleans) if (rng.chance(0.3)) e[field] = rng.chance(0.5);
  for (const field of v.sparse) if (rng.chance(0.1)) e[field] = rng.chance(0.2) ? null : 'x';
  return e;
}

const rng = createRng(99);
const events = Array.from({ length: 200 }, (_, i) => randomEvent(rng, i));

function select(ast: QueryNode): string[] | QueryError {
  try {
    const match = compileMatcher(ast, { now });
    return events.filter(match).map((e) => e['event.id']);
  } catch (err) {
    if (err instanceof QueryError) return err;
    throw err;
  }
}

function leaves(n: QueryNode): QueryNode[] {
  if (n.type === 'and' || n.type === 'or') return n.children.flatMap(leaves);
  if (n.type === 'not') return leaves(n.child);
  return [n];
}

test('2000 generated queries: surface syntax, serialization and AST select the same events', () => {
  for (let seed = 0; seed < 2000; seed++) {
    const { ast, query } = generateQuery(seed);
    const expected = select(ast);
    if (expected instanceof QueryError) continue;
    assert.deepEqual(select(parse(query)), expected, `seed ${seed}: ${query}`);
    assert.deepEqual(select(parse(serialize(ast))), expected, `seed ${seed}: ${serialize(ast)}`);
  }
});

test('2000 generated queries: NOT, AND and OR are complement, intersection and union', () => {
  for (let seed = 0; seed < 2000; seed++) {
    const { ast } = generateQuery(seed);
    const loc = { start: 0, end: 0 };
    const all = events.map((e) => e['event.id']);
    const base = select(ast);
    if (base instanceof QueryError) continue;
    const not = select({ type: 'not', child: ast, loc }) as string[];
    assert.deepEqual(not, all.filter((id) => !base.includes(id)), `seed ${seed}`);
    const other = select(generateQuery(seed + 10_000).ast);
    if (other instanceof QueryError) continue;
    const and = select({ type: 'and', children: [ast, generateQuery(seed + 10_000).ast], loc }) as string[];
    const or = select({ type: 'or', children: [ast, generateQuery(seed + 10_000).ast], loc }) as string[];
    assert.deepEqual(and, all.filter((id) => base.includes(id) && other.includes(id)), `seed ${seed} AND`);
    assert.deepEqual(or, all.filter((id) => base.includes(id) || other.includes(id)), `seed ${seed} OR`);
  }
});

test('a missing or null field never matches a positive leaf', () => {
  const bare: LogEvent = { '@timestamp': '2026-02-11T15:00:00.000Z', 'event.id': 'bare', 'trace_id': null };
  let checked = 0;
  for (let seed = 0; seed < 3000; seed++) {
    for (const leaf of leaves(generateQuery(seed).ast)) {
      if (leaf.type === 'match_all') continue;
      const field = 'field' in leaf ? (leaf.field ?? DEFAULT_FIELD) : DEFAULT_FIELD;
      if (field === '@timestamp') continue;
      try {
        assert.equal(compileMatcher(leaf, { now })(bare), false, `${serialize(leaf)} matched an event without ${field}`);
        checked++;
      } catch (err) {
        if (!(err instanceof QueryError)) throw err;
      }
    }
  }
  assert.ok(checked > 1000);
});

test('inclusive brackets select a superset of exclusive ones', () => {
  let checked = 0;
  for (let seed = 0; seed < 3000; seed++) {
    for (const leaf of leaves(generateQuery(seed).ast)) {
      if (leaf.type !== 'range' || !leaf.lower || !leaf.upper) continue;
      const inclusive = select({ ...leaf, lower: { ...leaf.lower, inclusive: true }, upper: { ...leaf.upper, inclusive: true } });
      const exclusive = select({ ...leaf, lower: { ...leaf.lower, inclusive: false }, upper: { ...leaf.upper, inclusive: false } });
      if (inclusive instanceof QueryError || exclusive instanceof QueryError) continue;
      for (const id of exclusive) assert.ok(inclusive.includes(id), `${serialize(leaf)}: ${id} in {} but not in []`);
      checked++;
    }
  }
  assert.ok(checked > 100);
});
