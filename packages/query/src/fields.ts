/**
 * Field semantics — the ONE place that says what a leaf clause means. The
 * in-memory matcher is built on planLeaf(); the SQLite and Elasticsearch
 * compilers should call planLeaf() too and translate each LeafPlan kind
 * (docs/QUERY_LANGUAGE.md, "Semantics for backends", states the same rules).
 *
 *   leaf node ──planLeaf(node, {now})──▶ LeafPlan ──▶ matcher / SQL / ES
 *
 * Field kinds:
 *   text fields text     `message` and the exception / stack fields of
 *                        DEFAULT_TEXT_FIELDS (or the server's
 *                        `search.text_fields`): analyzed: tokenize(); terms =
 *                        all tokens, phrase = adjacent tokens, wildcard/regex
 *                        = some token matches. Free text (no field) searches
 *                        every text field: a leaf matches when it matches in
 *                        one of them (all its tokens in that one field).
 *   level       level    canonical lowercase names; aliases; ranges by severity
 *   @timestamp  date     date math; a term is the whole rounded period
 *   other       keyword  exact strings; numbers and booleans by value
 */
import {
  DEFAULT_FIELD,
  type ExistsNode,
  type RangeBound,
  type RangeNode,
  type RegexNode,
  type TermNode,
  type WildcardNode,
} from './ast.js';
import { QueryError } from './errors.js';
import { LEVELS, type Level } from './event.js';
import { resolveDate } from './date-math.js';
import { levelFromQuery, levelRank } from './levels.js';
import { compileRegex } from './regex.js';
import { compileWildcard } from './wildcard.js';

export type FieldKind = 'text' | 'level' | 'date' | 'keyword';

export const TEXT_FIELD = DEFAULT_FIELD;
export const LEVEL_FIELD = 'level';
export const TIMESTAMP_FIELD = '@timestamp';

/**
 * The fields free text searches, analyzed like `message`: where the formats
 * the normalizer knows put a traceback or an error's text, so that
 * `KeyError` finds the event `logger.exception` wrote.
 *
 *   exc_info, stack_info          python-json-logger (logging's exc_info / stack_info)
 *   exception                     structlog's format_exc_info
 *   err.message, err.stack        pino / bunyan serialized errors
 *   error.message, error.stack_trace, error.type   ECS (ecs-logging-python's stack
 *                                 trace has no line naming the exception: only
 *                                 error.type does)
 *   text                          loguru serialize=True (the formatted record with its traceback)
 *   exception.type, exception.message, exception.stacktrace
 *                                 OpenTelemetry log records (semantic conventions; the
 *                                 Python and Java SDKs' logging bridges write them)
 *   stack_trace                   logstash-logback-encoder (Java)
 *   stacktrace, error             zap (Go); `error` is also zerolog's and logrus's error text
 *   stack                         winston's errors({ stack: true }), zerolog
 *   @x                            Serilog's compact JSON (.NET)
 *   full_message                  GELF (Graylog's format: the stack trace)
 *   throwable.className, throwable.message   logback's JsonEncoder (Java)
 *   thrown.name, thrown.message   log4j2's JsonLayout (Java)
 *
 * Java and other multi-line stack traces joined by the agent's multiline
 * rule are part of `message` already. Servers replace the list with
 * `search.text_fields` (message is always included).
 */
export const DEFAULT_TEXT_FIELDS: readonly string[] = Object.freeze([
  'message',
  'exc_info',
  'stack_info',
  'exception',
  'err.message',
  'err.stack',
  'error.message',
  'error.stack_trace',
  'error.type',
  'text',
  'exception.type',
  'exception.message',
  'exception.stacktrace',
  'stack_trace',
  'stacktrace',
  'error',
  'stack',
  '@x',
  'full_message',
  'throwable.className',
  'throwable.message',
  'thrown.name',
  'thrown.message',
]);

/** Fields that have a meaning of their own and cannot be text fields. */
const NOT_TEXT: ReadonlySet<string> = new Set([LEVEL_FIELD, TIMESTAMP_FIELD, 'event.id']);

