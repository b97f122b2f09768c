import { histogramBucketCount, MAX_HISTOGRAM_BUCKETS, type AggregationSpec } from '@logship/query/core';
import { storeError } from './store-error.js';

/**
 * Refuses what no store could answer, with the messages every store's
 * aggregation gives, before any row is read or request sent: Elasticsearch's
 * aggregations and the embedded stores' grouped pass call it.
 */
export function checkAggregation(agg: AggregationSpec, range: { from: number; to: number }): void {
  if (agg.type === 'terms' && (!Number.isInteger(agg.size) || agg.size < 1)) {
    throw storeError('LS_STORE_BAD_REQUEST', `terms size must be a positive integer, got ${agg.size}`);
  }
  if (agg.type === 'date_histogram') {
    if (!Number.isSafeInteger(agg.interval_ms) || agg.interval_ms < 1) {
      throw storeError('LS_STORE_BAD_REQUEST', `interval_ms must be a positive integer, got ${agg.interval_ms}`);
    }
    if (histogramBucketCount(range.from, range.to, agg.interval_ms) > MAX_HISTOGRAM_BUCKETS) {
      throw storeError(
        'LS_STORE_BAD_REQUEST',
        `date_histogram over this range at ${agg.interval_ms} ms would have more than ${MAX_HISTOGRAM_BUCKETS} buckets; pick a larger interval or a narrower range`,
      );
    }
  }
  if (agg.type === 'percentiles') {
    for (const p of agg.percents) {
      if (!(p >= 0 && p <= 100)) throw storeError('LS_STORE_BAD_REQUEST', `percent ${p} is outside 0..100`);
    }
  }
}
