/**
 * Aggregations on a real Elasticsearch against values computed directly from
 * the generated corpus (mixed value types, nulls, booleans, hostile keys),
 * for every field of the corpus: terms (top N, other, missing, keys as
 * String(value)), stats over numbers only, and a date histogram.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AggregateResult, LogEvent, QueryNode } from '@logship/query';
import type { LogStore } from '../store/log-store.js';
import { expectedHistogram } from '../store/contract/differential.js';
import { generateCorpus } from '../testing/generate-corpus.js';
import { ES_SKIP_REASON, esTestUrl, openTestStore } from './es-test-env.js';

const EVENTS = 2000;
const END = Date.parse('2026-11-23T12:00:00.000Z');
const NOW = END + 3_600_000;
const LONG = 36_500;
const ALL: QueryNode = { type: 'match_all', loc: { start: 0, end: 0 } };
const RANGE = { from: END - 10 * 86_400_000, to: NOW, now: NOW, query: ALL };

const url = esTestUrl();
const corpus = generateCorpus({ events: EVENTS, seed: 5, endMs: END, days: 4 });
const fields = [...new Set(corpus.flatMap((e) => Object.keys(e)))];
let store: LogStore | undefined;

function present(e: LogEvent, f: string): boolean {
  return Object.hasOwn(e, f) && e[f] !== null && e[f] !== undefined;
}

/** A value's terms key: String(value), and `@timestamp` by epoch ms, as the embedded stores key it. */
function keyOf(field: string, value: unknown): string {
  return field === '@timestamp' ? String(Date.parse(value as string)) : String(value);
}

function expectedTerms(field: string, size: number): AggregateResult {
  const counts = new Map<string, number>();
  let missing = 0;
  for (const e of corpus) {
    if (!present(e, field)) missing++;
    else counts.set(keyOf(field, e[field]), (counts.get(keyOf(field, e[field])) ?? 0) + 1);
  }
  const all = [...counts].map(([key, count]) => ({ key, count }));
  all.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const buckets = all.slice(0, size);
  const other = all.slice(size).reduce((s, b) => s + b.count, 0);
  return { type: 'terms', buckets, other_count: other, missing_count: missing };
}

if (!url) {
  test('Elasticsearch aggregations', { skip: ES_SKIP_REASON }, () => {});
} else {
  before(async () => {
    store = await openTestStore(url, {
      now: () => NOW,
      retention: { default_days: LONG, classes: [{ name: 'errors', match: 'level:error', days: LONG }], check_interval_s: 600 },
    });
    const res = await store.write(corpus);
    assert.equal(res.stored, corpus.length, JSON.stringify(res.errors.slice(0, 3)));
  });
  after(async () => {
    await store?.close();
  });

  test(`terms on every field of the corpus (${fields.length} fields, message and @timestamp too) agree with the corpus`, async () => {
    assert.ok(fields.length > 10);
    assert.ok(fields.includes('message') && fields.includes('@timestamp'));
    for (const field of fields) {
      const got = await store!.aggregate({ ...RANGE, agg: { type: 'terms', field, size: 5 } });
      assert.deepEqual(got, expectedTerms(field, 5), `terms on ${JSON.stringify(field)}`);
    }
  });

  test('stats count only numbers, on every field with numbers', async () => {
    let numeric = 0;
    for (const field of fields.filter((f) => f !== '@timestamp')) {
      const values = corpus.map((e) => e[field]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      const got = await store!.aggregate({ ...RANGE, agg: { type: 'stats', field } });
      assert.equal(got.type, 'stats');
      if (got.type !== 'stats') continue;
      assert.equal(got.count, values.length, `count of ${field}`);
      if (values.length === 0) {
        assert.deepEqual(got, { type: 'stats', count: 0, min: null, max: null, avg: null, sum: 0 });
        continue;
      }
      numeric++;
      assert.equal(got.min, Math.min(...values), `min of ${field}`);
      assert.equal(got.max, Math.max(...values), `max of ${field}`);
      const sum = values.reduce((s, v) => s + v, 0);
      // Summation order differs between engines; the relative error stays tiny.
      assert.ok(Math.abs(got.sum - sum) <= 1e-9 * Math.max(1, Math.abs(sum)), `sum of ${field}: ${got.sum} vs ${sum}`);
    }
    assert.ok(numeric >= 3, `only ${numeric} numeric fields`);
  });

  test("percentiles are exact, interpolated between the two nearest values, past the 2,000 values of t-digest's default", async () => {
    // 5,000 values on a day before the corpus's range, queried alone.
    const values = Array.from({ length: 5000 }, (_, i) => Math.round(Math.exp(((i * 7919) % 5000) / 600) * 100) / 100);
    const dayBefore = RANGE.from - 2 * 86_400_000;
    const at = (i: number): string => new Date(dayBefore + i).toISOString();
    const res = await store!.write(values.map((v, i) => ({ '@timestamp': at(i), 'event.id': `pct-${i}`, pct_value: v })));
    assert.equal(res.stored, values.length);
    const sorted = [...values].sort((a, b) => a - b);
    const exact = (p: number): number => {
      const rank = (p / 100) * (sorted.length - 1);
      const lo = Math.floor(rank);
      const hi = Math.ceil(rank);
      return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
    };
    const percents = [0, 1, 50, 90, 95, 99, 99.9, 100];
    const got = await store!.aggregate({ ...RANGE, from: dayBefore, to: dayBefore + values.length, agg: { type: 'percentiles', field: 'pct_value', percents } });
    assert.equal(got.type, 'percentiles');
    if (got.type !== 'percentiles') return;
    assert.equal(got.count, values.length);
    for (const p of percents) {
      const want = exact(p);
      const value = got.values[String(p)]!;
      assert.ok(Math.abs(value - want) <= 1e-9 * Math.max(1, Math.abs(want)), `p${p}: ${value}, exact ${want}`);
    }
  });

  test('a date histogram counts every event once, in epoch-aligned buckets, every interval of the range', async () => {
    const interval = 3 * 3_600_000;
    const got = await store!.aggregate({ ...RANGE, agg: { type: 'date_histogram', interval_ms: interval } });
    assert.equal(got.type, 'date_histogram');
    if (got.type !== 'date_histogram') return;
    assert.deepEqual(
      got.buckets.map((b) => [b.key, b.count]),
      expectedHistogram(corpus.map((e) => Date.parse(e['@timestamp'])), RANGE.from, RANGE.to, interval),
    );
  });
}
