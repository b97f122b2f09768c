/**
 * The block store's differential run against the in-memory matcher, which
 * block-store.differential.test.ts (as written, then reopened and merged)
 * and block-store-split.differential.test.ts (split between two reader
 * threads) each run in their own process: one file held all three runs,
 * ~150 s of a 300 s file limit on a quiet CI machine, and timed out on a
 * loaded one.
 *
 * Seeded corpus, thousands of seeded random queries, exactly the matcher's
 * ids in the same order, plus paging, count and aggregations for some. The
 * corpus is written in small batches in a shuffled order, so a day holds
 * many small blocks that overlap in time (late events), each with its own
 * metas to prune by. Every third event's id is its content id (stored as
 * no id at all, computed when read), so ids, ties and cursors cross both
 * kinds. Scale with LS_DIFF_EVENTS, LS_DIFF_QUERIES, LS_DIFF_SEED.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRng, DEFAULT_TEXT_FIELDS, generateQuery, MemoryLogReader, parse, stripLocations, tokenize, type LogEvent, type QueryNode, type QueryVocabulary } from '@logship/query';
import { codeOf, compareOutcomes, expectedHistogram, matcherOutcome, SEMANTICS_QUERIES, semanticsEvents, semanticsFailures, semanticsTermsFailures, shrinkFailing, TEXT_FIELD_QUERIES, type Outcome } from '../store/contract/differential.js';
import { generateCorpus } from '../testing/generate-corpus.js';
import { createQueryGenerator, vocabularyOf } from '../testing/generate-query-ast.js';
import { contentId } from '../normalize/content-id.js';
import { percentile } from '../sqlite/percentile-select.js';
import { groupedFailures } from '../store/contract/grouped-differential.js';
import { BlockStore } from '../blocks/block-store.js';

export const EVENTS = Number(process.env.LS_DIFF_EVENTS ?? 3000);
export const QUERIES = Number(process.env.LS_DIFF_QUERIES ?? 600);
export const SEED = Number(process.env.LS_DIFF_SEED ?? 7);
const END = Date.parse('2026-11-23T12:00:00.000Z');
export const NOW = END + 3_600_000;
const LONG = 36_500;
export const RETENTION = {
  default_days: LONG,
  classes: [
    { name: 'errors', match: 'level:(error OR critical OR alert OR emergency)', days: LONG },
    { name: 'debug', match: 'level:(debug OR trace)', days: LONG },
  ],
  check_interval_s: 600,
};

const corpus = generateCorpus({ events: EVENTS, seed: SEED, endMs: END, days: 4 });
corpus.forEach((e, i) => {
  if (i % 3 === 2) e['event.id'] = contentId(e);
});
corpus.push(...semanticsEvents(END - 7_200_000));
const order = [...corpus].sort((a, b) => {
  const d = Date.parse(b['@timestamp']) - Date.parse(a['@timestamp']);
  return d !== 0 ? d : a['event.id'] < b['event.id'] ? 1 : -1;
});
const byId = new Map(corpus.map((e) => [e['event.id'], e]));
let dir = '';
let store: BlockStore;

/** Batches of 10–200 events in a shuffled order of chunks: overlapping blocks. */
function batches(): LogEvent[][] {
  const rng = createRng(SEED + 1).next;
  const chunks: LogEvent[][] = [];
  for (let i = 0; i < corpus.length; ) {
    const n = 10 + Math.floor(rng() * 190);
    chunks.push(corpus.slice(i, i + n));
    i += n;
  }
  for (let i = chunks.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [chunks[i], chunks[j]] = [chunks[j] as LogEvent[], chunks[i] as LogEvent[]];
  }
  return chunks;
}

/** A new folder and store (no merges) holding the corpus, written in small overlapping batches. */
export async function writeCorpus(): Promise<void> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-blocks-differential-'));
  store = new BlockStore({ dataDir: dir, now: () => NOW, retention: RETENTION, merges: false, percentileValues: 16 });
  store.init();
  let stored = 0;
  for (const batch of batches()) stored += (await store.write(batch)).stored;
  assert.equal(stored, corpus.length);
}

