/**
 * Differential property test: for a seeded corpus and thousands of seeded
 * random queries, the SQLite store (compile-sql.ts over real partition
 * files) must return exactly the ids the in-memory matcher selects, in the
 * same order. On a difference the query is shrunk to a minimal failing one
 * and printed with its SQL.
 *
 * Two query sources: ASTs from ../testing/generate-query-ast.ts (every node
 * and field kind, hostile values) and query texts from the query package's
 * generateQuery() (every surface syntax), parsed with parse().
 *
 * Scale with LS_DIFF_EVENTS, LS_DIFF_QUERIES, LS_DIFF_SEED.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRng, DEFAULT_TEXT_FIELDS, MemoryLogReader, stripLocations, generateQuery, parse, tokenize, type QueryNode, type QueryVocabulary } from '@logship/query';
import type { LogStore } from '../store/log-store.js';
import { codeOf, compareOutcomes, matcherOutcome, SEMANTICS_QUERIES, semanticsEvents, semanticsFailures, semanticsTermsFailures, shrinkFailing, TEXT_FIELD_QUERIES, type Outcome } from '../store/contract/differential.js';
import { generateCorpus } from '../testing/generate-corpus.js';
import { createQueryGenerator, vocabularyOf } from '../testing/generate-query-ast.js';
import { compileSql } from './compile-sql.js';
import { openSqliteStore } from './open-sqlite-store.js';
import { percentile } from './percentile-select.js';
import { expectedHistogram } from '../store/contract/differential.js';
import { groupedFailures } from '../store/contract/grouped-differential.js';

const EVENTS = Number(process.env.LS_DIFF_EVENTS ?? 3000);
const QUERIES = Number(process.env.LS_DIFF_QUERIES ?? 2000);
const SEED = Number(process.env.LS_DIFF_SEED ?? 7);
const END = Date.parse('2026-11-23T12:00:00.000Z');
const NOW = END + 3_600_000;
const LONG = 36_500;

const corpus = [...generateCorpus({ events: EVENTS, seed: SEED, endMs: END, days: 4 }), ...semanticsEvents(END - 7_200_000)];
const order = [...corpus].sort((a, b) => {
  const d = Date.parse(b['@timestamp']) - Date.parse(a['@timestamp']);
  return d !== 0 ? d : a['event.id'] < b['event.id'] ? 1 : -1;
});
let dir = '';
let store: LogStore;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-differential-'));
  store = await openSqliteStore({
    dataDir: dir,
    now: () => NOW,
    // A small time-order walk, so searches take both paths: pages filled by
    // the walk, and walks cut short and finished by the planner's plan.
    searchWalkRows: 50,
    // Few values a percentiles pass, so percentiles take several passes (percentile-select.ts).
    percentileValues: 16,
    // Every class, so partitions of every kind take part; nothing expires.
    retention: {
      default_days: LONG,
      classes: [
        { name: 'errors', match: 'level:(error OR critical OR alert OR emergency)', days: LONG },
        { name: 'debug', match: 'level:(debug OR trace)', days: LONG },
      ],
      check_interval_s: 600,
    },
  });
  const res = await store.write(corpus);
  assert.equal(res.stored, corpus.length, JSON.stringify(res.errors.slice(0, 3)));
});

after(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function viaMatcher(query: QueryNode): Outcome {
  return matcherOutcome(query, order, NOW);
}

async function viaStore(query: QueryNode): Promise<Outcome> {
  try {
    const res = await store.search({ query, from: END - 10 * 86_400_000, to: NOW, limit: corpus.length + 1, now: NOW, fields: [] });
    return { ids: res.hits.map((h) => h['event.id']) };
  } catch (err) {
    return { error: codeOf(err) };
  }
}

async function differs(query: QueryNode): Promise<string | null> {
  return (await checked(query)).why;
}

/**
 * The matcher's answer and what the store's differs from it. The store's
 * reader thread searches while this thread runs the matcher (viaStore
 * never rejects).
 */
async function checked(query: QueryNode): Promise<{ m: Outcome; why: string | null }> {
  const stored = viaStore(query);
  const m = viaMatcher(query);
  return { m, why: compareOutcomes(m, await stored) };
}

async function shrink(q: QueryNode): Promise<QueryNode> {
  return shrinkFailing(q, async (c) => (await differs(c)) !== null);
}

function describeQuery(q: QueryNode): string {
  let sql = '';
  try {
    sql = JSON.stringify(compileSql(q, { now: NOW }));
  } catch (err) {
    sql = `(compile error ${String(err)})`;
  }
  return `query: ${JSON.stringify(stripLocations(q))}\nsql: ${sql}`;
}

