/**
 * aggregate(): terms, date_histogram, stats and percentiles as
 * Elasticsearch aggregations over the typed copies of a field
 * (event-document.ts). A terms aggregation runs on the keyword, number and
 * boolean copies at once and merges them by their string key, as the
 * matcher and SQLite key a value by String(value).
 *
 * Terms counts are exact, unlike a plain Elasticsearch terms aggregation
 * over several daily indices (whose per-shard top lists can miss counts):
 * when the first request shows a copy may be incomplete or approximate, its
 * values are counted exactly with composite-aggregation pages instead.
 *
 * Grouped (`by`, aggregateGroups): after the terms of `by`, one request
 * answers every group, a `filters` aggregation of the groups' leaves with
 * the same aggregation under each. Not one terms aggregation with a
 * sub-aggregation: the groups are the exact terms above (three typed
 * copies merged by key, an array under each element of its keyword text,
 * counts exact over several daily indices), which one terms aggregation's
 * buckets are not.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { addTermsKey, fillHistogram, type AggregateResult, type AggregationSpec } from '@logship/query/core';
import { storeError } from '../store/store-error.js';
import { checkAggregation } from '../store/check-aggregation.js';
import { booleanField, keywordField, numberField } from './event-document.js';
import { asStoreFailure } from './transport-error.js';
import { notePartial } from './partial-answer.js';
import type { ReadContext } from './es-search.js';
import type { EsQuery } from './compile-dsl.js';

type Aggs = Record<string, estypes.AggregationsAggregationContainer>;

/** Distinct values per typed copy fetched at once; beyond, values are paged with a composite aggregation. */
const FIRST_TERMS = 1000;
const PAGE_TERMS = 10_000;
/** A bound on the memory one terms request may take. */
const MAX_DISTINCT = 1_000_000;
/**
 * Percentiles' t-digest compression. Elasticsearch keeps every value (and
 * interpolates between them exactly as the embedded stores do) until the
 * request has 20 × compression of them: with its default of 100, that was
 * 2,000 values, and a p95 of HTTP statuses could come back as 501.2. At
 * 10,000 the answer is exact up to 200,000 values (up to 1.6 MB of doubles
 * per shard while collecting), and the estimate beyond is closer (on a
 * million log-normal values, p50 off by 0.02 instead of 5, p95 by 1.3 instead
 * of 4.7).
 */
export const TDIGEST_COMPRESSION = 10_000;

interface TermBucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
}
interface TermsAgg {
  buckets: TermBucket[];
  sum_other_doc_count?: number;
  doc_count_error_upper_bound?: number;
}

/** Keys as String(value), the way the matcher and SQLite key a value. */
function keyOf(copy: 'kw' | 'num' | 'bool', b: TermBucket): string {
  if (copy === 'num') return String(Number(b.key));
  if (copy === 'bool') return b.key_as_string ?? (b.key ? 'true' : 'false');
  return String(b.key);
}

/**
 * One size-0 search. `total`: whether the exact number of matching events is
 * needed (terms: for missing_count); counting them is skipped otherwise.
 * Shards that failed (a field that one day's index maps as text) are said
 * to the read's left-out list (partial-answer.ts), and their events are left out of the buckets and counts.
 */
async function run(client: Client, index: string, filter: EsQuery[], aggs: Aggs, read: ReadContext, total = false): Promise<estypes.SearchResponse<unknown>> {
  let res: estypes.SearchResponse<unknown>;
  try {
    res = await client.search({
      index,
      ignore_unavailable: true,
      allow_no_indices: true,
      size: 0,
      track_total_hits: total,
      query: { bool: { filter } },
      aggs,
    }, { signal: read.signal });
  } catch (err) {
    throw asStoreFailure(err, read.signal);
  }
  return notePartial(res, index);
}

