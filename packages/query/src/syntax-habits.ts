/**
 * Syntax errors that come from another query language's habit, said in this
 * one's terms after the parser's own words: Kibana's KQL writes
 * `level : error` (its completion inserts the spaces), Loki's LogQL starts
 * with a stream selector `{job="django"}`. The parser alone said
 * `expected whitespace but "\"" found`, which names neither.
 */

/** `{job="django", level!="debug"}` as field clauses, or null when it is no selector. */
function fromSelector(query: string): string | null {
  const m = /^\s*\{([^}]*)\}/.exec(query);
  if (!m) return null;
  const clauses: string[] = [];
  for (const part of m[1]!.split(',')) {
    const p = /^\s*([\w.]+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(part);
    if (!p) return null;
    const [, field, op, value] = p;
    const neg = op!.startsWith('!') ? '-' : '';
    clauses.push(op!.endsWith('~') ? `${neg}${field}:/${value}/` : `${neg}${field}:"${value}"`);
  }
  return clauses.length > 0 ? clauses.join(' AND ') : null;
}

/** A sentence to add to the syntax error at `offset` of `query`, or null. */
export function syntaxHabit(query: string, offset: number): string | null {
  const selector = fromSelector(query);
  if (selector !== null) return `a Loki stream selector is written as field clauses here: ${selector}`;
  if (query.charAt(offset) === ':') {
    const field = /([^\s():"]+)\s+$/.exec(query.slice(0, offset));
    if (field && !/^(AND|OR|NOT|&&|\|\|)$/.test(field[1]!)) {
      const value = /^:\s*("(?:[^"\\]|\\.)*"|[^\s()]*)/.exec(query.slice(offset))![1] || 'value';
      return `a field takes its value with no space around ":" (${field[1]}:${value})`;
    }
  }
  return null;
}
