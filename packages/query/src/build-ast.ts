/**
 * Raw parse tree → public AST. This is where the grammar's surface forms get
 * their meaning:
 *
 *   status:(500 OR 502)   group      → or(term status:500, term status:502)
 *   f:* / _exists_:f      star       → exists
 *   * / *:* / ""          star/empty → match_all
 *   f:>=5, f:[a TO b]     range      → range (a field is required)
 *   foo~ / foo^2          modifier   → LS_QUERY_UNSUPPORTED at the modifier
 *
 * and where the depth, clause-count and regex-size limits are enforced.
 */
import type { LeafClause, Location, QueryNode } from './ast.js';
import { isDateExpression } from './date-math.js';
import { QuerySyntaxError } from './errors.js';
import { comparisonAllowed } from './fields.js';
import type { QueryLimits } from './limits.js';
import type { RawNode, RawValue } from './raw.js';
import { validateRegex } from './regex.js';

const EXISTS_FIELD = '_exists_';
const TIMESTAMP_FIELD = '@timestamp';

/**
 * `*:[now-1h TO now]`, `*:>=2026-02-08`: a time range, as Kibana users
 * write one over every field. Over every field it was a text range on each
 * other field too (none holds text between "now-1h" and "now") and, not
 * being an @timestamp clause, did not set the search's time range, so the
 * default 15 minutes were searched instead of the hour asked for. Bounds
 * written as date math on `now` or ISO dates (a plain number is a number on
 * every field: `*:[500 TO 599]`) make it the @timestamp range, on every
 * engine; one that does not resolve is the date error it is there.
 */
function isTimeRange(range: { lower: { value: string } | null; upper: { value: string } | null }): boolean {
  const bounds = [range.lower, range.upper].filter((b) => b !== null);
  // Written as a date, not resolved as one: `*:[now-1h TO 2026-13-01]` is a date the user got wrong (LS_QUERY_INVALID_DATE), not text.
  return bounds.length > 0 && bounds.every((b) => /^(now|\d{4}-\d\d)/.test(b.value));
}

interface BuildState {
  query: string;
  limits: QueryLimits;
  clauses: number;
}

export function buildAst(raw: RawNode, query: string, limits: QueryLimits): QueryNode {
  const state: BuildState = { query, limits, clauses: 0 };
  if (raw.type === 'empty') return { type: 'match_all', loc: raw.loc };
  return build(raw, null, 0, state);
}

/** The field a clause applies: its own or its group's; `pattern` when the name holds a wildcard. */
interface ClauseField {
  name: string;
  pattern: string | null;
}

function build(raw: RawNode, groupField: ClauseField | null, depth: number, s: BuildState): QueryNode {
  switch (raw.type) {
    case 'empty':
    case 'match_all':
      countClause(raw.loc, s);
      return { type: 'match_all', loc: raw.loc };
    case 'and':
    case 'or': {
      checkDepth(raw.loc, depth + 1, s);
      const children = raw.children.map((c) => build(c, groupField, depth + 1, s));
      return { type: raw.type, children, loc: raw.loc };
    }
    case 'not':
      checkDepth(raw.loc, depth + 1, s);
      return { type: 'not', child: build(raw.child, groupField, depth + 1, s), loc: raw.loc };
    case 'group':
      // An explicit field inside a group wins over the group's (Lucene).
      return build(raw.child, { name: raw.field, pattern: raw.fieldPattern ?? null }, depth, s);
    case 'modifier':
      throw unsupported(raw.feature, raw.loc, s);
    case 'clause': {
      const direct = raw.field !== null;
      const field = raw.field !== null ? { name: raw.field, pattern: raw.fieldPattern ?? null } : groupField;
      // A clause written as `f:v` spans the field; one inside a group only its value.
      const loc = direct ? raw.loc : raw.value.loc;
      if (field?.pattern == null) return leaf(field?.name ?? null, raw.value, loc, s);
      if (field.pattern === '*' && 'kind' in raw.value && raw.value.kind === 'range' && isTimeRange(raw.value)) {
        return leaf(TIMESTAMP_FIELD, raw.value, loc, s);
      }
      const clause = leaf(field.name, raw.value, loc, s);
      // `*:*` however written (`*:(*)`, `*:*||x`) is every event: each has @timestamp.
      if (clause.type === 'match_all' || (clause.type === 'exists' && field.pattern === '*')) return { type: 'match_all', loc };
      return { type: 'field_pattern', pattern: field.pattern, clause: clause as LeafClause, loc };
    }
  }
}

