/**
 * Text copied from a stack trace or an error line, pasted as a query:
 * `Crash.java:7`, `main.go:7`, `(Foo.java:42)`, `panic: runtime error`.
 * Its colon makes a field clause (field `Crash.java` holding 7), which
 * finds nothing and was said only as a field no event has. Quoted, the
 * same text is a phrase searched in the text fields. Said by the CLI and
 * the page next to the missing field, and in the syntax error of text
 * holding a second colon (`main.rs:2:66`, `main::price`).
 */
import type { QueryNode } from './ast.js';

/** A file name's extension ending a field name: `.java`, `.go`, `.py`, `.rs`, `.tsx`. */
const EXTENSION = /\.[A-Za-z][A-Za-z0-9]{0,4}$/;
/** A line number, or line and column (`7`, `2:66`). */
const LINE_NUMBER = /^\d+(?::\d+)*$/;

/** `text` as a phrase: in double quotes, with `"` and `\` escaped. */
export function asPhrase(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function firstTerm(node: QueryNode, field: string): Extract<QueryNode, { type: 'term' }> | null {
  if (node.type === 'and' || node.type === 'or') {
    for (const c of node.children) {
      const t = firstTerm(c, field);
      if (t !== null) return t;
    }
    return null;
  }
  if (node.type === 'not') return firstTerm(node.child, field);
  return node.type === 'term' && node.field === field && !node.phrase ? node : null;
}

/**
 * For a field that no event has: when its clause in `query` reads as copied
 * text (the field looks like a file name, the value like a line number, or
 * a space follows the colon as in prose), the phrase that searches that
 * text (`"Crash.java:7"`); else null. A quoted field name (`"Crash.java":7`) was meant as one.
 */
export function quoteHint(query: string, ast: QueryNode, field: string): string | null {
  const leaf = firstTerm(ast, field);
  if (leaf === null) return null;
  const start = leaf.loc.start;
  // A field group's terms (`f:(a b)`) or a quoted name do not start with `field:`.
  if (query.slice(start, start + field.length + 1) !== `${field}:`) return null;
  const prose = /\s/.test(query.charAt(start + field.length + 1));
  if (!prose && !EXTENSION.test(field) && !LINE_NUMBER.test(leaf.value)) return null;
  let end = leaf.loc.end;
  // `panic: runtime error`: the words after a prose colon are the same sentence, up to an operator or a field.
  if (prose) end += /^(?:\s+(?!(?:AND|OR|NOT)(?:\s|$))[^\s()":\\*?]+(?=\s|$))*/.exec(query.slice(end))![0].length;
  return asPhrase(query.slice(start, end));
}

/**
 * The syntax error's advice for `main::price`, `main.rs:2:66` or
 * `Error: ENOENT: no such file` (a colon right after a clause's colon or
 * value, at `offset`): quote the text. The whole query when it reads as
 * pasted text (no quotes, parentheses, operators or field clauses before),
 * else the word at `offset`.
 */
export function colonInTextHabit(query: string, offset: number): string | null {
  if (query.charAt(offset) !== ':' || offset === 0 || /\s/.test(query.charAt(offset - 1))) return null;
  let from = offset;
  while (from > 0 && !/[\s()]/.test(query.charAt(from - 1))) from--;
  let to = offset;
  while (to < query.length && !/[\s()]/.test(query.charAt(to))) to++;
  const before = query.slice(0, from);
  const pasted = !/["()]|(?:^|\s)(?:AND|OR|NOT)(?:\s|$)|&&|\|\||:\S/.test(before) && !/["()]/.test(query.slice(from));
  const text = pasted ? query.trim() : query.slice(from, to);
  return `a colon ends a field's name (field:value), once a clause: to search text holding colons, put it in quotes: ${asPhrase(text)}`;
}
