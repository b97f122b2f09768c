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
  if (query.charAt(offset) === ':') {
    const field = /([^\s():"]+)\s+$/.exec(query.slice(0, offset));
    if (field && !/^(AND|OR|NOT|&&|\|\|)$/.test(field[1]!)) {
      const value = /^:\s*("(?:[^"\\]|\\.)*"|[^\s()]*)/.exec(query.slice(offset))![1] || 'value';
      return `a field takes its value with no space around ":" (${field[1]}:${value})`;
    }
  }
  return null;
}
