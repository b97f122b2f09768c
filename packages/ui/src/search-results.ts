/**
 * The results list's state for one search, and how pages and live arrivals
 * join it.
 */
import type { LogEvent } from '@logship/query/browser';
import type { HistogramAnswer, SearchAnswer } from './api-client.js';
import type { HistogramData } from './histogram.js';

export const PAGE_SIZE = 100;

export interface Results {
  events: LogEvent[];
  total: SearchAnswer['total'] | null;
  tookMs: number | null;
  next: string | null;
  loading: boolean;
  loadingMore: boolean;
  /** Why the next page failed: paging stops there until the user retries. */
  moreError: string | null;
  /**
   * Oldest first, live: events that arrived while pages remain. They come
   * after the last page (which ends where the search's range ended), so they
   * are added when it is loaded.
   */
  tail: LogEvent[];
}

export const EMPTY_RESULTS: Results = { events: [], total: null, tookMs: null, next: null, loading: false, loadingMore: false, moreError: null, tail: [] };

/** `events` then those of `more` not among them. */
export function appendNew(events: LogEvent[], more: LogEvent[]): LogEvent[] {
  const seen = new Set(events.map((e) => e['event.id']));
  return events.concat(more.filter((e) => !seen.has(e['event.id'])));
}

/**
 * The search counts hits up to 10,000 (`gte` past that); the histogram of
 * the same query and range counts them all. Past the search's limit the
 * histogram's sum is the total, as Kibana's Discover shows it, rather than
 * "≥ 10,000" for any busy quarter hour.
 */
export function exactTotal(total: SearchAnswer['total'], histogramSum: number | null): SearchAnswer['total'] {
  return total.relation === 'gte' && histogramSum !== null && histogramSum >= total.value ? { value: histogramSum, relation: 'eq' } : total;
}

/** Fills every bucket of the range (older servers leave empty ones out). */
export function bucketize(from: number, to: number, intervalMs: number, answers: HistogramAnswer[]): HistogramData {
  const start = Math.floor(from / intervalMs) * intervalMs;
  const keys: number[] = [];
  for (let k = start; k <= to; k += intervalMs) keys.push(k);
  const series = answers.map((a) => {
    const byKey = new Map(a.buckets.map((b) => [b.key, b.count]));
    return keys.map((k) => byKey.get(k) ?? 0);
  });
  return { keys, total: series[0]!, errors: series[1]!, warnings: series[2]!, intervalMs };
}
