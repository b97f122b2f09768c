/**
 * What the page asks when a search found nothing: is the range empty
 * whatever the query (then when the newest event is), or are the query's
 * fields missing, its values in another case (missing-fields.ts,
 * case-hints.ts) or its free-text values in a field of their own
 * (value-elsewhere.ts)? Said by empty-results.tsx.
 */
import { ELSEWHERE_SAMPLE, elsewhereProbe, parse, valuesElsewhere, type ValueElsewhere } from '@logship/query/browser';
import { getJson, type SearchAnswer } from './api-client.js';
import { caseHints } from './case-hints.js';
import { missingFields, type MissingField } from './missing-fields.js';
import { maskSavedRefs } from './query-text.js';

/** What is said of the query's values: in another case, or in another field. */
export interface ValueHints {
  cases: string[];
  elsewhere: ValueElsewhere[];
}

export const NO_VALUE_HINTS: ValueHints = Object.freeze({ cases: [], elsewhere: [] });

export interface NothingFound extends ValueHints {
  missing: MissingField[];
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
    // A field no event has empties the probe too: asked only when every field is there.
    const [[missing, elsewhere], cases] = await Promise.all([
      missingFields(q, range, signal).then(async (m) => [m, m.length > 0 ? [] : await valuesIn(q, range, textFields, signal)] as const),
      caseHints(q, range, textFields, signal),
    ]);
    return { missing, cases, elsewhere };
  }
  const newest = getJson<SearchAnswer>('/api/v1/search', { q: '', from: '0', to: 'now', limit: 1, fields: '@timestamp' }, signal)
    .then((n) => n.hits[0]?.['@timestamp'] ?? null);
  return { missing: [], cases: [], elsewhere: [], newest };
}

/**
 * `203.0.113.250` pasted where events hold it in remote_addr: one more
 * search, each free-text value on every field (`*:203.0.113.250`), as
 * `logship search` asks; never rejects.
 */
async function valuesIn(q: string, range: { from: string; to: string }, textFields: Promise<readonly string[] | undefined>, signal: AbortSignal): Promise<ValueElsewhere[]> {
  let probe;
  try {
    probe = elsewhereProbe(q, parse(maskSavedRefs(q)));
  } catch {
    return [];
  }
  if (probe === null) return [];
  try {
    const a = await getJson<SearchAnswer>('/api/v1/search', { q: probe.query, ...range, limit: ELSEWHERE_SAMPLE }, signal);
    return valuesElsewhere(probe, a, await textFields);
  } catch {
    return [];
  }
}
