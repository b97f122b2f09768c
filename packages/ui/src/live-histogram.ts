/**
 * Live mode's figures: the events the tail added since the search, folded
 * into the search's histogram (their bars, errors and warnings in their
 * colours), so the bars and the total follow the list instead of staying at
 * the first search's numbers. Bars past the range's end are added as time
 * goes on; past twice the usual count they merge into a coarser interval.
 */
import { arrayElements, type LogEvent } from '@logship/query/browser';
import { answerMark, inAnswer, notInAnswer } from './commit-marks.js';
import { levelClass } from './event-row.js';
import type { FieldsAnswer, ValuesAnswer } from './api-client.js';
import type { HistogramData } from './histogram.js';
import { coarserInterval } from './time-range.js';

const MAX_BARS = 240;

/** Each series counts the events its own answer lacks (commit-marks.ts): its three reads ran at their own moments. */
export function withArrivals(base: HistogramData | null, events: readonly LogEvent[]): HistogramData | null {
  if (!base || events.length === 0 || base.keys.length === 0) return base;
  const start = base.keys[0]!;
  let { intervalMs } = base;
  let keys = base.keys.slice();
  let total = base.total.slice();
  let errors = base.errors.slice();
  let warnings = base.warnings.slice();
  for (const ev of events) {
    const t = Date.parse(ev['@timestamp']);
    // Before the range's start (a late event): in the list, not in its bars.
    if (!Number.isFinite(t) || t < start) continue;
    const i = Math.floor((t - start) / intervalMs);
    // Far in the future (a clock gone wrong): no bars by the million.
    if (i >= keys.length + 100_000) continue;
    while (keys.length <= i) {
      keys.push(start + keys.length * intervalMs);
      total.push(0);
      errors.push(0);
      warnings.push(0);
    }
    if (!inAnswer(ev, base.marks?.total)) total[i]!++;
    const lv = levelClass(ev.level);
    if (lv === 'lv-error' && !inAnswer(ev, base.marks?.errors)) errors[i]!++;
    else if (lv === 'lv-warn' && !inAnswer(ev, base.marks?.warnings)) warnings[i]!++;
  }
  if (keys.length > MAX_BARS) {
    const coarse = coarserInterval(intervalMs, keys.length * intervalMs);
    if (coarse !== null) {
      const first = Math.floor(start / coarse) * coarse;
      const n = Math.floor((keys[keys.length - 1]! - first) / coarse) + 1;
      const merge = (xs: number[]) => {
        const out = new Array<number>(n).fill(0);
        xs.forEach((x, j) => { out[Math.floor((keys[j]! - first) / coarse)]! += x; });
        return out;
      };
      total = merge(total);
      errors = merge(errors);
      warnings = merge(warnings);
      keys = Array.from({ length: n }, (_, j) => first + j * coarse);
      intervalMs = coarse;
    }
  }
  return { keys, total, errors, warnings, intervalMs };
}

/**
 * The field list with the live arrivals counted in: each field an event has
 * counts it once, a field new with them is added. Only exact counts: sampled
 * ones are estimates a single event does not move.
 */
export function fieldsWithArrivals(base: FieldsAnswer | null, events: readonly LogEvent[]): FieldsAnswer | null {
  if (!base || events.length === 0 || base.counts !== 'exact') return base;
  const counts = new Map(base.fields.map((f) => [f.name, f.count]));
  const added: FieldsAnswer['fields'] = [];
  for (const ev of notInAnswer(events, answerMark(base))) {
    for (const [name, value] of Object.entries(ev)) {
      if (value === undefined) continue;
      if (!counts.has(name)) added.push({ name, types: [typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string'], count: 0 });
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return {
    ...base,
    fields: [...base.fields, ...added].map((f) => ({ ...f, count: counts.get(f.name) ?? f.count })),
  };
}

/**
 * A field's top values with the live arrivals counted in (exact counts
 * only, as fieldsWithArrivals): a value listed counts its events, another
 * one goes to `other`, an event without the field to `missing`. The list
 * is ordered again by count, so a value live makes frequent moves up; a
 * value that was not listed stays in `other`.
 */
export function valuesWithArrivals(base: ValuesAnswer | null, field: string, events: readonly LogEvent[]): ValuesAnswer | null {
  if (!base || events.length === 0 || base.counts !== 'exact') return base;
  const at = new Map(base.values.map((v, i) => [String(v.value), i]));
  const counts = base.values.map((v) => v.count);
  let other = base.other_count;
  let missing = base.missing_count;
  for (const ev of notInAnswer(events, answerMark(base))) {
    const v = Object.hasOwn(ev, field) ? ev[field] : undefined;
    if (v === undefined || v === null) {
      missing++;
      continue;
    }
    const key = typeof v === 'object' ? JSON.stringify(v) : String(v);
    // An array counts under each of its distinct elements, as the server's
    // terms do (query/src/array-values.ts addTermsKey); one without any is missing.
    const elements = arrayElements(key);
    if (elements === null) {
      const i = at.get(key);
      if (i === undefined) other++;
      else counts[i]!++;
      continue;
    }
    if (elements.length === 0) missing++;
    for (const k of new Set(elements.map(String))) {
      const i = at.get(k);
      if (i === undefined) other++;
      else counts[i]!++;
    }
  }
  const values = base.values.map((v, i) => ({ ...v, count: counts[i]! })).sort((a, b) => b.count - a.count);
  return { ...base, values, other_count: other, missing_count: missing };
}
