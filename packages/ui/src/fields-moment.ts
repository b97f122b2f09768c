/**
 * Whether the field list counts the same events as the hits. The two are
 * two reads (the search, then /api/v1/fields): during ingest an event
 * stamped inside the range and committed between them is in one and not
 * the other (on first load the sign-in gate sends the search alone, so the
 * fields are always read later), and `@timestamp 47` beside "40 hits" read
 * as a bug. The fields API takes no commit mark to read as of (a store
 * reads what is committed), so the sidebar says when its counts are of
 * another moment, by how many events; with live on, the events committed
 * in between arrive and both figures count them (commit-marks.ts), and the
 * note goes once they agree.
 */
import type { FieldsAnswer, SearchAnswer } from './api-client.js';

/** The note for `fields` beside the hits' `total` (both as shown), or null when they agree or cannot be compared. */
export function fieldsMoment(fields: FieldsAnswer | null, total: SearchAnswer['total'] | null): string | null {
  // A sampled list is an estimate scaled to its own count; a `gte` total is no count to compare with.
  if (!fields || fields.counts !== 'exact' || !total || total.relation !== 'eq') return null;
  // Every event has @timestamp: its count is the events the list counted.
  const counted = fields.fields.find((f) => f.name === '@timestamp')?.count;
  if (counted === undefined || counted === total.value) return null;
  const n = Math.abs(counted - total.value);
  const events = n === 1 ? 'event' : 'events';
  return counted > total.value
    ? `Counted a moment after the hits: ${n.toLocaleString()} more ${events}, which came in between.`
    : `Counted a moment before the hits: ${n.toLocaleString()} fewer ${events}.`;
}
