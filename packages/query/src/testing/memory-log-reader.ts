/**
 * A `LogReader` over an array of events, answering with the reference
 * matcher (matcher.ts): the query HTTP API's routes are tested against it
 * with inject(), without a store. Sorting, paging (the shared cursor codec)
 * and aggregations follow the contract the stores pass; it is the matcher's
 * meaning of a query, so it is what the stores are measured against anyway.
 */
import type { LogEvent } from '../event.js';
import { addTermsKey } from '../array-values.js';
import { ownField } from '../event.js';
import type { AggregateRequest, AggregateResult, CountRequest, LogReader, SearchRequest, SearchResult } from '../log-reader.js';
import { compileMatcher } from '../matcher.js';
import { decodeCursor, encodeCursor } from '../search-cursor.js';

export class MemoryLogReader implements LogReader {
  /** The requests seen, newest last (tests check what the routes asked for). */
  readonly requests: (SearchRequest | CountRequest | AggregateRequest)[] = [];

  constructor(private readonly events: readonly LogEvent[]) {}

  private matching(req: CountRequest): LogEvent[] {
    const matches = compileMatcher(req.query, { now: req.now });
    return this.events.filter((e) => {
      const ts = Date.parse(e['@timestamp']);
      return ts >= req.from && ts <= req.to && matches(e);
    });
  }

  async search(req: SearchRequest): Promise<SearchResult> {
    this.requests.push(req);
    const sort = req.sort ?? 'desc';
    const dir = sort === 'asc' ? 1 : -1;
    const key = (e: LogEvent) => ({ ts: Date.parse(e['@timestamp']), id: e['event.id'] });
    const cmp = (a: { ts: number; id: string }, b: { ts: number; id: string }) =>
      dir * (a.ts !== b.ts ? a.ts - b.ts : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    let all = this.matching(req).sort((a, b) => cmp(key(a), key(b)));
    const total = all.length;
    if (req.cursor) {
      const decoded = decodeCursor(req.cursor, sort, req.query);
      if (!decoded.ok) throw Object.assign(new Error(decoded.reason), { code: 'LS_STORE_BAD_CURSOR', statusCode: 400 });
      all = all.filter((e) => cmp(key(e), decoded.key) > 0);
    }
    const page = all.slice(0, req.limit);
    const last = page[page.length - 1];
    const hits = req.fields ? page.map((e) => project(e, req.fields!)) : page;
    return {
      hits,
      total: { value: total, relation: 'eq' },
      next_cursor: all.length > req.limit && last ? encodeCursor(key(last), sort, req.query) : null,
    };
  }

  async count(req: CountRequest): Promise<number> {
    this.requests.push(req);
    return this.matching(req).length;
  }

  async aggregate(req: AggregateRequest): Promise<AggregateResult> {
    this.requests.push(req);
    const events = this.matching(req);
    const agg = req.agg;
    switch (agg.type) {
      case 'terms': {
        const counts = new Map<string, number>();
        let missing = 0;
        for (const e of events) {
          const v = ownField(e, agg.field);
          if (v === undefined || v === null || !addTermsKey(counts, String(v), 1)) missing++;
        }
        const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
        const top = sorted.slice(0, agg.size);
        const other = sorted.slice(agg.size).reduce((s, [, n]) => s + n, 0);
        return { type: 'terms', buckets: top.map(([key, count]) => ({ key, count })), other_count: other, missing_count: missing };
      }
      case 'date_histogram': {
        const counts = new Map<number, number>();
        for (const e of events) {
          const ts = Date.parse(e['@timestamp']);
          const k = ts - (((ts % agg.interval_ms) + agg.interval_ms) % agg.interval_ms);
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        const buckets = [...counts].sort((a, b) => a[0] - b[0]).map(([key, count]) => ({ key, key_as_string: new Date(key).toISOString(), count }));
        return { type: 'date_histogram', interval_ms: agg.interval_ms, buckets };
      }
      case 'stats': {
        const values = numbers(events, agg.field);
        const sum = values.reduce((s, v) => s + v, 0);
        return {
          type: 'stats', count: values.length, sum,
          min: values.length ? Math.min(...values) : null,
          max: values.length ? Math.max(...values) : null,
          avg: values.length ? sum / values.length : null,
        };
      }
      case 'percentiles': {
        const values = numbers(events, agg.field).sort((a, b) => a - b);
        const out: Record<string, number | null> = {};
        for (const p of agg.percents) {
          const rank = (p / 100) * (values.length - 1);
          const lo = values[Math.floor(rank)];
          const hi = values[Math.ceil(rank)];
          out[String(p)] = lo === undefined || hi === undefined ? null : lo + (hi - lo) * (rank - Math.floor(rank));
        }
        return { type: 'percentiles', count: values.length, values: out };
      }
    }
  }
}

function numbers(events: readonly LogEvent[], field: string): number[] {
  const out: number[] = [];
  for (const e of events) {
    const v = ownField(e, field);
    if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
  }
  return out;
}

function project(e: LogEvent, fields: readonly string[]): LogEvent {
  const out: LogEvent = { '@timestamp': e['@timestamp'], 'event.id': e['event.id'] };
  for (const f of fields) {
    const v = ownField(e, f);
    if (v !== undefined) Object.defineProperty(out, f, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
