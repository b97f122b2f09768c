/**
 * `message:/.*login failed.*\/` found nothing, and nothing said why: a regex
 * on a text field is matched against each word on its own (Lucene's and
 * Kibana's `regexp` on an analyzed field do the same), so a pattern that
 * needs a space or other separator between words matches no word. Said
 * after an empty answer, with the phrase that finds those words in a row.
 */
import type { QueryNode } from './ast.js';
import { fieldKind, tokenize } from './fields.js';

/** Regex syntax (docs/QUERY_LANGUAGE.md "Regular expressions"): not a literal character. */
const SYNTAX = new Set(['.', '*', '+', '?', '|', '(', ')', '{', '}', '[', ']']);

/** Whether the pattern needs a character no word holds: a space, `\s`, `\W`, or a literal separator (`-`, `:`, `/`). */
function spansWords(pattern: string): boolean {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[++i] ?? '';
      if (!inClass && (next === 's' || next === 'W' || (!/[\p{L}\p{N}]/u.test(next) && next !== ''))) return true;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (!SYNTAX.has(c) && !/[\p{L}\p{N}]/u.test(c)) return true;
  }
  return false;
}

/** The words the pattern spells, in order: `.*login\s+failed.*` → `login failed`. */
function wordsOf(pattern: string): string[] {
  const literal = pattern
    .replace(/\[(?:\\.|[^\]])*\]/g, ' ')
    .replace(/\{\d*(?:,\d*)?\}/g, ' ')
    .replace(/\\[sSwWdD]/g, ' ')
    .replace(/\\(.)/g, '$1');
  return tokenize(literal);
}

type RegexNode = Extract<QueryNode, { type: 'regex' }>;

/** The query's regexes that need a character no word holds. */
function spanningRegexes(ast: QueryNode): RegexNode[] {
  const found: RegexNode[] = [];
  const walk = (node: QueryNode): void => {
    if (node.type === 'and' || node.type === 'or') node.children.forEach(walk);
    else if (node.type === 'not') walk(node.child);
    else if (node.type === 'regex' && spansWords(node.pattern)) found.push(node);
  };
  walk(ast);
  return found;
}

/**
 * Whether regexWordHints needs the server's text fields to tell: a regex
 * spanning words on a named field other than message (always text). The
 * CLI asks the server for them only then.
 */
export function regexHintNeedsTextFields(ast: QueryNode): boolean {
  return spanningRegexes(ast).some((node) => node.field !== null && fieldKind(node.field, []) === 'keyword');
}

/**
 * One sentence per regex on a text field that needs more than one word to
 * match; empty when there is none. Which fields are text is the server's
 * `search.text_fields` (the fields answer's `text_fields`); without it, the
 * default list, which named `error.message` text on a server that keeps it
 * a keyword, and said nothing of a configured text field.
 */
export function regexWordHints(ast: QueryNode, textFields?: readonly string[]): string[] {
  const hints = new Map<string, string>();
  for (const node of spanningRegexes(ast)) {
    if (node.field === null || fieldKind(node.field, textFields) === 'text') {
      const clause = `${node.field === null ? '' : `${node.field}:`}/${node.pattern.replace(/\//g, '\\/')}/`;
      const words = wordsOf(node.pattern);
      const where = node.field === null ? 'free text (the text fields)' : `a text field (${node.field})`;
      const instead = words.length > 1
        ? `for those words in a row write a phrase: ${node.field === null ? '' : `${node.field}:`}"${words.join(' ')}"`
        : 'write a regex for one word, or a phrase of the words';
      hints.set(clause, `${clause} spans words, and a regex on ${where} matches one word at a time (as Lucene's and Kibana's do), so it matches nothing; ${instead}`);
    }
  }
  return [...hints.values()];
}
