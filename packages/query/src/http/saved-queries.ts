/**
 * Saved queries: names for the questions operators ask every day. Built-ins
 * can be overridden or extended by the server config's `saved_queries`.
 * A query refers to one with `@name` (e.g. `q=@errors AND host:web-1`).
 */
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

/** `@name` at the start or after a space, `(`, `!`, `+` or `-` (so not inside a word, nor a field's value after `:`). */
const REF = new RegExp(`(^|[\\s(!+-])@(${NAME})`, 'g');

/**
 * The `@name` references in a query text, as expandSavedQueries finds them.
 * Expansion is one pass, so a reference inside a saved query's own text is
 * never expanded: it would be searched for as the text `@name`.
 */
export function savedQueryReferences(q: string): string[] {
  if (!q.includes('@')) return [];
  return [...q.matchAll(REF)].map((m) => m[2]!).filter((name) => name !== 'timestamp');
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
  if (!q.includes('@')) return q;
  return q.replace(REF, (whole, lead: string, name: string) => {
    // `@timestamp` is a field, not a reference.
    if (name === 'timestamp') return whole;
    const text = saved.get(name);
    if (text === undefined) return onUnknown(name);
    return `${lead}(${text})`;
  });
}