/** Every distinct value of a field with its exact count, by composite-aggregation pages. */
async function allTerms(client: Client, index: string, filter: EsQuery[], field: string, read: ReadContext): Promise<TermBucket[]> {
  const out: TermBucket[] = [];
  let after: Record<string, estypes.FieldValue> | undefined;
  for (;;) {
    const res = await run(client, index, filter, {
      c: { composite: { size: PAGE_TERMS, sources: [{ v: { terms: { field } } }], ...(after ? { after } : {}) } },
    }, read);
    const c = (res.aggregations as Record<string, estypes.AggregationsCompositeAggregate>).c;
    const buckets = (c?.buckets ?? []) as estypes.AggregationsCompositeBucket[];
    for (const b of buckets) {
      const v = b.key.v as string | number | boolean;
      out.push({ key: typeof v === 'boolean' ? (v ? 1 : 0) : v, ...(typeof v === 'boolean' ? { key_as_string: String(v) } : {}), doc_count: b.doc_count });
    }
    if (out.length > MAX_DISTINCT) {
      throw storeError('LS_STORE_BAD_REQUEST', `the field has more than ${MAX_DISTINCT} distinct values; narrow the query or the time range`);
    }
    if (buckets.length < PAGE_TERMS || !c?.after_key) return out;
    after = c.after_key;
  }
}

/** The typed copies a terms aggregation counts. `@timestamp` has none: its own date field, keyed by epoch ms as the embedded stores key it. */
function termsCopies(field: string): Partial<Record<'kw' | 'num' | 'bool', string>> {
  return field === '@timestamp' ? { num: '@timestamp' } : { kw: keywordField(field), num: numberField(field), bool: booleanField(field) };
}

/** The aggregations one request asks for `agg` (at the top, or under each group's filter). */
function aggsFor(agg: AggregationSpec, range: { from: number; to: number }): Aggs {
  switch (agg.type) {
    case 'terms': {
      const aggs: Aggs = {};
      for (const [name, field] of Object.entries(termsCopies(agg.field))) {
        aggs[name] = { terms: { field, size: FIRST_TERMS, show_term_doc_count_error: true } };
        aggs[`${name}_count`] = { value_count: { field } };
      }
      return aggs;
    }
    case 'date_histogram':
      // fixed_interval buckets are aligned to the epoch: key = floor(ts / interval) * interval.
      // Every bucket of the range, empty ones too (extended_bounds, min_doc_count 0).
      return {
        h: {
          date_histogram: {
            field: '@timestamp',
            fixed_interval: `${agg.interval_ms}ms`,
            min_doc_count: 0,
            extended_bounds: { min: range.from, max: range.to },
          },
        },
      };
    case 'stats':
      return { s: { stats: { field: numberField(agg.field) } } };
    case 'percentiles': {
      const field = numberField(agg.field);
      return {
        // TDigest (Elasticsearch has no exact percentile): exact, as the
        // embedded stores, up to 20 × compression values, an estimate beyond.
        p: { percentiles: { field, percents: agg.percents, keyed: false, tdigest: { compression: TDIGEST_COMPRESSION } } },
        n: { value_count: { field } },
      };
    }
  }
}

/**
 * The answer from the aggregations aggsFor asked for (`aggs`: a response's,
 * or a group's bucket), over `total` matching events (terms: for
 * missing_count); `allTermsOf` counts every value of a typed copy exactly
 * where the first answer may be incomplete.
 */
