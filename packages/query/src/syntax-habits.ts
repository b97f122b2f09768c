/**
 * Syntax errors that come from another query language's habit, said in this
 * one's terms after the parser's own words: Kibana's KQL writes
 * `level : error` (its completion inserts the spaces), Loki's LogQL starts
 * with a stream selector `{job="django"}` and pipes lines through filters
 * (logql-equivalent.ts says the whole query here), VictoriaLogs' LogsQL
 * pipes results into `| stats`, `| sort`, `| limit`. The parser alone said
 * `expected whitespace but "\"" found`, which names neither.
 */
import { logqlEquivalent } from './logql-equivalent.js';
import { colonInTextHabit } from './quote-hint.js';

/** What each LogsQL (VictoriaLogs) pipe is here: this language only filters. */
const LOGSQL_PIPES: Record<string, string> = {
  stats: 'count with `logship count QUERY`, numbers with `logship stats FIELD QUERY [--by FIELD]` (or the aggregate API)',
  count: 'count with `logship count QUERY` (or the aggregate API)',
  uniq: 'top values with `logship top FIELD QUERY`',
  top: 'top values with `logship top FIELD QUERY`',
  field_values: 'top values with `logship top FIELD QUERY`',
  sort: 'results come newest first; `--sort asc` (the API\'s sort=asc) for oldest first',
  limit: 'at most N events with `--limit N` (the API\'s limit)',
  head: 'at most N events with `--limit N` (the API\'s limit)',
  fields: 'the fields shown with `--fields LIST` (the API\'s fields)',
};

/** `error | stats count()`, `| json` without a selector: a pipe of another language, said in this one's terms. */
function pipeHabit(query: string): string | null {
  const m = /(?:^|\s)\|\s*([a-z_]+)\b/.exec(query);
  if (!m) return null;
  const name = m[1]!;
  if (name === 'json' || name === 'logfmt' || name === 'unpack_json' || name === 'unpack_logfmt') {
    return `drop "| ${name}": ingest already made fields of JSON and logfmt lines, so a field is searched as field:value`;
  }
  const what = LOGSQL_PIPES[name];
  return what ? `"| ${name}" is a LogsQL pipe, and a query here only filters: ${what}` : null;
}

/**
 * LogsQL's operators after a field's colon or alone: `level:=error` (exact
 * match), `~"time.*out"` and `path:~"^/api"` (regular expressions),
 * `status:!=200` (negation): each said as this language writes it.
 */
function logsqlOperatorHabit(query: string, offset: number): string | null {
  const rest = query.slice(offset);
  const field = /([^\s():"]+):$/.exec(query.slice(0, offset))?.[1];
  const value = (text: string): string => /^("(?:[^"\\]|\\.)*"|[^\s()]*)/.exec(text)![1] || 'value';
  const unquote = (v: string): string => (v.startsWith('"') && v.endsWith('"') && v.length > 1 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v);
  if (rest.startsWith('~')) {
    let re = unquote(value(rest.slice(1)));
    if (re === 'value') re = '…';
    // LogsQL's finds the pattern anywhere, with ^ and $ as anchors; here it matches the whole value.
    re = `${re.startsWith('^') ? re.slice(1) : `.*${re}`}`;
    re = /(^|[^\\])\$$/.test(re) ? re.slice(0, -1) : `${re}.*`;
    return `~ is LogsQL's regular expression; here it is written between slashes and matches the whole value: ${field ?? 'message'}:/${re.replace(/\//g, '\\/')}/`;
  }
  if (field === undefined) return null;
  if (rest.startsWith('!=') || (rest.startsWith('!') && !rest.startsWith('!('))) {
    return `a field is negated before it here: NOT ${field}:${value(rest.slice(rest.startsWith('!=') ? 2 : 1))} (or -${field}:…)`;
  }
  if (rest.startsWith('=')) {
    return `":=" is LogsQL's exact match; here ${field}:${value(rest.slice(1))} is already exact on a field other than message (a phrase in quotes for words in order)`;
  }
  return null;
}

/** A sentence to add to the syntax error at `offset` of `query`, or null. */
export function syntaxHabit(query: string, offset: number): string | null {
  const logql = logqlEquivalent(query);
  if (logql !== null) {
    const notes = logql.notes.length > 0 ? ` (${logql.notes.join('; ')})` : '';
    if (logql.query === null) return notes === '' ? null : notes.slice(2, -1);
    return `a LogQL (Loki) query is written here as: ${logql.query}${notes}`;
  }
  const pipe = pipeHabit(query);
  if (pipe !== null) return pipe;
  const operator = logsqlOperatorHabit(query, offset);
  if (operator !== null) return operator;
  if (query.charAt(offset) === ':') {
    const field = /([^\s():"]+)\s+$/.exec(query.slice(0, offset));
    if (field && !/^(AND|OR|NOT|&&|\|\|)$/.test(field[1]!)) {
      const value = /^:\s*("(?:[^"\\]|\\.)*"|[^\s()]*)/.exec(query.slice(offset))![1] || 'value';
      return `a field takes its value with no space around ":" (${field[1]}:${value})`;
    }
  }
  // `main::price`, `main.rs:2:66` copied from a trace: a second colon.
  return colonInTextHabit(query, offset);
}
