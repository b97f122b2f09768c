/**
 * A value pasted as free text (`203.0.113.250`, `req-918883`, a user's
 * name) that events hold in a field of their own (remote_addr, reqId,
 * user.name). Free text searches the text fields only (message and the
 * traceback fields, `search.text_fields`), as VictoriaLogs' `_msg` does;
 * Loki's line filter and Kibana's KQL (default_field `*`) find a value
 * anywhere in the event, so it read as "no such event". After an empty
 * answer the CLI and the page ask once more, with each such value on every
 * field (a field-name pattern, `*:VALUE`), and say which field holds it:
 *
 *   203.0.113.250 level:error ──elsewhereProbe──▶ *:203.0.113.250 level:error
 *     ──GET /api/v1/search (limit ELSEWHERE_SAMPLE)──▶ hits ──valuesElsewhere──▶
 *   "203.0.113.250" is not in the text fields (message, …) that free text
 *   searches; it is the value of remote_addr in 3 events: remote_addr:"203.0.113.250" level:error
 *
 * Which field of a hit holds the value is the matcher's to say (the one
 * definition of `field:value`), so a number, an array's element or a
 * keyword is read as the stores read it. A value with letters is asked in
 * any case (`Checkout` where events hold `service: checkout`), as
 * case-variants.ts asks of `field:value`; the query said has the spelling
 * events hold. Every value found is said in one sentence, with one query.
 */
import type { FieldPatternNode, QueryNode, RegexNode, TermNode } from './ast.js';
import { anyCasePattern, hasCase } from './case-variants.js';
import type { LogEvent } from './event.js';
import { clauseOnField } from './field-patterns.js';
import { fieldKind, TIMESTAMP_FIELD } from './fields.js';
import { compileMatcher, type EventPredicate } from './matcher.js';
import { saidOfFreeText } from './query-hints.js';
import { escapeTerm, quotePhrase, serialize, serializeLeafValue } from './serialize.js';

/** Events the probe asks for: which field holds a value is read from them. */
export const ELSEWHERE_SAMPLE = 100;
/** Fields named for one value, most events first. */
const MAX_FIELDS = 3;

export interface ElsewhereProbe {
  /** The query as written: `203.0.113.250 level:error`. */
  q: string;
  /** Its free-text values looked for elsewhere. */
  values: TermNode[];
  /** The query with each of them on every field: `*:203.0.113.250 level:error`. */
  query: string;
  /**
   * One value, which every event the query matches must hold (the query,
   * or a clause of its top-level AND). A field holding it in an event the
   * probe found is then no text field of the server: the query differs
   * from the probe by that clause alone and found nothing. No list of
   * text fields is needed to tell, so the CLI asks for none.
   */
  required: boolean;
}

export interface ValueElsewhere {
  /** The values said, as written, each once. */
  values: string[];
  /** Each value's fields, most events first: how many of the events read hold it there, and as what when in another case. */
  found: { value: string; fields: { field: string; events: number; as?: string }[] }[];
  /** The sentence, up to the query that finds it. */
  said: string;
  /** The query with the value on those fields: `remote_addr:"203.0.113.250" level:error`. */
  query: string;
  /** `said: query`, as the CLI prints it. */
  text: string;
}

/**
 * The probe for `q` (its AST `ast`, parsed from `q` or from `q` with its
 * saved references masked, of the same length): null when the query has
 * no free-text value to look for (field clauses only), so nothing is asked.
 */
export function elsewhereProbe(q: string, ast: QueryNode): ElsewhereProbe | null {
  const values: TermNode[] = [];
  const visit = (node: QueryNode): void => {
    // Under NOT a value found nowhere excludes nothing: it did not empty the answer.
    if (node.type === 'and' || node.type === 'or') node.children.forEach(visit);
    if (node.type !== 'term' || node.field !== null || saidOfFreeText(node.value, node.phrase)) return;
    // `@errors` is a saved query the server expands, not a value.
    if (q.charAt(node.loc.start) === '@') return;
    values.push(node);
  };
  visit(ast);
  if (values.length === 0) return null;
  const only = values.length === 1 ? values[0]! : null;
  const required = only !== null && (ast === only || (ast.type === 'and' && ast.children.includes(only)));
  return { q, values, required, query: splice(q, values, (v) => (hasCase(v.value) ? `(*:${serializeLeafValue(v)} OR *:${serialize(anyCase(v))})` : `*:${serializeLeafValue(v)}`)) };
}

/** The value in any case, on no field (the caller puts it on `*`): `/[cC]heckout/`. */
function anyCase(leaf: TermNode, field: string | null = null): RegexNode {
  return { type: 'regex', field, pattern: anyCasePattern(leaf.value), loc: leaf.loc };
}

/** `q` with each leaf's text replaced, from the end so that the earlier offsets hold. */
function splice(q: string, leaves: readonly TermNode[], text: (leaf: TermNode) => string): string {
  let out = q;
  for (const leaf of [...leaves].sort((a, b) => b.loc.start - a.loc.start)) {
    out = `${out.slice(0, leaf.loc.start)}${text(leaf)}${out.slice(leaf.loc.end)}`;
  }
  return out;
}

/** A field name as query text: bare where it parses back so (`user.name`, `x-request-id`), else escaped. */
function fieldText(name: string): string {
  return /^[\p{L}\p{N}_.][\p{L}\p{N}_.@-]*$/u.test(name) ? name : escapeTerm(name);
}

