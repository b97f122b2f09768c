/**
 * A LogQL query (Loki's, as a Grafana user pastes it) said in this
 * language, for the syntax error it gets here:
 *
 *   {app="api", env!="dev"} |= "timeout" != "debug" | json | status >= 500
 *   → app:"api" AND -env:"dev" AND "timeout" AND -"debug" AND status:>=500
 *
 * Line filters become free text (a phrase, or a regex, which matches a word
 * of the message here), label filters field clauses; `| json` and
 * `| logfmt` need nothing, as ingest already made fields of JSON and logfmt
 * lines. What has no equivalent (line_format, metric queries) is named
 * rather than dropped silently.
 */

export interface LogqlEquivalent {
  /** The query in this language, or null when nothing of it could be said. */
  query: string | null;
  /** Stages left out: parsers that are not needed, formatting that has no equivalent. */
  notes: string[];
}

const PARSERS = new Set(['json', 'logfmt', 'unpack', 'pattern', 'regexp']);
const METRIC = /^\s*(?:(?:sum|avg|min|max|count|topk|bottomk|stddev|stdvar|sort|sort_desc)\s*(?:by|without)?\s*\(|(?:count_over_time|rate|bytes_over_time|bytes_rate|sum_over_time|avg_over_time|max_over_time|min_over_time|quantile_over_time|absent_over_time|first_over_time|last_over_time|rate_counter)\s*\()/;

/** A Go-quoted ("…") or raw (`…`) string at `at`: its text as this language's phrase body, and where it ends. */
function readString(s: string, at: number): { body: string; end: number } | null {
  const q = s.charAt(at);
  if (q === '"') {
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(s.slice(at));
    return m ? { body: m[1]!, end: at + m[0].length } : null;
  }
  if (q === '`') {
    const close = s.indexOf('`', at + 1);
    if (close < 0) return null;
    return { body: s.slice(at + 1, close).replace(/[\\"]/g, (c) => `\\${c}`), end: close + 1 };
  }
  return null;
}

/** `{job="django", level!="debug"}` as field clauses, and where the selector ends; null when it is no selector. */
export function selectorClauses(query: string): { clauses: string[]; end: number } | null {
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
  return clauses.length > 0 ? { clauses, end: m[0].length } : null;
}

/** One label filter (`status >= 500`, `level="error"`, `path=~"/api.*"`) as a field clause, or null. */
function labelFilter(stage: string): string | null {
  const m = /^([A-Za-z_][\w.]*)\s*(==|=~|!~|!=|>=|<=|=|>|<)\s*(.+)$/.exec(stage.trim());
  if (!m) return null;
  const [, field, op, raw] = m;
  const str = readString(raw!, 0);
  if (str && str.end === raw!.length) {
    if (op === '=~' || op === '!~') return `${op === '!~' ? '-' : ''}${field}:/${str.body}/`;
    if (op === '=' || op === '==' || op === '!=') return `${op === '!=' ? '-' : ''}${field}:"${str.body}"`;
    return null;
  }
  // Numbers only: LogQL's durations and byte sizes (10s, 5MB) have no unit here.
  if (!/^-?\d+(?:\.\d+)?$/.test(raw!)) return null;
  if (op === '=' || op === '==') return `${field}:${raw}`;
  if (op === '!=') return `-${field}:${raw}`;
  if (op === '>' || op === '>=' || op === '<' || op === '<=') return `${field}:${op}${raw}`;
  return null;
}

/** The LogQL query `query` in this language, or null when it is no LogQL (no stream selector, no metric function). */
export function logqlEquivalent(query: string): LogqlEquivalent | null {
  if (METRIC.test(query)) {
    // The log query inside, up to its range (`[5m]`): what to count.
    // Found with indexOf and one scan: a lazy `\{.*?(?=\[…\])` took half a second on `rate({{{…`.
    const open = query.indexOf('{');
    const range = open < 0 ? null : /\[\s*\d+[smhdwy]\s*\]/.exec(query.slice(open));
    const counted = open >= 0 && range ? logqlEquivalent(query.slice(open, open + range.index)) : null;
    const what = counted?.query ? `logship count '${counted.query}'` : '`logship count QUERY`';
    return {
      query: null,
      notes: [`a LogQL metric query has no form here: count the events with ${what} or the aggregate API (a date_histogram), and top values with \`logship top FIELD QUERY\``],
    };
  }
  const selector = selectorClauses(query);
  if (!selector) return null;
  const clauses = [...selector.clauses];
  const notes: string[] = [];
  let i = selector.end;
  const s = query;
  for (;;) {
    while (i < s.length && /\s/.test(s.charAt(i))) i++;
    if (i >= s.length) break;
    const op = s.slice(i, i + 2);
    if (op === '|=' || op === '!=' || op === '|~' || op === '!~') {
      let j = i + 2;
      while (j < s.length && /\s/.test(s.charAt(j))) j++;
      const str = readString(s, j);
      if (!str) return { query: null, notes: [] };
      const neg = op.startsWith('!') ? '-' : '';
      clauses.push(op.endsWith('~') ? `${neg}/${str.body}/` : `${neg}"${str.body}"`);
      i = str.end;
      continue;
    }
    if (s.charAt(i) !== '|') return { query: null, notes: [] };
    // A pipeline stage runs to the next `|` (strings skipped) or line filter.
    let j = i + 1;
    while (j < s.length) {
      const c = s.charAt(j);
      if (c === '"' || c === '`') {
        const str = readString(s, j);
        j = str ? str.end : s.length;
        continue;
      }
      if (c === '|' || (c === '!' && (s.charAt(j + 1) === '=' || s.charAt(j + 1) === '~') && /^\s*["`]/.test(s.slice(j + 2)) && !/[\w.]\s*$/.test(s.slice(i + 1, j)))) break;
      j++;
    }
    const stage = s.slice(i + 1, j).trim();
    const name = /^\w+/.exec(stage)?.[0] ?? '';
    if (PARSERS.has(name)) {
      if (!notes.some((n) => n.startsWith('no | '))) notes.push(`no | ${name} needed: ingest already made fields of JSON and logfmt lines`);
    } else {
      const parts = stage.split(/\s+(?:and|,)\s+|\s*,\s*/);
      const translated = parts.map(labelFilter);
      if (translated.every((t): t is string => t !== null)) clauses.push(...translated);
      else notes.push(`| ${stage} has no equivalent here and was left out`);
    }
    i = j;
  }
  return { query: clauses.join(' AND '), notes };
}
