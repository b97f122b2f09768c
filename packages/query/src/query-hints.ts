/**
 * Why a query that parsed may have found nothing although the user meant
 * something that would match: habits from other query languages that this
 * one reads differently, said in words after an empty answer.
 */
import type { QueryNode } from './ast.js';
import { LEVELS } from './event.js';
import { fieldKind, tokenize } from './fields.js';
import { levelFromQuery } from './levels.js';
import { regexWordHints } from './regex-word-hint.js';

/** Lower-case operators: Kibana's KQL takes them, Lucene (and this language) searches them as words. */
const LOWER_OPERATORS = new Set(['and', 'or', 'not']);

/**
 * `level=error`, `status!=200` and `job=` (of `job="django"`): Loki's label
 * matchers and LogsQL's habits. `=` may sit inside a word here, so each is
 * one word searched in the message. (`=~` does not parse: `~` is fuzzy.)
 */
const MATCHER = /^([A-Za-z_@][\w.@-]*?)(!=|==|=)(.*)$/;

/** What `field=value` is written as here. */
function asFieldClause(field: string, op: string, value: string): string {
  return `${op === '!=' ? '-' : ''}${field}:${value === '' ? 'value' : value}`;
}

function walk(node: QueryNode, visit: (leaf: QueryNode) => void): void {
  if (node.type === 'and' || node.type === 'or') node.children.forEach((c) => walk(c, visit));
  else if (node.type === 'not') walk(node.child, visit);
  else visit(node);
}

/**
 * The numbers a wildcard of digits would mean: `5??` 500..599, `5*` as an
 * HTTP status (three digits) 500..599, `50*` 500..509; null for any other
 * pattern (`1234*`).
 */
function digitRange(pattern: string): [string, string] | null {
  const m = /^(\d+)(\?+|\*)$/.exec(pattern);
  if (!m) return null;
  const [, digits, rest] = m;
  // `1234*` could be any length: only a status's first digits are guessed.
  if (rest === '*' && digits!.length > 2) return null;
  const width = rest === '*' ? 3 - digits!.length : rest!.length;
  return [digits + '0'.repeat(width), digits + '9'.repeat(width)];
}

function andChain(node: QueryNode): QueryNode[] {
  return node.type === 'and' ? node.children.flatMap(andChain) : [node];
}

/**
 * `status:(500 502)`, `host:web-1 host:web-2`: one field asked to hold two
 * exact values at once. Whitespace is AND here (as in Loki and
 * VictoriaLogs), where Kibana's Lucene reads OR: a field of one value
 * matches nothing. Text fields (words of a message) are left out: there
 * both words is a question that can be answered.
 */
function sameFieldAnds(ast: QueryNode, out: Map<string, string>): void {
  const visit = (node: QueryNode): void => {
    // Under NOT such a clause excludes nothing rather than matching nothing: no hint there.
    if (node.type === 'or') node.children.forEach(visit);
    if (node.type !== 'and') return;
    const chain = andChain(node);
    // `level:(error or warning)`: the lower-case operator's hint says what was meant.
    if (chain.some((leaf) => leaf.type === 'term' && LOWER_OPERATORS.has(leaf.value))) return;
    const byField = new Map<string, string[]>();
    for (const leaf of chain) {
      // A word that is no level has a hint of its own.
      if (leaf.type !== 'term' || leaf.field === null) continue;
      const kind = fieldKind(leaf.field);
      if (kind !== 'keyword' && (kind !== 'level' || levelFromQuery(leaf.value) === undefined)) continue;
      const value = kind === 'level' ? (levelFromQuery(leaf.value) ?? leaf.value) : leaf.value;
      const values = byField.get(leaf.field) ?? [];
      if (!values.includes(value)) values.push(value);
      byField.set(leaf.field, values);
    }
    for (const [field, values] of byField) {
      if (values.length < 2) continue;
      const shown = values.map((v) => (/^[\w.@/-]+$/.test(v) ? v : JSON.stringify(v)));
      out.set(
        `${field}:(${shown.join(' ')})`,
        `${field}:(${shown.join(' ')}) asks for ${field} to be ${shown.join(' and ')} at once, which a field of one value never is: for any of them write ${field}:(${shown.join(' OR ')}) (whitespace is AND here, where Kibana's Lucene reads OR)`,
      );
    }
    chain.forEach(visit);
  };
  visit(ast);
}

/**
 * `File "/app/main.py", line 12` pasted from a Python traceback: the comma
 * is a clause of its own, with no word to match, so the whole AND matches
 * nothing. Unquoted free text beside other clauses, not under NOT (where it
 * excludes nothing).
 */
function strayPunctuation(node: QueryNode, out: Set<string>): Set<string> {
  if (node.type === 'or') node.children.forEach((c) => strayPunctuation(c, out));
  if (node.type !== 'and') return out;
  for (const c of node.children) {
    if (c.type === 'term' && c.field === null && !c.phrase && tokenize(c.value).length === 0) out.add(c.value);
    else strayPunctuation(c, out);
  }
  return out;
}

/**
 * Whether queryHints says something of this free-text value already: an
 * operator in lower case, `level=error`, a level's name, text with no
 * letter or digit. The CLI and the page then do not look for it in the
 * other fields as well (value-elsewhere.ts): one hint a word.
 */
