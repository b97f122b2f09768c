/**
 * What `logship search` prints on stderr when it found nothing, so that an
 * empty answer never looks like "no matches" when something else happened:
 * the query and the range searched, habits of other query languages read
 * differently here (`and`, an unknown level), and for each field the query names
 * that no event in the range has, the nearest field name events do have
 * (`levle` → `level`), and a free-text value that some other field holds
 * (`203.0.113.250` in remote_addr: value-elsewhere.ts).
 */
import type { QueryNode } from '../ast.js';
import { anyCaseQuery, caseHint, keywordEqualities } from '../case-variants.js';
import { nearestName } from '../nearest-name.js';
import { parse } from '../parse.js';
import { fieldsOf } from '../query-fields.js';
import { queryHints } from '../query-hints.js';
import { quoteHint } from '../quote-hint.js';
import { regexHintNeedsTextFields } from '../regex-word-hint.js';
import { ELSEWHERE_SAMPLE, elsewhereProbe, valuesElsewhere } from '../value-elsewhere.js';
import { getJson, type ClientOptions } from './client.js';

// The search page asks the same questions (packages/ui), hence their own modules.
export { editDistance, nearestName } from '../nearest-name.js';
export { fieldsOf } from '../query-fields.js';

interface Answer {
  hits: Record<string, unknown>[];
  total: { value: number };
  range?: { from: string; to: string };
}

/** Events sampled for field names when the server has no fields API. */
const SAMPLE = 500;
/** Fields the language gives a meaning of their own, never "unknown". */
const ALWAYS_KNOWN = new Set(['@timestamp', 'event.id']);

