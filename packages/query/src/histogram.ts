/**
 * date_histogram buckets over a whole range (README.md "HTTP API"): one
 * bucket per interval in [from, to], aligned to the UTC epoch (key =
 * floor(ts / interval) * interval), the empty ones with count 0, so a chart
 * draws an outage as a gap, not as a line across it. Every store fills its
 * counts in through this one function.
 */
export interface HistogramBucket {
  key: number;
  key_as_string: string;
  count: number;
}

/**
 * The most buckets one histogram may have. Below Elasticsearch's default
 * search.max_buckets (65,536); the HTTP API's intervals stay far below it
 * (auto: about 120, explicit: at most 10,000).
 */
export const MAX_HISTOGRAM_BUCKETS = 50_000;

/** The bucket key of a timestamp: floor division that stays right before 1970. */
export function bucketKey(ts: number, intervalMs: number): number {
  return ts - (((ts % intervalMs) + intervalMs) % intervalMs);
}

/** How many buckets [from, to] has at this interval (Infinity for an open range). */
export function histogramBucketCount(from: number, to: number, intervalMs: number): number {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return Infinity;
  if (from > to) return 0;
  return (bucketKey(to, intervalMs) - bucketKey(from, intervalMs)) / intervalMs + 1;
}

/**
 * Every bucket of [from, to] with the counts given by key (keys outside the
 * range are kept too, in order, so no counted event is ever dropped). The
 * caller checks histogramBucketCount against MAX_HISTOGRAM_BUCKETS first.
 */
export function fillHistogram(counts: ReadonlyMap<number, number>, from: number, to: number, intervalMs: number): HistogramBucket[] {
  const keys = new Set<number>(counts.keys());
  if (from <= to && Number.isFinite(from) && Number.isFinite(to)) {
    for (let k = bucketKey(from, intervalMs); k <= to; k += intervalMs) keys.add(k);
  }
  return [...keys]
    .sort((a, b) => a - b)
    .map((key) => ({ key, key_as_string: new Date(key).toISOString(), count: counts.get(key) ?? 0 }));
}