test(`SQLite returns exactly the matcher's ids, in order, for ${QUERIES} generated queries over ${EVENTS} events (seed ${SEED})`, async () => {
  const next = createQueryGenerator(vocabularyOf(corpus.filter((e) => !e['event.id'].startsWith('sem-'))), SEED);
  let nonEmpty = 0;
  let errors = 0;
  for (let i = 0; i < QUERIES; i++) {
    const q = next();
    const { m, why } = await checked(q);
    if (why) {
      const minimal = await shrink(q);
      assert.fail(`query #${i} disagrees: ${await differs(minimal)}\n${describeQuery(minimal)}`);
    }
    if ('ids' in m && m.ids.length > 0 && m.ids.length < EVENTS) nonEmpty++;
    if ('error' in m) errors++;
    if ('ids' in m && i % 10 === 0) await checkPagingAndAggregates(q, m.ids, i);
  }
  // Guard against a generator that only produces trivial queries.
  assert.ok(nonEmpty > QUERIES / 4, `only ${nonEmpty} queries selected a proper subset`);
  assert.ok(errors < QUERIES / 5, `${errors} queries were errors`);
});

const byId = new Map(corpus.map((e) => [e['event.id'], e]));

/**
 * For some queries, also: paging ascending in small pages gives the same
 * ids, count() agrees, and a terms aggregation equals one computed from the
 * matcher's hits.
 */
async function checkPagingAndAggregates(query: QueryNode, ids: string[], i: number): Promise<void> {
  const range = { from: END - 10 * 86_400_000, to: NOW, now: NOW };
  const pages = async (): Promise<string[]> => {
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.search({ ...range, query, limit: 97, sort: 'asc', cursor, fields: [] });
      paged.push(...page.hits.map((h) => h['event.id']));
      cursor = page.next_cursor;
    } while (cursor !== null);
    return paged;
  };
  const field = ['host', 'status', 'level', 'cached', 'method'][(i / 10) % 5] as string;
  const percents = [0, 12.5, 50, 99, 100];
  const interval = 3_600_000 * (1 + (i % 7));
  // Asked together: the store's reader threads answer them side by side.
  const [paged, count, agg, stats, pct, histogram] = await Promise.all([
    pages(),
    store.count({ ...range, query }),
    store.aggregate({ ...range, query, agg: { type: 'terms', field, size: 1000 } }),
    store.aggregate({ ...range, query, agg: { type: 'stats', field: 'duration_ms' } }),
    store.aggregate({ ...range, query, agg: { type: 'percentiles', field: 'duration_ms', percents } }),
    store.aggregate({ ...range, query, agg: { type: 'date_histogram', interval_ms: interval } }),
  ]);
  const where = `query #${i}\n${describeQuery(query)}`;
  assert.deepEqual(paged, [...ids].reverse(), `asc paging, ${where}`);
  assert.equal(count, ids.length, `count, ${where}`);
  const counts = new Map<string, number>();
  let missing = 0;
  for (const id of ids) {
    const v = byId.get(id)?.[field];
    if (v === undefined || v === null) missing++;
    else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  assert.equal(agg.type, 'terms');
  if (agg.type !== 'terms') return;
  assert.deepEqual(new Map(agg.buckets.map((b) => [b.key, b.count])), counts, `terms ${field}, ${where}`);
  assert.equal(agg.missing_count, missing, `missing ${field}, ${where}`);

  const values = ids.map((id) => byId.get(id)?.duration_ms).filter((v): v is number => typeof v === 'number');
  assert.ok(stats.type === 'stats');
  assert.deepEqual(
    [stats.count, stats.min, stats.max],
    [values.length, values.length ? Math.min(...values) : null, values.length ? Math.max(...values) : null],
    `stats, ${where}`,
  );
  // Sums are added in a different order: equal up to rounding.
  const sum = values.reduce((a, v) => a + v, 0);
  assert.ok(Math.abs(stats.sum - sum) <= 1e-9 * Math.max(1, Math.abs(sum)), `stats sum ${stats.sum} vs ${sum}, ${where}`);
  const sorted = Float64Array.from(values).sort();
  assert.deepEqual(pct, { type: 'percentiles', count: values.length, values: Object.fromEntries(percents.map((p) => [String(p), percentile(sorted, p)])) }, `percentiles, ${where}`);

  assert.ok(histogram.type === 'date_histogram');
  assert.deepEqual(
    histogram.buckets.map((b) => [b.key, b.count]),
    expectedHistogram(ids.map((id) => Date.parse(byId.get(id)?.['@timestamp'] ?? '')), range.from, range.to, interval),
    `date_histogram, ${where}`,
  );
}

