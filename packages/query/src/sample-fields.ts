/**
 * The fields of a range by sampling (GET /api/v1/fields, README.md "HTTP
 * API"): the newest FIELD_SAMPLE_SIZE matching events are read through
 * search() and their keys counted. When that is every matching event the
 * counts are exact; otherwise each count is scaled by matching events /
 * sample size (the matching events counted with count()), and the answer
 * says 'sampled'. A field only older events have is then not listed: the
 * newest events are what a search page shows, so they are what a sidebar and
 * autocomplete are about. Kibana's sidebar samples the same way (500
 * documents).
 */
import type { LogEvent } from './event.js';
import type { FieldSummary, FieldType, FieldsRequest, FieldsResult, LogReader } from './log-reader.js';

/** Events a sampled answer examines. */
export const FIELD_SAMPLE_SIZE = 10_000;

const TYPE_ORDER: readonly FieldType[] = ['string', 'number', 'boolean', 'date'];

/** The type a value reports as; null and undefined are no value (the field is missing). */
export function fieldTypeOf(field: string, value: unknown): FieldType | null {
  if (value === null || value === undefined) return null;
  if (field === '@timestamp') return 'date';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return null;
  }
}

/** Counts per field over events; a Map, so `constructor` or `__proto__` are fields like any other. */
export class FieldTally {
  private readonly byName = new Map<string, { types: Set<FieldType>; count: number }>();
  events = 0;

  add(event: LogEvent): void {
    this.events++;
    for (const name of Object.keys(event)) {
      const type = fieldTypeOf(name, event[name]);
      if (type === null) continue;
      let entry = this.byName.get(name);
      if (!entry) this.byName.set(name, (entry = { types: new Set(), count: 0 }));
      entry.types.add(type);
      entry.count++;
    }
  }

  /**
   * One field's values over some events, as add() would count them from
   * the events (a column store reads fields column by column): `values[k]`
   * is event k's value, undefined where it has none. Add the events with
   * addEvents, once per batch of events.
   */
  addValues(name: string, values: ArrayLike<unknown>): void {
    let entry = this.byName.get(name);
    for (let k = 0; k < values.length; k++) {
      const type = fieldTypeOf(name, values[k]);
      if (type === null) continue;
      if (!entry) this.byName.set(name, (entry = { types: new Set(), count: 0 }));
      entry.types.add(type);
      entry.count++;
    }
  }

  addEvents(n: number): void {
    this.events += n;
  }

  /** Sorted by count desc, then name; counts multiplied by `scale` (rounded, at least 1, at most `cap`). */
  summaries(scale = 1, cap = Infinity): FieldSummary[] {
    const out: FieldSummary[] = [];
    for (const [name, { types, count }] of this.byName) {
      const scaled = scale === 1 ? count : Math.min(cap, Math.max(1, Math.round(count * scale)));
      out.push({ name, types: TYPE_ORDER.filter((t) => types.has(t)), count: scaled });
    }
    return out.sort((a, b) => b.count - a.count || compareNames(a.name, b.name));
  }
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The newest `size` events matching the request, newest first, and whether
 * they are all of them. Pages through next_cursor: a store may cap one page
 * (Elasticsearch: 9,999).
 */
export async function newestEvents(reader: LogReader, req: FieldsRequest, size: number): Promise<{ events: LogEvent[]; complete: boolean }> {
  const events: LogEvent[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await reader.search({
      query: req.query,
      from: req.from,
      to: req.to,
      now: req.now,
      sort: 'desc',
      limit: size - events.length,
      cursor,
      ...(req.signal ? { signal: req.signal } : {}),
    });
    events.push(...page.hits);
    cursor = page.next_cursor;
    if (cursor === null) return { events, complete: true };
    if (events.length >= size || page.hits.length === 0) return { events, complete: false };
  }
}

export async function sampleFields(reader: LogReader, req: FieldsRequest, sampleSize = FIELD_SAMPLE_SIZE): Promise<FieldsResult> {
  const { events, complete } = await newestEvents(reader, req, sampleSize);
  const tally = new FieldTally();
  for (const e of events) tally.add(e);
  if (complete) return fieldsAnswer(tally, null);
  return fieldsAnswer(tally, await reader.count({ query: req.query, from: req.from, to: req.to, now: req.now, ...(req.signal ? { signal: req.signal } : {}) }));
}

/**
 * The answer from a tally of the newest matching events: exact when they
 * were all of them (`total` null), else counts scaled to `total`.
 */
export function fieldsAnswer(tally: FieldTally, total: number | null): FieldsResult {
  if (total === null) return { counts: 'exact', fields: tally.summaries() };
  const sampled = tally.events;
  return { counts: 'sampled', sample_size: sampled, fields: tally.summaries(sampled === 0 ? 1 : total / sampled, total) };
}
