/**
 * Differential property test: for a seeded corpus and seeded random queries,
 * the Elasticsearch store (compile-dsl.ts over a real cluster) must return
 * exactly the ids the in-memory matcher selects, in the same order. On a
 * difference the query is shrunk to a minimal failing one and printed with
 * its DSL. The SQLite twin is sqlite/compile-sql.differential.test.ts; the
 * same corpus and generator, so all three agree with each other.
 *
 * Scale with LS_DIFF_EVENTS, LS_DIFF_QUERIES, LS_DIFF_SEED.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryLogReader, parse, stripLocations, type QueryNode } from '@logship/query';
import type { LogStore } from '../store/log-store.js';
import { codeOf, compareOutcomes, matcherOutcome, SEMANTICS_QUERIES, semanticsEvents, semanticsFailures, semanticsTermsFailures, shrinkFailing, TEXT_FIELD_QUERIES, type Outcome } from '../store/contract/differential.js';
import { generateCorpus } from '../testing/generate-corpus.js';
import { createQueryGenerator, vocabularyOf } from '../testing/generate-query-ast.js';
import { groupedFailures } from '../store/contract/grouped-differential.js';
import { compileDsl } from './compile-dsl.js';
import { ES_SKIP_REASON, esTestUrl, openTestStore } from './es-test-env.js';

const EVENTS = Number(process.env.LS_DIFF_EVENTS ?? 3000);
const QUERIES = Number(process.env.LS_DIFF_QUERIES ?? 1000);
const SEED = Number(process.env.LS_DIFF_SEED ?? 7);
const END = Date.parse('2026-11-23T12:00:00.000Z');
const NOW = END + 3_600_000;
const LONG = 36_500;

const url = esTestUrl();

const corpus = [...generateCorpus({ events: EVENTS, seed: SEED, endMs: END, days: 4 }), ...semanticsEvents(END - 7_200_000)];
const order = [...corpus].sort((a, b) => {
  const d = Date.parse(b['@timestamp']) - Date.parse(a['@timestamp']);
  return d !== 0 ? d : a['event.id'] < b['event.id'] ? 1 : -1;
});
let store: LogStore | undefined;

function viaMatcher(query: QueryNode): Outcome {
  return matcherOutcome(query, order, NOW);
}

async function viaStore(query: QueryNode): Promise<Outcome> {
  try {
    const res = await store!.search({ query, from: END - 10 * 86_400_000, to: NOW, limit: corpus.length + 1, now: NOW, fields: [] });
    return { ids: res.hits.map((h) => h['event.id']) };
  } catch (err) {
    return { error: codeOf(err) };
  }
}

async function differs(query: QueryNode): Promise<string | null> {
  return compareOutcomes(viaMatcher(query), await viaStore(query));
}

async function shrink(q: QueryNode): Promise<QueryNode> {
  return shrinkFailing(q, async (c) => (await differs(c)) !== null);
}

function describeQuery(q: QueryNode): string {
  let dsl = '';
  try {
    dsl = JSON.stringify(compileDsl(q, { now: NOW }));
  } catch (err) {
    dsl = `(compile error ${String(err)})`;
  }
  return `query: ${JSON.stringify(stripLocations(q))}\ndsl: ${dsl}`;
}

if (!url) {
  test('Elasticsearch differential test', { skip: ES_SKIP_REASON }, () => {});
} else {
  before(async () => {
    store = await openTestStore(url, {
      now: () => NOW,
      // Every class, so indices of every kind take part; nothing expires.
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
    await store?.close();
  });

  test(`Elasticsearch returns exactly the matcher's ids, in order, for ${QUERIES} generated queries over ${EVENTS} events (seed ${SEED})`, async () => {
    const next = createQueryGenerator(vocabularyOf(corpus.filter((e) => !e['event.id'].startsWith('sem-'))), SEED);
    let nonEmpty = 0;
    let errors = 0;
    for (let i = 0; i < QUERIES; i++) {
      const q = next();
      const why = await differs(q);
      if (why) {
        const minimal = await shrink(q);
        assert.fail(`query #${i} disagrees: ${await differs(minimal)}\n${describeQuery(minimal)}`);
      }
      const m = viaMatcher(q);
      if ('ids' in m && m.ids.length > 0 && m.ids.length < EVENTS) nonEmpty++;
      if ('error' in m) errors++;
    }
    // Guard against a generator that only produces trivial queries.
    assert.ok(nonEmpty > QUERIES / 4, `only ${nonEmpty} queries selected a proper subset`);
    assert.ok(errors < QUERIES / 5, `${errors} queries were errors`);
  });

  test('Elasticsearch agrees with the matcher on free text over the exception and stack fields', async () => {
    let beyondMessage = 0;
    for (const text of TEXT_FIELD_QUERIES) {
      const ast = parse(text);
      const why = await differs(ast);
      assert.equal(why, null, `${text}: ${why}\n${describeQuery(ast)}`);
      const m = viaMatcher(ast);
      const onlyMessage = viaMatcher(parse(`message:(${text.replace(/^[\w.]+:/, '')})`));
      if ('ids' in m && 'ids' in onlyMessage && m.ids.length > onlyMessage.ids.length) beyondMessage++;
    }
    assert.ok(beyondMessage >= 8, `only ${beyondMessage} queries found events beyond message`);
  });

  test('Elasticsearch finds array elements, fields by name patterns and long strings as the matcher does, and as expected', async () => {
    assert.deepEqual(await semanticsFailures(order, NOW, viaStore, parse), []);
  assert.deepEqual(await semanticsTermsFailures(store!, NOW, parse), []);
  });

  test('Elasticsearch answers every aggregation by a field in two requests as a read per group does, and as the matcher does', async () => {
    assert.deepEqual(await groupedFailures(store!, new MemoryLogReader(order), NOW, parse), []);
  });

  test('Elasticsearch agrees with the matcher on the queries a Kibana user writes (_exists_ of an object, …)', async () => {
    for (const text of SEMANTICS_QUERIES) {
      const ast = parse(text);
      const why = await differs(ast);
      assert.equal(why, null, `${text}: ${why}\n${describeQuery(ast)}`);
    }
  });
}
