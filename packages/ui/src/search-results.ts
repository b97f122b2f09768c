/**
 * The results list's state for one search, and how pages and live arrivals
 * join it.
 */
import { TAIL_SKEW_MS, type LogEvent } from '@logship/query/browser';
import type { HistogramAnswer, SearchAnswer } from './api-client.js';
import { answerMark, type AnswerMark } from './commit-marks.js';
import type { HistogramData } from './histogram.js';

export const PAGE_SIZE = 100;

export interface Results {
  events: LogEvent[];
  total: SearchAnswer['total'] | null;
  /** The commit mark of the answer `total` is (the search's, or the histogram's past its limit): the live events it counts already. */
  totalMark?: AnswerMark | undefined;
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
  const [total, errors, warnings] = answers.map((a) => answerMark(a));
  return { keys, total: series[0]!, errors: series[1]!, warnings: series[2]!, intervalMs, marks: { total, errors, warnings } };
}

/**
 * How far past now a live event may be stamped and still count as in a
 * range ending now: a little clock skew between hosts, as the tail route's
 * catch-up allows and a tail's position takes. Past that (a clock hours
 * ahead) it is outside the range.
 */
export const LIVE_SKEW_MS = TAIL_SKEW_MS;

/**
 * Whether an event live sent is in the range the search chose: at or after
 * its start and not later than now (with LIVE_SKEW_MS). A late event from
 * before the start, or one stamped far ahead, was put on top of the list and
 * counted, though searching the same range again does not find it.
 */
export function inLiveRange(ev: LogEvent, fromMs: number, nowMs: number): boolean {
  const t = Date.parse(ev['@timestamp']);
  return Number.isFinite(t) && t >= fromMs && t <= nowMs + LIVE_SKEW_MS;
}

const timeOf = (ev: LogEvent): number => Date.parse(ev['@timestamp']);

/**
 * `events` (in `sort` order) with `more` (in the order they came) each at
 * its place by time; among events of the same millisecond, as the newest to
 * arrive (first newest first, last oldest first), as live put them before.
 * One merge: a burst placed one event at a time copied the list for each.
 */
export function insertByTime(events: LogEvent[], more: LogEvent[], sort: 'asc' | 'desc'): LogEvent[] {
  if (more.length === 0) return events;
  // Stable sorts: ties keep the order they came in, the latest first newest first.
  const incoming = (sort === 'desc' ? more.slice().reverse() : more.slice())
    .sort((a, b) => (sort === 'desc' ? timeOf(b) - timeOf(a) : timeOf(a) - timeOf(b)));
  const out: LogEvent[] = [];
  let i = 0;
  for (const ev of incoming) {
    const t = timeOf(ev);
    if (sort === 'desc') while (i < events.length && timeOf(events[i]!) > t) out.push(events[i++]!);
    else while (i < events.length && timeOf(events[i]!) <= t) out.push(events[i++]!);
    out.push(ev);
  }
  while (i < events.length) out.push(events[i++]!);
  return out;
}

/**
 * The results with events live sent (in the order they came) each at its
 * place by time, as Grafana's live mode orders its rows: on top only when
 * newest (newest first). One that comes after every loaded row while pages
 * remain is left to them: within the search's range (it ends at
 * `searchedToMs`), the next page brings it; after it (oldest first), it
 * waits in `tail` for the last page.
 */
export function placeArrivals(r: Results, evs: LogEvent[], sort: 'asc' | 'desc', searchedToMs: number): Results {
  const have = new Set<string>();
  for (const e of r.events) have.add(e['event.id']);
  for (const e of r.tail) have.add(e['event.id']);
  const last = r.events[r.events.length - 1];
  const toList: LogEvent[] = [];
  const toTail: LogEvent[] = [];
  for (const ev of evs) {
    if (have.has(ev['event.id'])) continue;
    have.add(ev['event.id']);
    const afterLoaded = last === undefined || (sort === 'desc' ? timeOf(ev) < timeOf(last) : timeOf(ev) > timeOf(last));
    if (r.next !== null && afterLoaded) {
      if (sort === 'asc' && timeOf(ev) > searchedToMs) toTail.push(ev);
      continue;
    }
    toList.push(ev);
  }
  if (toList.length === 0 && toTail.length === 0) return r;
  return { ...r, events: insertByTime(r.events, toList, sort), tail: insertByTime(r.tail, toTail, 'asc') };
}
