/**
 * `method:get` where events hold `GET`: keyword values are case-sensitive
 * (only `level` is not), which Kibana's and Loki's users do not expect. For
 * each field:value clause of the query, the field's values in any case,
 * from the values API, as `logship search` says them on stderr
 * (@logship/query case-variants.ts).
 */
import { anyCaseQuery, caseHint, keywordEqualities, parse } from '@logship/query/browser';
import { getJson, type ValuesAnswer } from './api-client.js';
import { maskSavedRefs } from './query-text.js';

/**
 * One sentence per clause whose value events hold only in another case;
 * never rejects. `textFields` are the server's (the fields answer's
 * `text_fields`), whose clauses match words in any case already: with the
 * default list instead, a server whose `search.text_fields` left out
 * `error` got no hint for `error:timeout` where events hold `Timeout`.
 * Undefined (an older server) is the default list, as such a server has.
 */
export async function caseHints(q: string, range: { from: string; to: string }, textFields: Promise<readonly string[] | undefined>, signal?: AbortSignal): Promise<string[]> {
  let eqs;
  try {
    eqs = keywordEqualities(parse(maskSavedRefs(q)), await textFields);
  } catch {
    return [];
  }
  const hints: string[] = [];
  for (const eq of eqs) {
    const values = await getJson<ValuesAnswer>(`/api/v1/fields/${encodeURIComponent(eq.field)}/values`, { q: anyCaseQuery(eq), ...range, size: 10 }, signal)
      .then((a) => a.values.map((v) => String(v.value)), () => [] as string[]);
    const hint = caseHint(eq, values);
    if (hint !== null) hints.push(hint);
  }
  return hints;
}
