/**
 * aggregate(): terms, date_histogram, stats and percentiles as
 * Elasticsearch aggregations over the typed copies of a field
 * (event-document.ts). A terms aggregation runs on the keyword, number and
 * boolean copies at once and merges them by their string key, as the
 * matcher and SQLite key a value by String(value).
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { AggregateResult, AggregationSpec } from '@logship/query';
import { storeError } from '../store-contract/store-error.js';
import { booleanField, keywordField, numberField } from './event-document.js';
import { asStoreFailure } from './transport-error.js';
import type { EsQuery } from './compile-dsl.js';

type Aggs = Record<string, estypes.AggregationsAggregationContainer>;

/** Terms per typed copy are fetched this much deeper than asked, so merging copies stays exact in practice. */
const TERMS_SHARD_FACTOR = 4;

async function run(client: Client, index: string, filter: EsQuery[], aggs: Aggs): Promise<estypes.SearchResponse<unknown>> {
  try {
    return await client.search({
      index,
      ignore_unavailable: true,
      allow_no_indices: true,
      size: 0,
      track_total_hits: true,
      query: { bool: { filter } },
      aggs,
    });
  } catch (err) {
    throw asStoreFailure(err);
  }
}

function numberKey(n: number): string {
  return String(n);
}

export async function aggregate(client: Client, index: string, filter: EsQuery[], agg: AggregationSpec): Promise<AggregateResult> {
  switch (agg.type) {
    case 'terms': {
      if (!Number.isInteger(agg.size) || agg.size < 1) {
        throw storeError('LS_STORE_BAD_REQUEST', `terms size must be a positive integer, got ${agg.size}`);
      }
      const size = Math.min(agg.size * TERMS_SHARD_FACTOR, 10_000);
      const fields = { kw: keywordField(agg.field), num: numberField(agg.field), bool: booleanField(agg.field) };
      const aggs: Aggs = {};
      for (const [name, field] of Object.entries(fields)) {
        aggs[name] = { terms: { field, size, shard_size: size * 2 } };
        aggs[`${name}_count`] = { value_count: { field } };
      }
      const res = await run(client, index, filter, aggs);
      const a = res.aggregations as Record<string, { buckets?: estypes.AggregationsTermsBucketBase[]; value?: number }>;
      const counts = new Map<string, number>();
      const add = (key: string, n: number): void => void counts.set(key, (counts.get(key) ?? 0) + n);
      for (const b of (a.kw?.buckets ?? []) as estypes.AggregationsStringTermsBucket[]) add(String(b.key), b.doc_count);
      for (const b of (a.num?.buckets ?? []) as estypes.AggregationsDoubleTermsBucket[]) add(numberKey(Number(b.key)), b.doc_count);
      for (const b of (a.bool?.buckets ?? []) as estypes.AggregationsLongTermsBucket[]) {
        add(b.key_as_string ?? (b.key ? 'true' : 'false'), b.doc_count);
      }
      // One value per field per event, so the value counts add up to the
      // events that have the field.
      const withField = (a.kw_count?.value ?? 0) + (a.num_count?.value ?? 0) + (a.bool_count?.value ?? 0);
      const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
      const all = [...counts].map(([key, count]) => ({ key, count }));
      all.sort((x, y) => y.count - x.count || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
      const buckets = all.slice(0, agg.size);
      const inTop = buckets.reduce((s, b) => s + b.count, 0);
      return { type: 'terms', buckets, other_count: withField - inTop, missing_count: total - withField };
    }
    case 'date_histogram': {
      if (!Number.isSafeInteger(agg.interval_ms) || agg.interval_ms < 1) {
        throw storeError('LS_STORE_BAD_REQUEST', `interval_ms must be a positive integer, got ${agg.interval_ms}`);
      }
      // fixed_interval buckets are aligned to the epoch: key = floor(ts / interval) * interval.
      const res = await run(client, index, filter, {
        h: { date_histogram: { field: '@timestamp', fixed_interval: `${agg.interval_ms}ms`, min_doc_count: 1 } },
      });
      const h = (res.aggregations as Record<string, estypes.AggregationsDateHistogramAggregate>).h;
      const buckets = ((h?.buckets ?? []) as estypes.AggregationsDateHistogramBucket[]).map((b) => {
        const key = Number(b.key);
        return { key, key_as_string: new Date(key).toISOString(), count: b.doc_count };
      });
      return { type: 'date_histogram', interval_ms: agg.interval_ms, buckets };
    }
    case 'stats': {
      const res = await run(client, index, filter, { s: { stats: { field: numberField(agg.field) } } });
      const s = (res.aggregations as Record<string, estypes.AggregationsStatsAggregate>).s;
      const count = s?.count ?? 0;
      if (count === 0) return { type: 'stats', count: 0, min: null, max: null, avg: null, sum: 0 };
      return { type: 'stats', count, min: s!.min ?? null, max: s!.max ?? null, avg: s!.avg ?? null, sum: s!.sum };
    }
    case 'percentiles': {
      for (const p of agg.percents) {
        if (!(p >= 0 && p <= 100)) throw storeError('LS_STORE_BAD_REQUEST', `percent ${p} is outside 0..100`);
      }
      const field = numberField(agg.field);
      const res = await run(client, index, filter, {
        // TDigest: exact for small counts, an estimate (within a fraction of a
        // percent) beyond; Elasticsearch has no exact percentile.
        p: { percentiles: { field, percents: agg.percents, keyed: false } },
        n: { value_count: { field } },
      });
      const aggs = res.aggregations as Record<string, { values?: { key: number; value: number | null }[]; value?: number }>;
      const values: Record<string, number | null> = {};
      for (const p of agg.percents) values[String(p)] = null;
      for (const v of aggs.p?.values ?? []) values[String(v.key)] = v.value ?? null;
      return { type: 'percentiles', count: aggs.n?.value ?? 0, values };
    }
  }
}