function quoteField(name: string): string {
  return /^[\w.@-]+$/.test(name) ? name : `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** `params` with the range (`from`, `to`) of `base`. */
function rangeOf(base: URLSearchParams, params: Record<string, string>): URLSearchParams {
  const out = new URLSearchParams(params);
  for (const k of ['from', 'to']) {
    const v = base.get(k);
    if (v !== null) out.set(k, v);
  }
  return out;
}

/**
 * Field names events in the range have: the fields API (GET /api/v1/fields),
 * or, from a server without it, the fields of a sample of events.
 */
async function knownFields(client: ClientOptions, base: URLSearchParams): Promise<Set<string>> {
  const range = rangeOf(base, {});
  try {
    const ans = await getJson<{ fields: { name: string }[] }>(client, '/api/v1/fields', range);
    return new Set(ans.fields.map((f) => f.name));
  } catch {
    const sample = new URLSearchParams(base);
    sample.set('q', '');
    sample.set('limit', String(SAMPLE));
    const known = new Set<string>();
    for (const hit of (await getJson<Answer>(client, '/api/v1/search', sample)).hits) for (const k of Object.keys(hit)) known.add(k);
    return known;
  }
}

/** Said when the range holds no event at all: when the newest one is, or that there is none. */
async function newestEvent(client: ClientOptions): Promise<string> {
  const all = new URLSearchParams({ q: '', from: '0', to: 'now', limit: '1', fields: '@timestamp' });
  const newest = (await getJson<Answer>(client, '/api/v1/search', all)).hits[0]?.['@timestamp'];
  return typeof newest === 'string'
    ? `no event at all is in that range, whatever the query; the newest event is from ${newest} (--to ${newest} searches the hour up to it)`
    : 'no event at all is in that range: this server has no events yet';
}

/**
 * The server's text fields (the fields answer's `text_fields`), whose
 * clauses match words in any case; undefined from a server that does not
 * say, which has the default list.
 */
async function serverTextFields(client: ClientOptions, base: URLSearchParams): Promise<readonly string[] | undefined> {
  const range = rangeOf(base, { q: '' });
  try {
    const ans = await getJson<{ text_fields?: unknown }>(client, '/api/v1/fields', range);
    return Array.isArray(ans.text_fields) && ans.text_fields.every((f) => typeof f === 'string') ? ans.text_fields as string[] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `method:get` where events hold `GET` (case-variants.ts): from the values
 * API; a server without it, or that refuses the query, says nothing of it.
 * Which fields are keyword fields is the server's `text_fields` to say: by
 * the default list, `error:timeout` on a server that made `error` a keyword
 * got no hint, and a configured text field got one blaming a case that
 * matched.
 */
async function caseHints(client: ClientOptions, ast: QueryNode, base: URLSearchParams, missing: string[], serverFields: () => Promise<readonly string[] | undefined>): Promise<string[]> {
  const hints: string[] = [];
  // Any field but message may be a keyword field on the server: ask it only when one is named.
  if (keywordEqualities(ast, []).every((eq) => missing.includes(eq.field))) return hints;
  const textFields = await serverFields();
  for (const eq of keywordEqualities(ast, textFields)) {
    if (missing.includes(eq.field)) continue;
    const p = rangeOf(base, { q: anyCaseQuery(eq), size: '10' });
    try {
      const ans = await getJson<{ values: { value: unknown }[] }>(client, `/api/v1/fields/${encodeURIComponent(eq.field)}/values`, p);
      const hint = caseHint(eq, ans.values.map((v) => String(v.value)));
      if (hint !== null) hints.push(hint);
    } catch {
      // An older server or a value too long for a query: the other lines stand.
    }
  }
  return hints;
}

/**
 * `203.0.113.250` pasted where events hold it in remote_addr: one more
 * search, each free-text value on every field (value-elsewhere.ts), bounded
 * by --timeout as every request is. The server's text fields are asked for
 * (once, shared with the other hints) only when the probe found events and
 * its value is not one the query requires, which alone tells they are not text.
 */
async function elsewhereHints(client: ClientOptions, q: string, ast: QueryNode, base: URLSearchParams, known: () => Promise<readonly string[] | undefined> | undefined, serverFields: () => Promise<readonly string[] | undefined>): Promise<string[]> {
  const probe = elsewhereProbe(q, ast);
  if (probe === null) return [];
  try {
    const ans = await getJson<Answer>(client, '/api/v1/search', rangeOf(base, { q: probe.query, limit: String(ELSEWHERE_SAMPLE) }));
    if (ans.hits.length === 0) return [];
    const textFields = probe.required ? await known() : await serverFields();
    return valuesElsewhere(probe, ans, textFields).map((v) => v.text);
  } catch {
    // An older server, a pattern over too many fields (Elasticsearch), no answer in time: the other lines stand.
    return [];
  }
}

/** Lines for stderr after a search that found nothing. */
export async function explainEmpty(client: ClientOptions, q: string, params: URLSearchParams, range: Answer['range']): Promise<string[]> {
  const where = range ? `between ${range.from} and ${range.to}` : 'in the range searched';
  const lines = [`no events match ${JSON.stringify(q === '' ? '*' : q)} ${where}`];
  let fields: string[];
  let ast: QueryNode;
  try {
    ast = parse(q);
    fields = [...fieldsOf(ast)].filter((f) => !ALWAYS_KNOWN.has(f));
  } catch {
    return lines;
  }
  const base = new URLSearchParams(params);
  base.delete('cursor');
  base.delete('fields');
  if (range) {
    base.set('from', range.from);
    base.set('to', range.to);
  }
  // The server's text fields, asked once, and only when a hint depends on them.
  let asked: Promise<readonly string[] | undefined> | undefined;
  const serverFields = () => (asked ??= serverTextFields(client, base));
  // A regex that spans words is said of the server's text fields (`detail:/.*disk full.*/` where detail is one).
  lines.push(...queryHints(ast, regexHintNeedsTextFields(ast) ? await serverFields() : undefined));
  // Nothing at all in the range (a shipper stopped, a quiet night, a range
  // too narrow): then every field of the query "occurs in no event", which
  // read as a wrong field name. Say so, and when the newest event is.
  const any = new URLSearchParams(base);
  any.set('q', '');
  any.set('limit', '1');
  any.set('fields', '@timestamp');
  if ((await getJson<Answer>(client, '/api/v1/search', any)).total.value === 0) {
    lines.push(await newestEvent(client));
    return lines;
  }
  const missing: string[] = [];
  for (const field of fields) {
    const p = new URLSearchParams(base);
    p.set('q', `_exists_:${quoteField(field)}`);
    p.set('limit', '1');
    const ans = await getJson<Answer>(client, '/api/v1/search', p);
    if (ans.total.value === 0) missing.push(field);
  }
  if (missing.length > 0) {
    const known = await knownFields(client, base);
    for (const field of missing) {
      const near = nearestName(field, known);
      // `Crash.java:7` pasted from a trace: the quoted text is what finds it.
      const quoted = quoteHint(q, ast, field);
      lines.push(`field "${field}" occurs in no event ${where}${near ? `; did you mean "${near}"?` : ''}${quoted ? `; ${quoted} (in quotes) searches the text` : ''}`);
    }
  }
  lines.push(...(await caseHints(client, ast, base, missing, serverFields)));
  // A field no event has empties the probe too: nothing to ask then.
  if (missing.length === 0) lines.push(...(await elsewhereHints(client, q, ast, base, () => asked, serverFields)));
  return lines;
}

/**
 * Lines for stderr after `logship count`, `top FIELD` or `stats FIELD`
 * found nothing, which without them printed a bare 0 or an empty table:
 * when no event matched the query, what explainEmpty says; when some did
 * but none of them has FIELD, that, with the nearest field name events in
 * the range do have (`top levle` → `level`).
 */
export async function explainNoValues(client: ClientOptions, q: string, field: string | null, range: Answer['range']): Promise<string[]> {
  const params = new URLSearchParams({ q });
  if (range) {
    params.set('from', range.from);
    params.set('to', range.to);
  }
  if (field === null) return explainEmpty(client, q, params, range);
  const probe = new URLSearchParams(params);
  probe.set('limit', '1');
  const matched = (await getJson<Answer>(client, '/api/v1/search', probe)).total.value;
  if (matched === 0) return explainEmpty(client, q, params, range);
  const where = range ? `between ${range.from} and ${range.to}` : 'in the range searched';
  probe.set('q', `_exists_:${quoteField(field)}`);
  if ((await getJson<Answer>(client, '/api/v1/search', probe)).total.value > 0) {
    return [`none of the events matching ${JSON.stringify(q === '' ? '*' : q)} ${where} has field "${field}"`];
  }
  const near = nearestName(field, await knownFields(client, params));
  return [`field "${field}" occurs in no event ${where}${near ? `; did you mean "${near}"?` : ''}`];
}
