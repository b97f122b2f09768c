/**
 * What the page asks when a search found nothing: is the range empty
 * whatever the query (then when the newest event is), or are the query's
 * fields missing or its values in another case (missing-fields.ts,
 * case-hints.ts)? Said by empty-results.tsx.
 */
import { getJson, type SearchAnswer } from './api-client.js';
import { caseHints } from './case-hints.js';
import { missingFields, type MissingField } from './missing-fields.js';

export interface NothingFound {
  missing: MissingField[];
  cases: string[];
  /** When the range holds no event at all: the newest event's time (null: the store has none). */
  newest?: Promise<string | null>;
}

export async function nothingFound(
  q: string,
  range: { from: string; to: string },
  textFields: Promise<readonly string[] | undefined>,
  signal: AbortSignal,
): Promise<NothingFound> {
  // Nothing at all in the range (a shipper stopped, a quiet night, a range
  // too narrow), with or without a query: when was the newest event, if
  // any? (All time is cheap to search newest first with no query.) Every
  // field of a query "was in no event" of such a range, which read as a
  // wrong field name.
  const noQuery = q.trim() === '' || q.trim() === '*';
  const rangeEmpty = noQuery
    || (await getJson<SearchAnswer>('/api/v1/search', { q: '', ...range, limit: 1, fields: '@timestamp' }, signal)).total.value === 0;
  if (!rangeEmpty) {
    const [missing, cases] = await Promise.all([missingFields(q, range, signal), caseHints(q, range, textFields, signal)]);
    return { missing, cases };
  }
  const newest = getJson<SearchAnswer>('/api/v1/search', { q: '', from: '0', to: 'now', limit: 1, fields: '@timestamp' }, signal)
    .then((n) => n.hits[0]?.['@timestamp'] ?? null);
  return { missing: [], cases: [], newest };
}
