/**
 * Queries cannot reach SQL: tens of thousands of random and hostile query
 * strings go through parse() → compileSql() → a real partition; each must
 * give a result or a typed error (QueryError / StoreError), never an SQLite
 * error or a crash. A second pass feeds hostile ASTs directly (field names
 * and values the grammar would never produce), which must never error.
 *
 * Scale with LS_FUZZ_CASES and LS_FUZZ_SEED.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isQueryError, parse, type QueryNode } from '@logship/query';
import type { LogStore } from '../store/log-store.js';
import { isStoreError } from '../store/store-error.js';
import { generateCorpus } from '../testing/generate-corpus.js';
import { createRng } from '@logship/query';
import { HOSTILE_STRINGS } from '../testing/generate-query-ast.js';
import { compileSql } from './compile-sql.js';
import { openSqliteStore } from './open-sqlite-store.js';

const CASES = Number(process.env.LS_FUZZ_CASES ?? 20_000);
const SEED = Number(process.env.LS_FUZZ_SEED ?? 11);
const END = Date.parse('2026-11-23T12:00:00.000Z');
const NOW = END + 60_000;
const EVENTS = 300;

let dir = '';
let store: LogStore;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-fuzz-'));
  store = await openSqliteStore({ dataDir: dir, now: () => NOW });
  const corpus = generateCorpus({ events: EVENTS, seed: SEED, endMs: END, days: 1 });
  assert.equal((await store.write(corpus)).stored, corpus.length);
});

after(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const FRAGMENTS = [
  ...HOSTILE_STRINGS,
  'level:', 'status:>=', '[', ']', '{', '}', '(', ')', ' TO ', ' AND ', ' OR ', 'NOT ', '&&', '||', '!', '-', '+',
  '"', '\\', '/', '/a.*/', '*', '?', ':', '~', '^2', '_exists_:', '@timestamp:', 'now-1d/d', '||+1M', 'message:',
  'user_id:', 'weird"key:', 'a\\:b:', 'é', '数据库', '\uFFFF', '\t', '\n', '500', '-1.5e3', 'x', 'FTS5', 'NEAR', 'MATCH',
  "') OR 1=1 --", '"; ATTACH DATABASE', '$."', 'json_each', '\u202E',
];

function randomQuery(r: () => number): string {
  const n = 1 + Math.floor(r() * 8);
  let s = '';
  for (let i = 0; i < n; i++) {
    if (r() < 0.75) s += FRAGMENTS[Math.floor(r() * FRAGMENTS.length)];
    else s += String.fromCodePoint(Math.floor(r() * (r() < 0.8 ? 0x80 : 0x2ffff)));
  }
  return s;
}

/**
 * Runs a query on the store, count and search side by side (two reader
 * threads); the outcome class and the count, rethrowing anything untyped
 * from either.
 */
async function run(query: QueryNode): Promise<{ outcome: 'ok'; count: number } | { outcome: 'typed' }> {
  const [count, search] = await Promise.allSettled([
    store.count({ query, from: 0, to: NOW, now: NOW }),
    store.search({ query, from: 0, to: NOW, limit: 3, now: NOW }),
  ]);
  for (const r of [count, search]) {
    if (r.status === 'rejected' && !(isQueryError(r.reason) || isStoreError(r.reason))) throw r.reason;
  }
  if (count.status === 'rejected' || search.status === 'rejected') return { outcome: 'typed' };
  assert.equal(search.value.total.value, count.value);
  return { outcome: 'ok', count: count.value };
}

test(`${CASES} random and hostile query strings give a result or a typed error`, async () => {
  const r = createRng(SEED).next;
  const outcomes = { ok: 0, typed: 0, syntax: 0 };
  for (let i = 0; i < CASES; i++) {
    const text = randomQuery(r);
    let ast: QueryNode;
    try {
      ast = parse(text);
    } catch (err) {
      assert.ok(isQueryError(err), `parse(${JSON.stringify(text)}) threw an untyped ${String(err)}`);
      outcomes.syntax++;
      continue;
    }
    try {
      outcomes[(await run(ast)).outcome]++;
    } catch (err) {
      assert.fail(`query ${JSON.stringify(text)} raised ${String(err)}`);
    }
  }
  // The fuzzer must reach the store, not only the parser's error paths.
  assert.ok(outcomes.ok > CASES / 20, JSON.stringify(outcomes));
});

test('hostile field names and values in ASTs never reach SQL', async () => {
  const loc = { start: 0, end: 0 };
  const names = [...HOSTILE_STRINGS, 'message', 'level', 'status', '@timestamp', 'event.id', 'doc', 'rid', 'ts', 'eid', 'a"b', 'a\\b', '$', '$.x', 'x]', 'x[0]'];
  let count = 0;
  for (const field of names) {
    for (const value of HOSTILE_STRINGS) {
      const leaves: QueryNode[] = [
        { type: 'term', field, value, phrase: false, loc },
        { type: 'term', field: null, value, phrase: true, loc },
        { type: 'exists', field, loc },
        { type: 'wildcard', field, pattern: value, loc },
        { type: 'range', field, lower: { value, inclusive: true }, upper: null, loc },
      ];
      for (const leaf of leaves) {
        // The value never appears in the SQL text, only among the parameters.
        try {
          const { where } = compileSql(leaf, { now: NOW });
          if (value.length >= 3 && !['rid', 'doc', 'NULL'].includes(value)) assert.ok(!where.includes(value), `${value} in ${where}`);
          if (field.length >= 3 && !['rid', 'doc', 'NULL', 'eid', 'level', 'message', 'status'].includes(field)) {
            assert.ok(!where.includes(field), `${field} in ${where}`);
          }
        } catch (err) {
          assert.ok(isQueryError(err) || isStoreError(err), String(err));
        }
        // x OR NOT x holds for every event, whatever x means.
        const query: QueryNode = { type: 'or', children: [leaf, { type: 'not', child: leaf, loc }], loc };
        const outcome = await run(query);
        if (outcome.outcome === 'ok') assert.equal(outcome.count, EVENTS, JSON.stringify(leaf));
        count++;
      }
    }
  }
  assert.equal(count, names.length * HOSTILE_STRINGS.length * 5);
});