async function answerOf(
  agg: AggregationSpec,
  aggs: Record<string, unknown> | undefined,
  total: number,
  range: { from: number; to: number },
  allTermsOf: (field: string) => Promise<TermBucket[]>,
): Promise<AggregateResult> {
  switch (agg.type) {
    case 'terms': {
      const copies = termsCopies(agg.field);
      const a = (aggs ?? {}) as Record<string, TermsAgg & { value?: number }>;
      const counts = new Map<string, number>();
      const perCopy = await Promise.all(
        (Object.entries(copies) as ['kw' | 'num' | 'bool', string][]).map(async ([name, field]) => {
          const first = a[name];
          // Complete and exact when nothing was left out and no shard's count
          // could be missing; otherwise (many distinct values over several
          // daily indices) count every value exactly by paging (the copies
          // that need it at the same time).
          const complete = first && (first.sum_other_doc_count ?? 0) === 0 && (first.doc_count_error_upper_bound ?? 0) === 0;
          return [name, complete ? first.buckets : await allTermsOf(field)] as const;
        }),
      );
      // Arrays without an element (`[]`), missing as the embedded stores count them.
      let noElements = 0;
      for (const [name, buckets] of perCopy) {
        for (const b of buckets) {
          // An array counts under each of its elements (addTermsKey), read
          // from the keyword copy's JSON text rather than the element
          // copies, which documents indexed before them lack.
          if (!addTermsKey(counts, keyOf(name, b), b.doc_count)) noElements += b.doc_count;
        }
      }
      // One value per field per event, so these are the events that have the field.
      const withField = (a.kw_count?.value ?? 0) + (a.num_count?.value ?? 0) + (a.bool_count?.value ?? 0);
      const all = [...counts].map(([key, count]) => ({ key, count }));
      all.sort((x, y) => y.count - x.count || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
      const buckets = all.slice(0, agg.size);
      const inTop = buckets.reduce((sum, b) => sum + b.count, 0);
      const counted = all.reduce((sum, b) => sum + b.count, 0);
      return { type: 'terms', buckets, other_count: counted - inTop, missing_count: total - withField + noElements };
    }
    case 'date_histogram': {
      const h = (aggs as Record<string, estypes.AggregationsDateHistogramAggregate> | undefined)?.h;
      const counts = new Map<number, number>();
      for (const b of (h?.buckets ?? []) as estypes.AggregationsDateHistogramBucket[]) counts.set(Number(b.key), b.doc_count);
      // Filled here as well: with no index in the range there is no aggregation at all.
      const buckets = fillHistogram(counts, range.from, range.to, agg.interval_ms);
      return { type: 'date_histogram', interval_ms: agg.interval_ms, buckets };
    }
    case 'stats': {
      const s = (aggs as Record<string, estypes.AggregationsStatsAggregate> | undefined)?.s;
      const count = s?.count ?? 0;
      if (count === 0) return { type: 'stats', count: 0, min: null, max: null, avg: null, sum: 0 };
      return { type: 'stats', count, min: s!.min ?? null, max: s!.max ?? null, avg: s!.avg ?? null, sum: s!.sum };
    }
    case 'percentiles': {
      const a = (aggs ?? {}) as Record<string, { values?: { key: number; value: number | null }[]; value?: number }>;
      const values: Record<string, number | null> = {};
      for (const p of agg.percents) values[String(p)] = null;
      for (const v of a.p?.values ?? []) values[String(v.key)] = v.value ?? null;
      return { type: 'percentiles', count: a.n?.value ?? 0, values };
    }
  }
}

/** `range`: the request's time range, over which date_histogram has every bucket. */
export async function aggregate(
  client: Client,
  index: string,
  filter: EsQuery[],
  agg: AggregationSpec,
  range: { from: number; to: number },
  read: ReadContext = {},
): Promise<AggregateResult> {
  checkAggregation(agg, range);
  const res = await run(client, index, filter, aggsFor(agg, range), read, agg.type === 'terms');
  const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
  return answerOf(agg, res.aggregations, total, range, (field) => allTerms(client, index, filter, field, read));
}

/**
 * `agg` for each group, the events of `leaves[i]` among those `filter`
 * matches, in one request: a filters aggregation of the groups' leaves
 * (group-aggregate.ts bucketLeaf, compiled) with the aggregation under each,
 * the answers the read per group gave before 2026-12-08. A group's terms
 * that one answer leaves incomplete are paged as a plain terms read pages
 * them, with its leaf in the filter.
 */
export async function aggregateGroups(
  client: Client,
  index: string,
  filter: EsQuery[],
  agg: AggregationSpec,
  range: { from: number; to: number },
  leaves: readonly EsQuery[],
  read: ReadContext = {},
): Promise<AggregateResult[]> {
  if (leaves.length === 0) return [];
  checkAggregation(agg, range);
  const filters = Object.fromEntries(leaves.map((leaf, i) => [`g${i}`, leaf]));
  const res = await run(client, index, filter, { g: { filters: { filters }, aggs: aggsFor(agg, range) } }, read);
  const buckets = ((res.aggregations as Record<string, { buckets?: Record<string, { doc_count: number }> }> | undefined)?.g?.buckets ?? {});
  return Promise.all(leaves.map((leaf, i) => {
    const b = buckets[`g${i}`] as (Record<string, unknown> & { doc_count: number }) | undefined;
    return answerOf(agg, b, b?.doc_count ?? 0, range, (field) => allTerms(client, index, [...filter, leaf], field, read));
  }));
}