/**
 * A text-field list as the server uses it: `message` first, no repeats.
 * Throws for a field that cannot be a text field (level, @timestamp,
 * event.id) or an empty name.
 */
export function resolveTextFields(fields: readonly string[] | undefined): readonly string[] {
  if (fields === undefined) return DEFAULT_TEXT_FIELDS;
  const out = [TEXT_FIELD];
  for (const f of fields) {
    if (typeof f !== 'string' || f === '' || NOT_TEXT.has(f)) {
      throw new QueryError('LS_QUERY_INVALID_VALUE', `"${String(f)}" cannot be a text field`);
    }
    if (!out.includes(f)) out.push(f);
  }
  return Object.freeze(out);
}

export function fieldKind(field: string, textFields: readonly string[] = DEFAULT_TEXT_FIELDS): FieldKind {
  if (field === TEXT_FIELD || textFields.includes(field)) return 'text';
  if (field === LEVEL_FIELD) return 'level';
  if (field === TIMESTAMP_FIELD) return 'date';
  return 'keyword';
}

const TOKEN_RE = /[\p{L}\p{N}]+/gu;

/**
 * The `message` analyzer: lower-case, then every maximal run of Unicode
 * letters and digits is a token; everything else separates tokens.
 * `"GET /api/v1 failed: Timeout!"` → `get api v1 failed timeout`.
 * Reproduced by SQLite FTS5 `tokenize = "unicode61 remove_diacritics 0"` and
 * by an Elasticsearch `pattern` tokenizer `[^\p{L}\p{N}]+` + `lowercase`
 * filter; exact for ASCII.
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN_RE) ?? [];
}

/** A decimal number as a term or range bound: `500`, `-1.5`, `.5`, `2e3`. */
const NUMBER_RE = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a query value denotes, or null when it is not a numeric literal. */
export function numericValue(value: string): number | null {
  if (!NUMBER_RE.test(value)) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * Whether `field:>value` (a comparison: `>`, `>=`, `<`, `<=`) means
 * something: numbers on any field, dates on @timestamp, level names on
 * level. `duration_ms:>abc` is a mistake (a 400 with the position of
 * `abc`), not a silent string range; a range of strings is written with
 * brackets (`host:{web-1 TO *]`).
 */
export function comparisonAllowed(field: string, value: string): boolean {
  return field === TIMESTAMP_FIELD || field === LEVEL_FIELD || numericValue(value) !== null;
}

/**
 * Orders strings by Unicode code point (= UTF-8 byte order, what SQLite's
 * BINARY collation and Elasticsearch keyword ranges use), not UTF-16 units.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (D800-DFFF) encodes a code point above every BMP unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

export interface NumberBound {
  value: number;
  inclusive: boolean;
}
export interface StringBound {
  value: string;
  inclusive: boolean;
}

/** What a leaf means, with every value already resolved. */
export type LeafPlan =
  /** Matches every event. */
  | { kind: 'all' }
  /** Matches no event (e.g. a text value with no tokens, an unknown level name). */
  | { kind: 'none' }
  /** The field is present and not null. */
  | { kind: 'exists'; field: string }
  /**
   * `_exists_:field` / `field:*`: the field, or any field under it
   * (`prefix` = `field.`), is present and not null. Nested objects are
   * flattened to dotted keys, so `_exists_:http` finds the events with
   * `http.status`, as Kibana's exists does on an object field.
   */
  | { kind: 'exists_any'; field: string; prefix: string }
  /**
   * Text fields (one for `field:value`, every text field for free text):
   * in some one of `fields`, every token occurs, any order.
   */
  | { kind: 'text_terms'; fields: string[]; tokens: string[] }
  /** Text fields: in some one of `fields`, the tokens occur adjacent, in order (2+ tokens). */
  | { kind: 'text_phrase'; fields: string[]; tokens: string[] }
  /** Text fields: some token of some one of `fields` matches the (lower-cased) wildcard pattern. */
  | { kind: 'text_wildcard'; fields: string[]; pattern: string }
  /** Text fields: some token of some one of `fields` matches the regex, case-insensitively. */
  | { kind: 'text_regex'; fields: string[]; pattern: string }
  /** Level field: the stored canonical level is one of `levels` (never empty). */
  | { kind: 'level_in'; field: string; levels: Level[] }
  /** Date field: gte <= epoch ms <= lte (null = open). */
  | { kind: 'date_range'; field: string; gte: number | null; lte: number | null }
  /**
   * Keyword field equality: a string value equal to `string`, or a number
   * value equal to `number`, or a boolean value equal to `boolean`; or one
   * element of an array's JSON text so (array-values.ts), unless `whole`.
   */
  | { kind: 'keyword_eq'; field: string; string: string; number: number | null; boolean: boolean | null; whole?: true }
  /** Keyword field: a string value matches the wildcard pattern (case-sensitive). */
  | { kind: 'keyword_wildcard'; field: string; pattern: string }
  /** Keyword field: a string value matches the regex (case-sensitive, whole value). */
  | { kind: 'keyword_regex'; field: string; pattern: string; whole?: true }
  /** Keyword field: a number value within the bounds. */
  | { kind: 'number_range'; field: string; lower: NumberBound | null; upper: NumberBound | null }
  /** Keyword field: a string value within the bounds, by code point order. */
  | { kind: 'string_range'; field: string; lower: StringBound | null; upper: StringBound | null };

export type LeafNode = TermNode | WildcardNode | RegexNode | RangeNode | ExistsNode;

export interface PlanOptions {
  /** Clock for date math, epoch ms. */
  now: number;
  /** Time zone for date math (default UTC). */
  timeZone?: string;
  /**
   * The text fields (resolveTextFields(); default DEFAULT_TEXT_FIELDS):
   * what free text searches and which fields are analyzed.
   */
  textFields?: readonly string[];
}

export function planLeaf(node: LeafNode, opts: PlanOptions): LeafPlan {
  const textFields = opts.textFields ?? DEFAULT_TEXT_FIELDS;
  if (node.type !== 'exists' && node.type !== 'range' && node.field === null) {
    return planText(node, DEFAULT_FIELD, [...textFields]);
  }
  const field = node.type === 'exists' || node.type === 'range' ? node.field : (node.field ?? DEFAULT_FIELD);
  if (node.type === 'exists') {
    // Every event has these two; nothing is stored under them.
    if (field === TIMESTAMP_FIELD || field === 'event.id' || node.only === true) return { kind: 'exists', field };
    // `_exists_:event`: every event has an event.id.
    if (field === 'event') return { kind: 'all' };
    return { kind: 'exists_any', field, prefix: `${field}.` };
  }
  switch (fieldKind(field, textFields)) {
    case 'text':
      return planText(node, field, [field]);
    case 'level':
      return planLevel(node, field);
    case 'date':
      return planDate(node, field, opts);
    case 'keyword':
      return planKeyword(node, field);
  }
}

/** `field` names the clause in errors; `fields` are the fields searched. */
function planText(node: Exclude<LeafNode, ExistsNode>, field: string, fields: string[]): LeafPlan {
  switch (node.type) {
    case 'term': {
      const tokens = tokenize(node.value);
      if (tokens.length === 0) return { kind: 'none' };
      if (node.phrase && tokens.length > 1) return { kind: 'text_phrase', fields, tokens };
      return { kind: 'text_terms', fields, tokens: [...new Set(tokens)] };
    }
    case 'wildcard':
      return { kind: 'text_wildcard', fields, pattern: node.pattern.toLowerCase() };
    case 'regex':
      return { kind: 'text_regex', fields, pattern: node.pattern };
    case 'range':
      throw new QueryError('LS_QUERY_INVALID_VALUE', `ranges are not supported on the text field "${field}"`);
  }
}

function planLevel(node: Exclude<LeafNode, ExistsNode>, field: string): LeafPlan {
  let levels: Level[];
  switch (node.type) {
    case 'term': {
      const level = levelFromQuery(node.value);
      levels = level ? [level] : [];
      break;
    }
    case 'wildcard': {
      const match = compileWildcard(node.pattern.toLowerCase());
      levels = LEVELS.filter((l) => match(l));
      break;
    }
    case 'regex': {
      const match = compileRegex(node.pattern, true);
      levels = LEVELS.filter((l) => match(l));
      break;
    }
    case 'range': {
      const rank = (b: RangeBound): number => {
        const level = levelFromQuery(b.value);
        if (!level) {
          throw new QueryError(
            'LS_QUERY_INVALID_VALUE',
            `"${b.value}" is not a level; use one of ${LEVELS.join(', ')}`,
          );
        }
        return levelRank(level);
      };
      const lo = node.lower ? rank(node.lower) + (node.lower.inclusive ? 0 : 1) : 0;
      const hi = node.upper ? rank(node.upper) - (node.upper.inclusive ? 0 : 1) : LEVELS.length - 1;
      levels = LEVELS.filter((_, i) => i >= lo && i <= hi);
      break;
    }
  }
  return levels.length ? { kind: 'level_in', field, levels } : { kind: 'none' };
}

function planDate(node: Exclude<LeafNode, ExistsNode>, field: string, opts: PlanOptions): LeafPlan {
  const at = (value: string, roundUp: boolean): number =>
    resolveDate(value, { now: opts.now, roundUp, ...(opts.timeZone ? { timeZone: opts.timeZone } : {}) });
  switch (node.type) {
    case 'term':
      // As in Elasticsearch: `@timestamp:2026-02-08` is that whole day.
      return dateRange(field, at(node.value, false), at(node.value, true));
    case 'range': {
      // Elasticsearch rounding: `>=`/`[` and `<`/`}` round down; `>`/`{` and `<=`/`]` round up.
      const gte = node.lower ? (node.lower.inclusive ? at(node.lower.value, false) : at(node.lower.value, true) + 1) : null;
      const lte = node.upper ? (node.upper.inclusive ? at(node.upper.value, true) : at(node.upper.value, false) - 1) : null;
      if (gte === null && lte === null) return { kind: 'exists', field };
      return dateRange(field, gte, lte);
    }
    case 'wildcard':
    case 'regex':
      throw new QueryError('LS_QUERY_INVALID_VALUE', `${node.type} queries are not supported on the date field "${field}"`);
  }
}

function dateRange(field: string, gte: number | null, lte: number | null): LeafPlan {
  if (gte !== null && lte !== null && gte > lte) return { kind: 'none' };
  return { kind: 'date_range', field, gte, lte };
}

function planKeyword(node: Exclude<LeafNode, ExistsNode>, field: string): LeafPlan {
  switch (node.type) {
    case 'term':
      return {
        kind: 'keyword_eq',
        field,
        string: node.value,
        number: numericValue(node.value),
        boolean: node.value === 'true' ? true : node.value === 'false' ? false : null,
        ...(node.whole === true ? { whole: true as const } : {}),
      };
    case 'wildcard':
      return { kind: 'keyword_wildcard', field, pattern: node.pattern };
    case 'regex':
      return { kind: 'keyword_regex', field, pattern: node.pattern, ...(node.whole === true ? { whole: true as const } : {}) };
    case 'range': {
      const { lower, upper } = node;
      if (!lower && !upper) return { kind: 'exists', field };
      const nl = lower ? numericValue(lower.value) : null;
      const nu = upper ? numericValue(upper.value) : null;
      if ((!lower || nl !== null) && (!upper || nu !== null)) {
        return {
          kind: 'number_range',
          field,
          lower: lower ? { value: nl!, inclusive: lower.inclusive } : null,
          upper: upper ? { value: nu!, inclusive: upper.inclusive } : null,
        };
      }
      return { kind: 'string_range', field, lower, upper };
    }
  }
}
