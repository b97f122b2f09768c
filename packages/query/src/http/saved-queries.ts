/**
 * Saved queries: names for the questions operators ask every day. Built-ins
 * can be overridden or extended by the server config's `saved_queries`.
 * A query refers to one with `@name` (e.g. `q=@errors AND host:web-1`).
 */
import type { QueryNode } from '../ast.js';
import { parse } from '../parse.js';

export const BUILTIN_SAVED_QUERIES: Readonly<Record<string, string>> = Object.freeze({
  errors: 'level:(error OR critical OR alert OR emergency)',
  'slow-requests': 'duration_ms:>1000',
  // Django's security logger, sshd's "Failed password", and HTTP 401 answers
  // on login paths (nginx access logs).
  'failed-logins':
    '(logger:"django.security" AND message:"login failed") OR message:"Failed password" OR (status:401 AND path:*login*)',
});

/**
 * What `@name` can refer to: a letter, then letters, digits, `_` and `-`
 * (REF), and not `timestamp` (`@timestamp` is the field). A saved query
 * under any other name can never be run; the server config refuses one.
 */
const NAME = '[A-Za-z][\\w-]*';
const SAVED_QUERY_NAME = new RegExp(`^${NAME}$`);

export function isReferableSavedQueryName(name: string): boolean {
  return SAVED_QUERY_NAME.test(name) && name !== 'timestamp';
}

/** A free-text term that is a reference, as the user wrote it: `@` and a name, nothing else. */
const REF = new RegExp(`^@(${NAME})$`);

interface Reference {
  name: string;
  start: number;
  end: number;
}

/**
 * The `@name` references of a query, found by the query's own grammar: a
 * reference is an unquoted term whose source text is exactly `@name` (alone,
 * after NOT, `-`, `(` or inside a field group), so `@name` inside a phrase
 * (`"ping @alice"`), a regex, an escaped `\@alice`, a field's value
 * (`user:@alice`) or a longer word (`@app.route`, `foo@errors`) is text, as
 * the in-memory matcher reads it. A query that does not parse has none: its
 * parse error then points into the text the user wrote.
 */
function references(q: string): Reference[] {
  if (!q.includes('@')) return [];
  let ast: QueryNode;
  try {
    ast = parse(q);
  } catch {
    return [];
  }
  const found: Reference[] = [];
  const walk = (node: QueryNode): void => {
    if (node.type === 'and' || node.type === 'or') node.children.forEach(walk);
    else if (node.type === 'not') walk(node.child);
    else if (node.type === 'term' && !node.phrase) {
      const m = REF.exec(q.slice(node.loc.start, node.loc.end));
      if (m && m[1] !== 'timestamp') found.push({ name: m[1]!, start: node.loc.start, end: node.loc.end });
    }
  };
  walk(ast);
  return found.sort((a, b) => a.start - b.start);
}

/**
 * The `@name` references in a query text, as expandSavedQueries finds them.
 * Expansion is one pass, so a reference inside a saved query's own text is
 * never expanded: it would be searched for as the text `@name`.
 */
export function savedQueryReferences(q: string): string[] {
  return references(q).map((r) => r.name);
}

/** Built-ins, then the configured ones over them, as a Map: names come from users (`@constructor`), never looked up in a plain object. */
export function savedQueryMap(configured: Readonly<Record<string, string>> = {}): ReadonlyMap<string, string> {
  return new Map([...Object.entries(BUILTIN_SAVED_QUERIES), ...Object.entries(configured)]);
}

/**
 * Replaces `@name` references with the saved query text, in parentheses so
 * the precedence of the surrounding query is kept. Unknown names are left
 * for the caller to report.
 */
export function expandSavedQueries(
  q: string,
  saved: ReadonlyMap<string, string>,
  onUnknown: (name: string) => never,
): string {
  let out = q;
  // From the end, so that the earlier references' offsets still hold.
  for (const ref of references(q).reverse()) {
    const text = saved.get(ref.name);
    if (text === undefined) return onUnknown(ref.name);
    out = `${out.slice(0, ref.start)}(${text})${out.slice(ref.end)}`;
  }
  return out;
}
