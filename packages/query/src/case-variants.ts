/**
 * `method:get` where events hold `GET`: keyword values are exact, case
 * included (only `level` is matched whatever its case), which people used to
 * Kibana's and Loki's case-insensitive habits do not expect. After an empty
 * answer the CLI and the search page ask the server which values of the
 * field differ from the query's only in case, and say so:
 *
 *   query ──keywordEqualities──▶ method:get ──anyCaseQuery──▶ method:/[gG][eE][tT]/
 *         ──GET /api/v1/fields/method/values?q=…──▶ ["GET"] ──caseHint──▶ sentence
 */
import type { QueryNode } from './ast.js';
import { fieldKind } from './fields.js';
import { parse } from './parse.js';
import { escapeTerm, quotePhrase, serialize } from './serialize.js';

/** A clause asking a keyword field for one exact value (`method:GET`, `user:"Ann Lee"`). */
export interface KeywordEquality {
  field: string;
  value: string;
}

export const hasCase = (s: string): boolean => s.toLowerCase() !== s.toUpperCase();
const LOC = { start: 0, end: 0 };

/**
 * The keyword-equality leaves of a query that are not under NOT (there a
 * value no event has excludes nothing rather than finding nothing), whose
 * value has letters of some case. Text fields are case-insensitive already,
 * and ranges, wildcards and regexes are not one value.
 */
export function keywordEqualities(ast: QueryNode, textFields?: readonly string[]): KeywordEquality[] {
  const out = new Map<string, KeywordEquality>();
  const visit = (node: QueryNode): void => {
    if (node.type === 'and' || node.type === 'or') node.children.forEach(visit);
    if (node.type !== 'term' || node.field === null || !hasCase(node.value)) return;
    if (fieldKind(node.field, textFields) !== 'keyword') return;
    out.set(JSON.stringify([node.field, node.value]), { field: node.field, value: node.value });
  };
  visit(ast);
  return [...out.values()];
}

/**
 * A query for every event whose field holds the value in any case: a regex
 * with a class for each letter (the language's regexes have no
 * case-insensitive flag, and the Elasticsearch compiler passes them through).
 */
export function anyCaseQuery({ field, value }: KeywordEquality): string {
  return serialize({ type: 'regex', field, pattern: anyCasePattern(value), loc: LOC });
}

/** The regex body matching `value` in any case (value-elsewhere.ts asks every field with it too). */
export function anyCasePattern(value: string): string {
  let pattern = '';
  for (const c of value) {
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    // `ß` upper-cases to two letters: kept as it is.
    if (lower !== upper && Array.from(lower).length === 1 && Array.from(upper).length === 1) pattern += `[${lower}${upper}]`;
    // serialize() escapes `/` for the query's `/…/` itself.
    else if (/[\p{L}\p{N}/]/u.test(c)) pattern += c;
    else pattern += `\\${c}`;
  }
  return pattern;
}

/** `host:web-1` as people write it where it parses back so (serialize() writes `web\-1`), else the value quoted. */
function clauseFor(field: string, value: string): string {
  const bare = `${escapeTerm(field)}:${value}`;
  try {
    const node = parse(bare);
    if (node.type === 'term' && node.field === field && node.value === value) return bare;
  } catch {
    // Not a term as it is: quoted below.
  }
  return `${escapeTerm(field)}:${quotePhrase(value)}`;
}

/**
 * What to say of a clause, given the values the field holds in any case
 * (the values API's answer to anyCaseQuery), most frequent first; null when
 * the value itself is among them (another clause found nothing) or none is.
 */
export function caseHint(eq: KeywordEquality, values: readonly string[]): string | null {
  const lower = eq.value.toLowerCase();
  const same = values.filter((v) => v.toLowerCase() === lower);
  if (same.length === 0 || same.includes(eq.value)) return null;
  const clause = same.map((v) => clauseFor(eq.field, v)).join(' OR ');
  const named = same.map((v) => JSON.stringify(v));
  const which = named.length === 1 ? `${named[0]} differs` : `${named.slice(0, -1).join(', ')} and ${named.at(-1)} differ`;
  return `no event has ${eq.field} ${JSON.stringify(eq.value)}; ${which} only in case (values are case-sensitive): ${clause}`;
}
