import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueryNode } from '../ast.js';
import { parse } from '../parse.js';
import { serialize } from '../serialize.js';
import { generateQuery, shrinkQuery, stripLocations } from './generate-query.js';

test('generateQuery is deterministic per seed', () => {
  assert.equal(generateQuery(7).query, generateQuery(7).query);
  const distinct = new Set(Array.from({ length: 200 }, (_, i) => generateQuery(i).query));
  assert.ok(distinct.size > 150, `only ${distinct.size} distinct queries from 200 seeds`);
});

test('generateQuery covers every node type', () => {
  const seen = new Set<string>();
  const visit = (n: QueryNode): void => {
    seen.add(n.type);
    if (n.type === 'and' || n.type === 'or') n.children.forEach(visit);
    if (n.type === 'not') visit(n.child);
  };
  for (let i = 0; i < 500; i++) visit(generateQuery(i).ast);
  assert.deepEqual([...seen].sort(), ['and', 'exists', 'match_all', 'not', 'or', 'range', 'regex', 'term', 'wildcard']);
});

test('generateQuery uses a caller vocabulary', () => {
  const vocabulary = { words: ['zebra'], keywords: { animal: ['okapi'] }, numbers: { legs: [4] }, booleans: [], sparse: [], dates: ['now'] };
  const text = Array.from({ length: 300 }, (_, i) => generateQuery(i, { vocabulary, exotic: 0 }).query).join('\n');
  assert.match(text, /zebra/);
  assert.match(text, /okapi/);
  assert.match(text, /legs/);
  assert.doesNotMatch(text, /timeout|logger|duration_ms/);
});

test('shrinkQuery reduces a failing query to the clause that fails', () => {
  const ast = parse('(a OR b c) AND NOT (status:500 OR (d e f))');
  const hasStatus = (n: QueryNode): boolean =>
    n.type === 'term' ? n.field === 'status' : n.type === 'and' || n.type === 'or' ? n.children.some(hasStatus) : n.type === 'not' ? hasStatus(n.child) : false;
  const shrunk = shrinkQuery(ast, hasStatus);
  assert.deepEqual(stripLocations(shrunk), stripLocations(parse('status:500')));
  assert.equal(serialize(shrunk), 'status:500');
});
