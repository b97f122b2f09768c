/**
 * Why a search found nothing, as `logship search` says it on stderr: the
 * fields the query names that no event in the range has, each with the
 * nearest field name events do have (`hots` → `host`). A typo in a field
 * name otherwise reads as "0 hits" and nothing more.
 */
import { fieldsOf, nearestName, parse, quoteHint } from '@logship/query/browser';
import { getJson, type FieldsAnswer, type SearchAnswer } from './api-client.js';
import { escapeField, maskSavedRefs } from './query-text.js';

/** Fields the language gives a meaning of their own, never missing. */
const ALWAYS_KNOWN = new Set(['@timestamp', 'event.id']);

export interface MissingField {
  field: string;
  nearest: string | null;
  /** `Crash.java:7` pasted from a trace: the phrase that searches it as text (quote-hint.ts), else null. */
  quoted: string | null;
}

export async function missingFields(q: string, range: { from: string; to: string }, signal?: AbortSignal): Promise<MissingField[]> {
  let named: string[];
  let ast: ReturnType<typeof parse>;
  try {
    ast = parse(maskSavedRefs(q));
    named = [...fieldsOf(ast)].filter((f) => !ALWAYS_KNOWN.has(f));
  } catch {
    return [];
  }
  // Exact, by search: the fields API samples past 10,000 events and could
  // miss a rare field.
  const missing: string[] = [];
  for (const field of named) {
    const a = await getJson<SearchAnswer>('/api/v1/search', { q: `_exists_:${escapeField(field)}`, ...range, limit: 1 }, signal);
    if (a.total.value === 0) missing.push(field);
  }
  if (missing.length === 0) return [];
  const known = await getJson<FieldsAnswer>('/api/v1/fields', { q: '', ...range }, signal)
    .then((a) => a.fields.map((f) => f.name), () => [] as string[]);
  return missing.map((field) => ({ field, nearest: nearestName(field, known), quoted: quoteHint(q, ast, field) }));
}