/** The query package's generator, fed with this corpus's own values. */
function corpusVocabulary(): QueryVocabulary {
  const strings = (field: string): string[] => [...new Set(corpus.map((e) => e[field]).filter((v): v is string => typeof v === 'string'))].slice(0, 30);
  const numbers = (field: string): number[] => [...new Set(corpus.map((e) => e[field]).filter((v): v is number => typeof v === 'number'))].slice(0, 30);
  // Tokens of every text field, tracebacks included: free text must find them there.
  const words = [
    ...new Set(corpus.flatMap((e) => DEFAULT_TEXT_FIELDS.flatMap((f) => (typeof e[f] === 'string' ? tokenize(e[f]) : [])))),
  ].slice(0, 300);
  const times = corpus.filter((_, i) => i % 97 === 0).map((e) => e['@timestamp']);
  return {
    words,
    keywords: Object.fromEntries(['host', 'logger', 'user_id', 'path', 'method', 'job', 'unit', 'source', 'req.id'].map((f) => [f, strings(f)])),
    numbers: Object.fromEntries(['status', 'duration_ms', 'request_time', 'body_bytes_sent', 'pid', 'res.statusCode'].map((f) => [f, numbers(f)])),
    booleans: ['cached'],
    sparse: ['journald.realtime_us', 'http_user_agent', 'no.such.field', 'exc_info', 'error.stack_trace'],
    textFields: DEFAULT_TEXT_FIELDS.filter((f) => f !== 'message'),
    dates: [...times, ...times.map((t) => t.slice(0, 10)), 'now-1h', 'now-1d/d', 'now/d', '2026-11-21||+1d/d'],
  };
}

test(`SQLite agrees with the matcher on ${QUERIES} generated query texts (seed ${SEED})`, async () => {
  const rng = createRng(SEED);
  const vocabulary = corpusVocabulary();
  let hits = 0;
  for (let i = 0; i < QUERIES; i++) {
    const { query } = generateQuery(rng, { vocabulary });
    const ast = parse(query);
    const { m, why } = await checked(ast);
    if (why) {
      const minimal = await shrink(ast);
      assert.fail(`query #${i} ${JSON.stringify(query)} disagrees: ${await differs(minimal)}\n${describeQuery(minimal)}`);
    }
    if ('ids' in m && m.ids.length > 0 && m.ids.length < EVENTS) hits++;
  }
  assert.ok(hits > QUERIES / 10, `only ${hits} queries selected a proper subset`);
});


test('SQLite agrees with the matcher on free text over the exception and stack fields', async () => {
  let beyondMessage = 0;
  for (const text of TEXT_FIELD_QUERIES) {
    const ast = parse(text);
    const { m, why } = await checked(ast);
    assert.equal(why, null, `${text}: ${why}\n${describeQuery(ast)}`);
    const onlyMessage = viaMatcher(parse(`message:(${text.replace(/^[\w.]+:/, '')})`));
    if ('ids' in m && 'ids' in onlyMessage && m.ids.length > onlyMessage.ids.length) beyondMessage++;
  }
  // Most of these find events by a traceback, not by message.
  assert.ok(beyondMessage >= 8, `only ${beyondMessage} queries found events beyond message`);
});

test('SQLite finds array elements, fields by name patterns and long strings as the matcher does, and as expected', async () => {
  assert.deepEqual(await semanticsFailures(order, NOW, viaStore, parse), []);
  // The reference reader, on the matcher, counts terms as expected, and so does SQLite.
  assert.deepEqual(await semanticsTermsFailures(new MemoryLogReader(order), NOW, parse), []);
  assert.deepEqual(await semanticsTermsFailures(store, NOW, parse), []);
});

test('SQLite answers every aggregation by a field in one pass as a read per group does, and as the matcher does', async () => {
  assert.deepEqual(await groupedFailures(store, new MemoryLogReader(order), NOW, parse), []);
});

test('SQLite agrees with the matcher on the queries a Kibana user writes (_exists_ of an object, …)', async () => {
  let found = 0;
  for (const text of SEMANTICS_QUERIES) {
    const ast = parse(text);
    const { m, why } = await checked(ast);
    assert.equal(why, null, `${text}: ${why}\n${describeQuery(ast)}`);
    if ('ids' in m && m.ids.length > 0) found++;
  }
  assert.ok(found >= 20, `only ${found} of these queries found events`);
});
