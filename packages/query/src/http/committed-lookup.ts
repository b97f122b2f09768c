/**
 * The events of refs the live feed gives instead of events (live-feed.ts
 * `CommittedRef`: committed while no one listened, or let go since), read
 * back from the store by their times: a tail that starts or resumes from a
 * mark sends exactly what was committed after it, as it would the feed's
 * own events.
 *
 *   refs ─► by time ─► runs, split where times are LOOKUP_GAP_MS apart or
 *   more (at the widest LOOKUP_RUNS - 1 such gaps) ─► one ascending search
 *   a run (its first to its last time, the tail's query), its hits with a
 *   ref's id taken
 *
 * A run's search reads every matching event stamped in it, those committed
 * before the mark too: events arriving now make one short run; a late one
 * alone a run of its own millisecond. At most LOOKUP_RUNS searches begin
 * (a backfill of events stamped seconds apart is not 50,000 searches), and
 * the pages after their first are bounded by `maxPages` (past it: null,
 * and the caller replays by time).
 */
import type { QueryNode } from '../ast.js';
import type { LogEvent } from '../event.js';
import type { LogReader } from '../log-reader.js';
import type { CommittedRef } from './live-feed.js';

/** Refs this close in time are read with one search. */
export const LOOKUP_GAP_MS = 1_000;
/** Searches at most, one a run. */
export const LOOKUP_RUNS = 100;

export interface LookupOptions {
  now: number;
  pageSize: number;
  /** Pages beyond the first of each run; past them the look-up gives up (null). */
  maxPages: number;
  /** True once the reader is gone: no more pages. */
  stopped: () => boolean;
}

/** The refs' events that match `query`, by event.id; null when they take more than `maxPages`. An event the store no longer has (expired) is not in it. */
export async function lookUpCommitted(reader: LogReader, query: QueryNode, refs: readonly CommittedRef[], opts: LookupOptions): Promise<Map<string, LogEvent> | null> {
  const found = new Map<string, LogEvent>();
  const sorted = [...refs].sort((a, b) => a.ts - b.ts);
  const splits = runStarts(sorted);
  let extraPages = 0;
  for (let start = 0; start < sorted.length && !opts.stopped();) {
    let end = start + 1;
    while (end < sorted.length && !splits.has(end)) end++;
    const wanted = new Set<string>();
    for (let i = start; i < end; i++) wanted.add(sorted[i]!.id);
    const from = sorted[start]!.ts;
    const to = sorted[end - 1]!.ts;
    start = end;
    let cursor: string | null = null;
    for (let page = 0; !opts.stopped(); page++) {
      if (page > 0 && ++extraPages > opts.maxPages) return null;
      const answer = await reader.search({ query, from, to, limit: opts.pageSize, sort: 'asc', cursor, now: opts.now });
      for (const ev of answer.hits) {
        const id = ev['event.id'];
        if (wanted.delete(id)) found.set(id, ev);
      }
      cursor = answer.next_cursor;
      if (!cursor || answer.hits.length === 0 || wanted.size === 0) break;
    }
  }
  return found;
}

/** Where runs start (indexes into `sorted`, the first apart): after the widest gaps of LOOKUP_GAP_MS or more, LOOKUP_RUNS - 1 at most. */
function runStarts(sorted: readonly CommittedRef[]): Set<number> {
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.ts - sorted[i - 1]!.ts >= LOOKUP_GAP_MS) gaps.push(i);
  if (gaps.length >= LOOKUP_RUNS) {
    const width = (i: number) => sorted[i]!.ts - sorted[i - 1]!.ts;
    gaps.sort((a, b) => width(b) - width(a));
    gaps.length = LOOKUP_RUNS - 1;
  }
  return new Set(gaps);
}