/** The same folder through a store with other options (a cache; threads, which `start` starts). */
export async function reopen(options: Omit<ConstructorParameters<typeof BlockStore>[0], 'dataDir' | 'now' | 'retention'>, start = false): Promise<BlockStore> {
  await store.close();
  store = new BlockStore({ dataDir: dir, now: () => NOW, retention: RETENTION, ...options });
  store.init();
  if (start) await store.start();
  return store;
}

export async function removeCorpus(): Promise<void> {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
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
 * The matcher's answer and what the store's differs from it. A store with
 * reader threads searches while this thread runs the matcher (viaStore
 * never rejects).
 */
async function checked(query: QueryNode): Promise<{ m: Outcome; why: string | null }> {
  const stored = viaStore(query);
  const m = reference(query);
  return { m, why: compareOutcomes(m, await stored) };
}

/**
 * The matcher's answers by query. The corpus and clock never change, so a
 * query's answer is the same each time; block-store.differential.test.ts
 * asks every query again after merging, and the matcher over the whole
 * corpus was a sixth of a pass.
 */
const answers = new Map<string, Outcome>();
function reference(query: QueryNode): Outcome {
  const key = JSON.stringify(query);
  let m = answers.get(key);
  if (m === undefined) {
    m = matcherOutcome(query, order, NOW);
    answers.set(key, m);
  }
  return m;
}

async function fail(i: number, q: QueryNode): Promise<never> {
  const minimal = await shrinkFailing(q, async (c) => (await differs(c)) !== null);
  return assert.fail(`query #${i} disagrees: ${await differs(minimal)}\nquery: ${JSON.stringify(stripLocations(minimal))}`);
}

async function checkPagingAndAggregates(query: QueryNode, ids: string[], i: number): Promise<void> {
  const range = { from: END - 10 * 86_400_000, to: NOW, now: NOW };
  const where = `query #${i}: ${JSON.stringify(stripLocations(query))}`;
  const ascIds = async (): Promise<string[]> => {
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.search({ ...range, query, limit: 97, sort: 'asc', cursor, fields: [] });
      assert.deepEqual(page.total, { value: ids.length, relation: 'eq' }, `total, ${where}`);
      paged.push(...page.hits.map((h) => h['event.id']));
      cursor = page.next_cursor;
    } while (cursor !== null);
    return paged;
  };
  // Whole events, newest first: hits are rebuilt from their rows only (block-rows.ts).
  const descEvents = async (): Promise<LogEvent[]> => {
    const events: LogEvent[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.search({ ...range, query, limit: 41, cursor });
      events.push(...page.hits);
      cursor = page.next_cursor;
    } while (cursor !== null);
    return events;
  };
  const field = ['host', 'status', 'level', 'cached', 'method'][(i / 10) % 5] as string;
  // Exact percentiles, over several selection passes where the store keeps few values a pass (percentile-select.ts).
  const percents = [0, 12.5, 50, 99, 100];
  const interval = 3_600_000 * (1 + (i % 7));
  // Asked together: a store with reader threads answers them side by side.
  const [paged, events, count, agg, stats, pct, histogram] = await Promise.all([
    ascIds(),
    descEvents(),
    store.count({ ...range, query }),
    store.aggregate({ ...range, query, agg: { type: 'terms', field, size: 1000 } }),
    store.aggregate({ ...range, query, agg: { type: 'stats', field: 'duration_ms' } }),
    store.aggregate({ ...range, query, agg: { type: 'percentiles', field: 'duration_ms', percents } }),
    store.aggregate({ ...range, query, agg: { type: 'date_histogram', interval_ms: interval } }),
  ]);
  assert.deepEqual(paged, [...ids].reverse(), `asc paging, ${where}`);
  assert.deepEqual(events.map((e) => e['event.id']), ids, `desc paging, ${where}`);
  for (const e of events) assert.deepEqual(e, byId.get(e['event.id']), `event ${e['event.id']}, ${where}`);
  assert.equal(count, ids.length, `count, ${where}`);
  const counts = new Map<string, number>();
  let missing = 0;
  for (const id of ids) {
    const v = byId.get(id)?.[field];
    if (v === undefined || v === null) missing++;
    else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  assert.ok(agg.type === 'terms');
  assert.deepEqual(new Map(agg.buckets.map((b) => [b.key, b.count])), counts, `terms ${field}, ${where}`);
  assert.equal(agg.missing_count, missing, `missing ${field}, ${where}`);
  const values = ids.map((id) => byId.get(id)?.duration_ms).filter((v): v is number => typeof v === 'number');
  assert.ok(stats.type === 'stats');
  assert.deepEqual(
    [stats.count, stats.min, stats.max],
    [values.length, values.length ? Math.min(...values) : null, values.length ? Math.max(...values) : null],
    `stats, ${where}`,
  );
  const sorted = Float64Array.from(values).sort();
  assert.deepEqual(pct, { type: 'percentiles', count: values.length, values: Object.fromEntries(percents.map((p) => [String(p), percentile(sorted, p)])) }, `percentiles, ${where}`);
  assert.ok(histogram.type === 'date_histogram');
  assert.deepEqual(
    histogram.buckets.map((b) => [b.key, b.count]),
    expectedHistogram(ids.map((id) => Date.parse(byId.get(id)?.['@timestamp'] ?? '')), range.from, range.to, interval),
    `date_histogram, ${where}`,
  );
}

function corpusVocabulary(): QueryVocabulary {
  const strings = (field: string): string[] => [...new Set(corpus.map((e) => e[field]).filter((v): v is string => typeof v === 'string'))].slice(0, 30);
  const numbers = (field: string): number[] => [...new Set(corpus.map((e) => e[field]).filter((v): v is number => typeof v === 'number'))].slice(0, 30);
  const words = [...new Set(corpus.flatMap((e) => DEFAULT_TEXT_FIELDS.flatMap((f) => (typeof e[f] === 'string' ? tokenize(e[f]) : []))))].slice(0, 300);
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

/** Every query source once over the store as it is now. */
export async function agreesWithMatcher(): Promise<void> {
  const next = createQueryGenerator(vocabularyOf(corpus.filter((e) => !e['event.id'].startsWith('sem-'))), SEED);
  let proper = 0;
  for (let i = 0; i < QUERIES; i++) {
    const q = next();
    const { m, why } = await checked(q);
    if (why !== null) await fail(i, q);
    if ('ids' in m && m.ids.length > 0 && m.ids.length < EVENTS) proper++;
    if ('ids' in m && i % 10 === 0) await checkPagingAndAggregates(q, m.ids, i);
  }
  assert.ok(proper > QUERIES / 4, `only ${proper} queries selected a proper subset`);
  const rng = createRng(SEED);
  const vocabulary = corpusVocabulary();
  for (let i = 0; i < QUERIES; i++) {
    const q = parse(generateQuery(rng, { vocabulary }).query);
    if ((await differs(q)) !== null) await fail(i, q);
  }
  for (const text of [...TEXT_FIELD_QUERIES, ...SEMANTICS_QUERIES]) {
    const q = parse(text);
    assert.equal(await differs(q), null, text);
  }
  assert.deepEqual(await semanticsFailures(order, NOW, viaStore, parse), []);
  assert.deepEqual(await semanticsTermsFailures(store, NOW, parse), []);
  for (const text of oneFieldOrs()) assert.equal(await differs(parse(text)), null, text);
  await rollupHistograms();
}

/** Aggregations by a field through the store's own pass, as a read per group gives them on the store and on the matcher (grouped-differential.ts). */
export async function groupsAgree(splitSums = false): Promise<void> {
  assert.deepEqual(await groupedFailures(store, new MemoryLogReader(order), NOW, parse, splitSums), []);
}

/**
 * Histograms of one rolled-up field's values and their NOT, which its
 * hourly rollups answer (value-tests.ts keyRollup), over ranges whose
 * ends cut hours (read from blocks) and hour-aligned ones, at intervals of
 * 1 to 6 hours, against the matcher's events. `status` holds numbers,
 * numeric strings ("200"), booleans and nulls (testing/generate-corpus.ts),
 * all under keys of String(value): `status:200.0` matches the number 200
 * and not the string "200", so it must scan, and the rest must count each
 * type as the matcher does.
 */
async function rollupHistograms(): Promise<void> {
  const texts = [
    'level:error', 'level:(error OR critical)', 'NOT level:info', 'level:>=warning', '-level:(debug OR trace)', 'level:(warning OR ERROR)', 'level:nosuch',
    'status:500', 'status:"200"', 'status:200.0', 'status:2e2', 'status:true', 'NOT status:(200 OR 304)', 'status:(500 OR 502 OR 503)', '-status:false',
    'host:(web-1 OR web-2)', '-host:web-1', 'host:web-3', 'host:Web-3', 'logger:api', 'status:500 OR host:web-1', 'host:web-1 OR host:"db-1"',
  ];
  const ranges = [
    { from: END - 10 * 86_400_000, to: NOW },
    { from: END - 3 * 86_400_000 + 17 * 60_000, to: NOW - 7 * 60_000 - 1 },
    { from: END - 86_400_000 - 1, to: END - 3_600_000 + 1 },
  ];
  for (const [i, text] of texts.entries()) {
    const query = parse(text);
    const m = reference(query);
    assert.ok('ids' in m, text);
    const times = m.ids.map((id) => Date.parse(byId.get(id)?.['@timestamp'] ?? ''));
    for (const range of ranges) {
      const interval = 3_600_000 * (1 + ((i + range.from) % 6));
      const h = await store.aggregate({ ...range, now: NOW, query, agg: { type: 'date_histogram', interval_ms: interval } });
      assert.ok(h.type === 'date_histogram');
      assert.deepEqual(h.buckets.map((b) => [b.key, b.count]), expectedHistogram(times, range.from, range.to, interval), `${text} over ${JSON.stringify(range)}`);
    }
  }
}

/**
 * ORs whose children all test one field's value (block-scan.ts judges
 * those with one test a row): terms, ranges, existence, wildcards and
 * regexes on keyword, numeric, boolean, level and absent fields, bare,
 * negated and under an AND. The generators above seldom draw them.
 */
function oneFieldOrs(): string[] {
  const rng = createRng(SEED);
  const valuesOf = (f: string): string[] => [...new Set(corpus.map((e) => e[f]).filter((v) => v !== undefined && v !== null).map(String))].slice(0, 20);
  const quote = (v: string): string => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  const out: string[] = [];
  for (const f of ['level', 'status', 'host', 'method', 'cached', 'duration_ms', 'path', 'user_id', 'no.such.field', 'http_user_agent']) {
    const values = valuesOf(f);
    const value = (): string => (values.length > 0 && rng.next() < 0.85 ? rng.pick(values) : 'zz-none');
    const part = (): string => {
      switch (rng.int(0, 5)) {
        case 0:
        case 1:
          return quote(value());
        case 2: {
          const n = Number(value());
          return Number.isFinite(n) ? `[${n - rng.int(0, 50)} TO ${n}]` : `{${quote(value())} TO *]`;
        }
        case 3:
          return `${value().slice(0, 3).replace(/[^\w-]/g, '')}*`;
        case 4:
          return `/${value().slice(0, 2).replace(/[^\w]/g, '')}.*/`;
        default:
          return '*';
      }
    };
    for (let k = 0; k < 12; k++) {
      const group = `${f}:(${Array.from({ length: rng.int(2, 4) }, part).join(' OR ')})`;
      out.push(group, `NOT ${group}`, `${group} AND level:(info OR error)`, `${f}:${quote(value())} OR ${f}:${quote(value())} OR _exists_:${f}`);
    }
  }
  return out;
}