function leaf(field: string | null, value: RawValue, loc: Location, s: BuildState): QueryNode {
  if ('type' in value) throw unsupported(value.feature, value.loc, s);
  countClause(loc, s);
  if (field === EXISTS_FIELD) {
    if ((value.kind === 'term' && !value.wildcard) || value.kind === 'phrase') {
      if (value.value === '') throw syntax('_exists_ needs a field name', value.loc.start, s, ['field name']);
      return { type: 'exists', field: value.value, loc };
    }
    // `_exists_:http.*`: some field whose name matches (`_exists_:*` is every event, as `*:*`).
    if (value.kind === 'term' && !value.star) {
      return { type: 'field_pattern', pattern: value.pattern, clause: { type: 'exists', field: value.pattern, loc }, loc };
    }
    if (value.kind === 'term') return { type: 'match_all', loc };
    throw syntax('_exists_ takes a field name or a field name pattern, not a range or regex', value.loc.start, s, ['field name']);
  }
  switch (value.kind) {
    case 'term':
      if (value.star) return field === null ? { type: 'match_all', loc } : { type: 'exists', field, loc };
      if (value.wildcard) return { type: 'wildcard', field, pattern: value.pattern, loc };
      return { type: 'term', field, value: value.value, phrase: false, loc };
    case 'phrase':
      return { type: 'term', field, value: value.value, phrase: true, loc };
    case 'regex':
      if (value.pattern.length > s.limits.maxRegexLength) {
        throw new QuerySyntaxError(
          'LS_QUERY_REGEX_TOO_LARGE',
          `regular expression is ${value.pattern.length} characters; the limit is ${s.limits.maxRegexLength}`,
          s.query,
          value.loc.start,
        );
      }
      validateRegex(value.pattern, s.query, value.loc.start + 1);
      return { type: 'regex', field, pattern: value.pattern, loc };
    case 'range':
      if (field === null) {
        // KQL writes `status >= 500`: the word before is the field meant.
        const before = /([A-Za-z_@][\w.@-]*)\s+$/.exec(s.query.slice(0, value.loc.start));
        const clause = s.query.slice(value.loc.start, value.loc.end).replace(/^([<>]=?)\s+/, '$1');
        const example = before && !/^(AND|OR|NOT)$/.test(before[1]!) ? `${before[1]}:${clause}` : 'status:>=500';
        throw syntax(`a range or comparison needs a field, written with a colon and no spaces, e.g. ${example}`, value.loc.start, s, ['field name']);
      }
      checkComparison(field, value.lower ?? value.upper, value.loc.start, s);
      return { type: 'range', field, lower: value.lower, upper: value.upper, loc };
  }
}

/** `field:>abc`: a comparison needs a number (a date on @timestamp, a level on level). */
function checkComparison(field: string, bound: { value: string } | null, start: number, s: BuildState): void {
  const op = /^[<>]=?\s*/.exec(s.query.slice(start));
  if (!op || !bound || comparisonAllowed(field, bound.value)) return;
  if (isDateExpression(bound.value)) {
    // `http.*:>=now-1h` or `time:>now-1h`: the user means
    // the events' time, which is @timestamp and nothing else here.
    throw new QuerySyntaxError(
      'LS_QUERY_INVALID_VALUE',
      `"${bound.value}" is a date, and only @timestamp compares dates: for the events' time write @timestamp:${op[0].trim()}${bound.value}` +
        // An ISO date held as text in a field of its own still orders as a string.
        (/^now/.test(bound.value) ? '' : `; for ISO text in ${field}, a range in brackets: ${field}:${stringRange(op[0].trim(), bound.value)}`),
      s.query,
      start + op[0].length,
      ['number'],
    );
  }
  throw new QuerySyntaxError(
    'LS_QUERY_INVALID_VALUE',
    `"${bound.value}" is not a number: ${field}:${op[0].trim()} compares numbers (dates on @timestamp); for a range of strings use brackets, e.g. ${field}:{a TO *]`,
    s.query,
    start + op[0].length,
    ['number'],
  );
}

/** `>=` and a value as a bracket range (`[v TO *]`). */
function stringRange(op: string, value: string): string {
  if (op === '>') return `{${value} TO *]`;
  if (op === '>=') return `[${value} TO *]`;
  if (op === '<') return `[* TO ${value}}`;
  return `[* TO ${value}]`;
}

function countClause(loc: Location, s: BuildState): void {
  s.clauses++;
  if (s.clauses > s.limits.maxClauses) {
    throw new QuerySyntaxError(
      'LS_QUERY_TOO_MANY_CLAUSES',
      `query has more than ${s.limits.maxClauses} clauses`,
      s.query,
      loc.start,
    );
  }
}

function checkDepth(loc: Location, depth: number, s: BuildState): void {
  if (depth > s.limits.maxDepth) {
    throw new QuerySyntaxError(
      'LS_QUERY_TOO_DEEP',
      `query nests deeper than ${s.limits.maxDepth} levels`,
      s.query,
      loc.start,
    );
  }
}

function unsupported(feature: 'fuzzy' | 'boost', loc: Location, s: BuildState): QuerySyntaxError {
  const what = feature === 'fuzzy' ? 'fuzzy matching (`~`)' : 'boosting (`^`)';
  return new QuerySyntaxError(
    'LS_QUERY_UNSUPPORTED',
    `${what} is not supported; escape the character (\\${feature === 'fuzzy' ? '~' : '^'}) to search for it literally`,
    s.query,
    loc.start,
  );
}

function syntax(reason: string, offset: number, s: BuildState, expected: string[]): QuerySyntaxError {
  return new QuerySyntaxError('LS_QUERY_SYNTAX', reason, s.query, offset, expected);
}