export function saidOfFreeText(value: string, phrase: boolean): boolean {
  if (tokenize(value).length === 0) return true;
  if (!/^\d+$/.test(value) && levelFromQuery(value) !== undefined) return true;
  return !phrase && (LOWER_OPERATORS.has(value) || MATCHER.test(value));
}

/**
 * One sentence per habit found in `ast`, in the order of the query.
 * `textFields`: the server's (the fields answer's `text_fields`); the
 * default list without it.
 */
export function queryHints(ast: QueryNode, textFields?: readonly string[]): string[] {
  const operators = new Set<string>();
  const levels = new Set<string>();
  const matchers = new Map<string, string>();
  let time = false;
  let msg = false;
  // Free text `error`: Loki's `|= "error"` finds it in a JSON line's "level":"error", Kibana's in any field; here it searches the message.
  const levelWords = new Map<string, string>();
  // `status:5*` (Kibana, where status is often a keyword): a wildcard matches strings, and nginx's status is a number here.
  const numberWildcards = new Map<string, string>();
  const wordless = new Set<string>();
  walk(ast, (leaf) => {
    if (leaf.type === 'wildcard' && leaf.field !== null && leaf.field !== 'message') {
      const range = digitRange(leaf.pattern);
      if (range !== null) numberWildcards.set(`${leaf.field}:${leaf.pattern}`, `${leaf.field}:[${range[0]} TO ${range[1]}]`);
    }
    if (leaf.type === 'term' && leaf.field === null && !/^\d+$/.test(leaf.value)) {
      const level = levelFromQuery(leaf.value);
      if (level !== undefined) levelWords.set(leaf.value, level);
    }
    // LogsQL's `_time:5m` filter: the time range here is the request's, or an @timestamp clause.
    if ((leaf.type === 'term' || leaf.type === 'range' || leaf.type === 'wildcard') && leaf.field === '_time') time = true;
    // LogsQL's `_msg:error`: its message field is `message` here.
    if ('field' in leaf && leaf.field === '_msg') msg = true;
    // `🚀`, `"->"`: text is searched by its words, and these have none (plan `none`): an empty answer, whatever the events hold.
    if (leaf.type === 'term' && (leaf.field === null || fieldKind(leaf.field, textFields) === 'text') && tokenize(leaf.value).length === 0) wordless.add(leaf.value);
    if (leaf.type !== 'term' || leaf.phrase) return;
    const m = leaf.field === null ? MATCHER.exec(leaf.value) : null;
    if (LOWER_OPERATORS.has(leaf.value)) operators.add(leaf.value);
    else if (m) matchers.set(leaf.value, asFieldClause(m[1]!, m[2]!, m[3]!));
    else if (leaf.field === 'level' && leaf.value !== 'in' && levelFromQuery(leaf.value) === undefined) levels.add(leaf.value);
  });
  const ands = new Map<string, string>();
  sameFieldAnds(ast, ands);
  // `status:500..599` (GitHub's, LogsQL's range(…)) and LogsQL's `level:in(error, warning)`: one value here.
  const spans = new Map<string, string>();
  walk(ast, (leaf) => {
    if (leaf.type !== 'term' || leaf.field === null || leaf.phrase) return;
    const span = /^(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)$/.exec(leaf.value);
    if (span) spans.set(`${leaf.field}:${leaf.value}`, `"${leaf.field}:${leaf.value}" was searched as one value: a range is written ${leaf.field}:[${span[1]} TO ${span[2]}]`);
    if (leaf.value === 'in') spans.set(`${leaf.field}:in`, `${leaf.field}:in(…) is LogsQL's; here any of several values is ${leaf.field}:(a OR b)`);
  });
  const hints: string[] = [];
  for (const op of operators) {
    hints.push(`"${op}" was searched as a word: operators are upper-case (${op.toUpperCase()})`);
  }
  for (const [word, clause] of matchers) {
    hints.push(`"${word}" was searched as a word: a field's value is written with a colon (${clause})`);
  }
  if (time) {
    hints.push('_time is no field here: the time range is the search\'s from/to, or a clause on @timestamp (@timestamp:>now-5m)');
  }
  if (msg) hints.push('_msg is no field here: the message is message (message:error), and free text searches it (error)');
  for (const [word, level] of levelWords) {
    hints.push(`"${word}" was searched in the text of the events (message, …): for events of level ${level} write level:${level}`);
  }
  for (const [clause, range] of numberWildcards) {
    hints.push(`${clause}: a wildcard matches text, not numbers; if the field holds numbers, write a range (${range})`);
  }
  hints.push(...ands.values(), ...spans.values(), ...regexWordHints(ast, textFields));
  const stray = strayPunctuation(ast, new Set());
  for (const value of wordless) {
    if (stray.has(value)) {
      hints.push(`${JSON.stringify(value)} holds no letter or digit, and text is searched word by word (letters and digits): it matches nothing, so neither does the whole query (clauses are joined by AND); drop it, or put the copied text in quotes`);
      continue;
    }
    hints.push(`${JSON.stringify(value)} holds no letter or digit, and text is searched word by word (letters and digits): it matches nothing; search a word next to it instead`);
  }
  for (const value of levels) {
    hints.push(`"${value}" is no level: level is one of ${LEVELS.join(', ')} (or an alias such as warn, err, fatal)`);
  }
  return hints;
}