/** Where one value is in the hits: the non-text fields holding it, or null when some text field does. */
function whereIs(leaf: TermNode, hits: readonly Record<string, unknown>[], textFields: readonly string[] | undefined, required: boolean) {
  const opts = { now: Date.now(), ...(textFields ? { textFields } : {}) };
  // Text fields take the value as free text does (any case already, by words); keyword fields any case too.
  const asText: FieldPatternNode = { type: 'field_pattern', pattern: '*', clause: { ...leaf, field: '*' }, loc: leaf.loc };
  const anyCased: FieldPatternNode = hasCase(leaf.value) ? { ...asText, clause: anyCase(leaf, '*') } : asText;
  const tests = new Map<string, EventPredicate | null>();
  const counts = new Map<string, number>();
  const numbers = new Set<string>();
  // Field → spelling → events, of a value held in another case than written.
  const spellings = new Map<string, Map<string, number>>();
  const lower = leaf.value.toLowerCase();
  for (const hit of hits) {
    for (const [field, v] of Object.entries(hit)) {
      // A pasted date is every event of that day by @timestamp: not a value anyone meant.
      if (field === TIMESTAMP_FIELD) continue;
      let test = tests.get(field);
      if (test === undefined) {
        let clause;
        try {
          clause = clauseOnField(fieldKind(field, textFields) === 'text' ? asText : anyCased, field, opts);
        } catch {
          clause = null;
        }
        test = clause === null ? null : compileMatcher(clause, opts);
        tests.set(field, test);
      }
      if (test === null || !test(hit as LogEvent)) continue;
      // Found in the text: this value did not empty the answer.
      if (!required && fieldKind(field, textFields) === 'text') return null;
      counts.set(field, (counts.get(field) ?? 0) + 1);
      if (typeof v === 'number') numbers.add(field);
      if (typeof v === 'string' && v !== leaf.value && v.toLowerCase() === lower) {
        const of = spellings.get(field) ?? new Map<string, number>();
        spellings.set(field, of.set(v, (of.get(v) ?? 0) + 1));
      }
    }
  }
  // A field's spelling is the one most of its events hold, unless some hold the value as written.
  const spelled = new Map<string, string>();
  for (const [field, of] of spellings) {
    const other = [...of.values()].reduce((a, b) => a + b, 0);
    if (other === counts.get(field)) spelled.set(field, [...of].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0]);
  }
  return { counts, numbers, spelled };
}

/**
 * What to say of each value of `probe`, from the probe's answer (its first
 * hits, newest first, and its total). `textFields`: the server's (the
 * fields answer's `text_fields`), the default list without it.
 */
export function valuesElsewhere(
  probe: ElsewhereProbe,
  answer: { hits: readonly Record<string, unknown>[]; total: { value: number; relation?: string } },
  textFields?: readonly string[],
): ValueElsewhere[] {
  const { hits, total } = answer;
  if (hits.length === 0) return [];
  // Every event the probe found was read: the counts are exact, else of the first ones.
  const exact = (total.relation === undefined || total.relation === 'eq') && total.value <= hits.length;
  const events = (n: number) => `${exact ? '' : 'at least '}${n} event${n === 1 ? '' : 's'}`;
  const found: { value: string; fields: { field: string; events: number; as?: string }[]; clause: string }[] = [];
  for (const leaf of probe.values) {
    // The same value twice (`req-1 OR req-1`) is said once.
    if (found.some((f) => f.value === leaf.value)) continue;
    const at = whereIs(leaf, hits, textFields, probe.required);
    if (at === null || at.counts.size === 0) continue;
    const fields = [...at.counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, MAX_FIELDS)
      .map(([field, n]) => {
        const as = at.spelled.get(field);
        return as === undefined ? { field, events: n } : { field, events: n, as };
      });
    // A number as written compares as one (`order:918883`); anything else is the exact value events hold, quoted.
    const clauses = fields.map(({ field, as }) => `${fieldText(field)}:${at.numbers.has(field) && !leaf.phrase ? escapeTerm(leaf.value) : quotePhrase(as ?? leaf.value)}`);
    found.push({ value: leaf.value, fields, clause: clauses.length === 1 ? clauses[0]! : `(${clauses.join(' OR ')})` });
  }
  if (found.length === 0) return [];
  // One query finds them all: each value on its field, the rest of the query as written.
  const clauseOf = new Map(found.map((f) => [f.value, f.clause]));
  const query = splice(probe.q, probe.values.filter((leaf) => clauseOf.has(leaf.value)), (leaf) => clauseOf.get(leaf.value)!);
  const where = (fields: (typeof found)[number]['fields']) => fields
    .map((f, i) => `${i === 0 ? '' : i === fields.length - 1 ? ' and ' : ', '}of ${f.field} in ${events(f.events)}${f.as === undefined ? '' : ` as ${JSON.stringify(f.as)}`}`)
    .join('');
  const named = found.map((f) => JSON.stringify(f.value));
  const subject = named.length === 1 ? `${named[0]} is` : `${named.slice(0, -1).join(', ')} and ${named.at(-1)} are`;
  const parts = found.length === 1
    ? `it is the value ${where(found[0]!.fields)}`
    : found.map((f, i) => `${named[i]} ${i === 0 ? 'is ' : ''}the value ${where(f.fields)}`).join(', ');
  const cased = found.some((f) => f.fields.some((x) => x.as !== undefined)) ? ' (values are case-sensitive)' : '';
  const said = `${subject} not in the text fields (message, …) that free text searches; ${parts}${cased}`;
  return [{ values: found.map((f) => f.value), found: found.map(({ value, fields }) => ({ value, fields })), said, query, text: `${said}: ${query}` }];
}
