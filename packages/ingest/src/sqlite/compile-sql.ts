/**
 * AST → a parameterized SQL boolean expression over one partition's
 * `events` table (see partition-schema.ts).
 *
 *   AST ──and/or/not here──┐
 *   leaf ──planLeaf() (query package: the one statement of meaning)──▶
 *   LeafPlan ──leafSql()──▶ SQL over promoted columns / doc JSON / FTS5
 *
 * The in-memory matcher evaluates the same LeafPlans, so the two can only
 * differ in how a plan is translated; the differential test checks that.
 *
 * Safety: no value from the query is ever spliced into the SQL text. Every
 * value, JSON path and FTS query is a named parameter (`@p0`, `@p1`, …), and
 * identifiers come only from the fixed column table.
 *
 * NULL: a missing field makes a comparison NULL, which AND/OR already treat
 * as false, but NOT NULL is NULL; so NOT compiles to CASE WHEN x THEN 0
 * ELSE 1 END, which gives the matcher's two-valued logic. A CASE, not
 * NOT coalesce(x, 0): SQLite evaluates both sides of an AND/OR whose value
 * it keeps (a function's argument), but tests a WHEN's condition with
 * jumps, stopping at the first side that decides.
 */
import { clauseOnField, DEFAULT_TEXT_FIELDS, expandFieldPattern, planLeaf, type FieldPatternNode, type LeafPlan, type QueryNode } from '@logship/query/core';
import { INDEXED, PROMOTED_COLUMN_OF } from './partition-schema.js';
import { compiledPattern } from './sql-functions.js';
import { prefixRange, wildcardPrefix } from './wildcard-range.js';

export interface CompileContext {
  /** Clock for date math, epoch ms. */
  now: number;
  /** The text fields (query package resolveTextFields; default DEFAULT_TEXT_FIELDS). */
  textFields?: readonly string[];
}

export interface CompiledSql {
  /** A boolean SQL expression over `events`. */
  where: string;
  /** Named parameters referenced by `where` as `@pN`. */
  params: Record<string, unknown>;
  /**
   * True when `where` requires a single-value equality on an indexed
   * column (the query, or one of its top-level AND terms): then whether a
   * partition holds any match is one index lookup away (sqlite-store.ts).
   */
  indexed: boolean;
}

/** How one field is reached in SQL. */
interface FieldSql {
  /** The value: TEXT, INTEGER or REAL (JSON booleans read as 1/0). */
  value: string;
  /** 'text' | 'integer' | 'real' | 'true' | 'false' | 'null' | NULL (absent). */
  type: string;
  kind: 'ts' | 'eid' | 'column' | 'doc';
  /**
   * For promoted fields: the same field read from `doc`, where a boolean or
   * null value of a promoted field is kept (columns hold strings/numbers).
   */
  fallback?: () => FieldSql;
}

/**
 * A named parameter standing for a doc field's JSON path. Each partition
 * binds it to its own `$."<code>"` (doc-keys.ts), so the compiled SQL is
 * the same for every partition and no field name reaches the path parser.
 */
export class DocPath {
  constructor(readonly field: string) {}
}

/**
 * A named parameter standing for the JSON paths of every doc key under a
 * prefix (`http.` → the paths of `http.status`, `http.method`, …): each
 * partition binds it to its own list, as JSON text (`[]` when it has none).
 */
export class DocPrefix {
  constructor(readonly prefix: string) {}
}

/**
 * A named parameter standing for the JSON paths of every doc key whose name
 * matches a field-name pattern (`http.*`), except the names in `except`
 * (the compiler expands those itself): each partition binds it to its own
 * list, as JSON text.
 */
export class DocPattern {
  constructor(
    readonly pattern: string,
    readonly except: readonly string[],
  ) {}
}

/**
 * A named parameter standing for whether text_fts holds these fields for
 * every row of a partition: each partition binds it to 0 when it does and to
 * a bound above every rid when it does not (partition-db.ts), so
 * `rid < @cover` adds no rows, or makes every row a candidate for the exact
 * check (older files, or fields indexed since only part of the file).
 */
export class TextCover {
  constructor(readonly fields: readonly string[]) {}
}

class Builder {
  readonly params: Record<string, unknown> = {};
  /** SQL of leaves that are a single-value equality on an indexed column. */
  readonly indexedEqualities = new Set<string>();
  private readonly byValue = new Map<string, string>();
  private n = 0;

  constructor(
    readonly now: number,
    private readonly prefix = 'p',
    readonly textFields?: readonly string[],
  ) {}

  /** A parameter placeholder; equal values share one parameter. */
  p(value: string | number | DocPath | DocPrefix | DocPattern | TextCover): string {
    const key =
      value instanceof DocPath
        ? `doc:${value.field}`
        : value instanceof DocPrefix
          ? `under:${value.prefix}`
          : value instanceof DocPattern
          ? `pattern:${JSON.stringify([value.pattern, value.except])}`
          : value instanceof TextCover
          ? `cover:${JSON.stringify(value.fields)}`
          : `${typeof value}:${value}`;
    let name = this.byValue.get(key);
    if (!name) {
      name = `${this.prefix}${this.n++}`;
      this.params[name] = value;
      this.byValue.set(key, name);
    }
    return `@${name}`;
  }

  /** Fields reached otherwise than by name (a field pattern's doc keys). */
  readonly special = new Map<string, FieldSql>();

  field(name: string): FieldSql {
    const special = this.special.get(name);
    if (special) return special;
    if (name === '@timestamp') return { value: 'ts', type: "'integer'", kind: 'ts' };
    if (name === 'event.id') return { value: 'eid', type: "'text'", kind: 'eid' };
    const column = PROMOTED_COLUMN_OF.get(name);
    if (column !== undefined) {
      return { value: `"${column}"`, type: `typeof("${column}")`, kind: 'column', fallback: () => this.docField(name) };
    }
    return this.docField(name);
  }

  private docField(name: string): FieldSql {
    const path = this.p(new DocPath(name));
    return { value: `json_extract(doc, ${path})`, type: `json_type(doc, ${path})`, kind: 'doc' };
  }
}

/**
 * How an aggregation reaches a field: `value` and `type` expressions with
 * their own parameters, prefixed `f` (or `prefix`: two fields of one
 * statement) so they never collide with a query's.
 * A promoted field falls back to `doc`, where its rare booleans live.
 */
export function compileField(name: string, prefix = 'f'): { value: string; type: string; params: Record<string, unknown> } {
  const b = new Builder(0, prefix);
  const f = b.field(name);
  const d = f.fallback?.();
  if (!d) return { value: f.value, type: f.type, params: b.params };
  return {
    value: `CASE WHEN ${f.value} IS NOT NULL THEN ${f.value} ELSE ${d.value} END`,
    type: `CASE WHEN ${f.value} IS NOT NULL THEN ${f.type} ELSE ${d.type} END`,
    params: b.params,
  };
}

export function compileSql(node: QueryNode, ctx: CompileContext): CompiledSql {
  const b = new Builder(ctx.now, 'p', ctx.textFields);
  // The top-level AND's terms one by one: each must hold for a match.
  const required = node.type === 'and' && node.children.length > 0 ? node.children.map((c) => compileNode(c, b, true)) : null;
  const where = required ? balanced(required, 'AND') : compileNode(node, b, true);
  return { where, params: b.params, indexed: (required ?? [where]).some((t) => b.indexedEqualities.has(t)) };
}

/**
 * Terms joined by AND or OR as a balanced tree, `((a OR b) OR (c OR d))`:
 * SQLite parses `a OR b OR c …` as a chain as deep as it is long, and
 * refuses one deeper than 1000 ("Expression tree is too large"), which an
 * OR of 1000 values (`status:(…)`, within the 1024 clauses a query may
 * have) reached: a 500 on the row store only.
 */
function balanced(terms: readonly string[], op: 'AND' | 'OR'): string {
  if (terms.length <= 8) return terms.map((t) => `(${t})`).join(` ${op} `);
  const mid = Math.ceil(terms.length / 2);
  return `(${balanced(terms.slice(0, mid), op)}) ${op} (${balanced(terms.slice(mid), op)})`;
}

function compileNode(node: QueryNode, b: Builder, top = false): string {
  switch (node.type) {
    case 'match_all':
      return '1';
    case 'and':
      return node.children.length === 0 ? '1' : balanced(node.children.map((c) => compileNode(c, b, top)), 'AND');
    case 'or':
      return node.children.length === 0 ? '0' : balanced(node.children.map((c) => compileNode(c, b)), 'OR');
    case 'not':
      return `CASE WHEN ${compileNode(node.child, b)} THEN 0 ELSE 1 END`;
    case 'field_pattern':
      return patternSql(node, b);
    default:
      return leafSql(planLeaf(node, { now: b.now, ...(b.textFields ? { textFields: b.textFields } : {}) }), b, top);
  }
}

/**
 * `http.*:500` (query package field-patterns.ts). The fields with a place
 * of their own (@timestamp, event.id, the promoted columns, the text
 * fields) are expanded here, each by its own kind; every other field is a
 * doc key, a keyword, so one clause over the doc keys whose names match
 * (DocPattern, bound per partition) covers them all.
 */
function patternSql(node: FieldPatternNode, b: Builder): string {
  const opts = { now: b.now, ...(b.textFields ? { textFields: b.textFields } : {}) };
  const own = ['@timestamp', 'event.id', ...PROMOTED_COLUMN_OF.keys(), ...(b.textFields ?? DEFAULT_TEXT_FIELDS)];
  const ownSql = compileNode(expandFieldPattern(node, own, opts), b);
  // A stand-in name no field has: the clause planned as on a keyword doc field.
  const stand = `\u0000pattern${b.special.size}`;
  const clause = clauseOnField(node, stand, { ...opts, textFields: [] });
  if (clause === null) return ownSql;
  const keys = b.p(new DocPattern(node.pattern, [...new Set(own)]));
  const alias = `pk${b.special.size}`;
  b.special.set(stand, { value: `json_extract(doc, ${alias}.value)`, type: `json_type(doc, ${alias}.value)`, kind: 'doc' });
  const docSql = compileNode(clause, b);
  return `(${ownSql}) OR EXISTS (SELECT 1 FROM json_each(${keys}) AS ${alias} WHERE ${docSql})`;
}

const NUMERIC = "IN ('integer', 'real')";
const INDEXED_COLUMNS: ReadonlySet<string> = new Set(INDEXED.map((c) => `"${c}"`));

function leafSql(plan: LeafPlan, b: Builder, top = false): string {
  switch (plan.kind) {
    case 'all':
      return '1';
    case 'none':
      return '0';
    case 'exists': {
      const f = b.field(plan.field);
      if (f.kind === 'ts' || f.kind === 'eid') return '1';
      const inDoc = (d: FieldSql): string => `coalesce(${d.type}, 'null') != 'null'`;
      if (f.kind === 'doc') return inDoc(f);
      return f.fallback ? `(${f.value} IS NOT NULL OR ${inDoc(f.fallback())})` : `${f.value} IS NOT NULL`;
    }
    case 'exists_any': {
      // The field, or a doc key under it (no promoted column's name has a dot).
      const own = leafSql({ kind: 'exists', field: plan.field }, b);
      const under = b.p(new DocPrefix(plan.prefix));
      return `(${own} OR EXISTS (SELECT 1 FROM json_each(${under}) AS k WHERE coalesce(json_type(doc, k.value), 'null') != 'null'))`;
    }
    case 'text_terms':
      return textSql(plan.fields, plan.tokens, 'terms', b, top);
    case 'text_phrase':
      return textSql(plan.fields, plan.tokens, 'phrase', b, top);
    case 'text_wildcard':
      return anyField(plan.fields.map((f) => `ls_text_wildcard(${b.field(f).value}, ${b.p(plan.pattern)})`));
    case 'text_regex':
      compiledPattern('regex_ci', plan.pattern); // malformed patterns fail here, as in the matcher
      return anyField(plan.fields.map((f) => `ls_text_regex(${b.field(f).value}, ${b.p(plan.pattern)})`));
    case 'level_in': {
      // A TEXT parameter equals only TEXT values (columns have no affinity,
      // so nothing is converted): no type guard needed.
      const f = b.field(plan.field);
      const [only] = plan.levels;
      if (plan.levels.length === 1 && only !== undefined) {
        // As for keywords: an equality gets STAT4, and marks the query as
        // one an index can rule a partition out for (`level:error` then
        // skips the default and debug partitions of a day after one probe
        // instead of walking them: 250 ms -> tens over 24 h at 2M events).
        const test = `${f.value} = ${b.p(only)}`;
        if (f.kind === 'column' && INDEXED_COLUMNS.has(f.value)) b.indexedEqualities.add(test);
        return test;
      }
      return `${f.value} IN (${plan.levels.map((l) => b.p(l)).join(', ')})`;
    }
    case 'date_range': {
      const f = b.field(plan.field);
      const parts: string[] = [];
      if (f.kind === 'ts') {
        if (plan.gte !== null) parts.push(`ts >= ${b.p(plan.gte)}`);
        if (plan.lte !== null) parts.push(`ts <= ${b.p(plan.lte)}`);
        return parts.length ? parts.join(' AND ') : '1';
      }
      // Only @timestamp is a date field today; any other would be an ISO
      // string, which sorts like its instant only in canonical UTC form.
      const value = `ls_date(${f.value})`;
      parts.push(`${value} IS NOT NULL`);
      if (plan.gte !== null) parts.push(`${value} >= ${b.p(plan.gte)}`);
      if (plan.lte !== null) parts.push(`${value} <= ${b.p(plan.lte)}`);
      return parts.join(' AND ');
    }
    case 'keyword_eq': {
      const f = b.field(plan.field);
      const alternatives: string[] = [];
      if (f.kind === 'doc') {
        // json_extract reads JSON booleans as 1/0: numbers need the JSON type.
        alternatives.push(`${f.value} = ${b.p(plan.string)}`);
        if (plan.number !== null) alternatives.push(`(${f.type} ${NUMERIC} AND ${docNumber(f)} = ${b.p(plan.number)})`);
      } else {
        // Typed parameters compare only with values of their own kind, and
        // an IN list keeps the column's index usable. A single value is an
        // equality: only then does the planner consult its per-value
        // statistics (STAT4) for a bound parameter, which decides between
        // two indexed fields in `logger:X AND user_id:Y`.
        const values = plan.number === null ? [plan.string] : [plan.string, plan.number];
        const test =
          values.length === 1 ? `${f.value} = ${b.p(plan.string)}` : `${f.value} IN (${values.map((v) => b.p(v)).join(', ')})`;
        if (values.length === 1 && plan.boolean === null && f.kind === 'column' && INDEXED_COLUMNS.has(f.value)) b.indexedEqualities.add(test);
        // event.id has no index of its own (the UNIQUE one is (ts, eid)):
        // as a subquery the planner reads only that index's entries, a
        // fraction of the rows it would otherwise scan.
        alternatives.push(f.kind === 'eid' ? `rid IN (SELECT rid FROM events WHERE ${test})` : test);
      }
      if (plan.boolean !== null) {
        const d = f.kind === 'doc' ? f : f.fallback?.();
        if (d) alternatives.push(`${d.type} = ${b.p(plan.boolean ? 'true' : 'false')}`);
      }
      if (f.kind !== 'ts' && f.kind !== 'eid' && plan.whole !== true) alternatives.push(elementsSql(f, plan, b));
      const test = alternatives.length === 1 ? (alternatives[0] as string) : `(${alternatives.join(' OR ')})`;
      // Still one index lookup a partition: both terms of the OR are ranges of the column's index.
      if (alternatives.length === 2 && b.indexedEqualities.has(alternatives[0] as string)) b.indexedEqualities.add(test);
      return test;
    }
    case 'keyword_wildcard': {
      const f = b.field(plan.field);
      const own = `${prefixRange(f.value, wildcardPrefix(plan.pattern), (v) => b.p(v))} AND ls_wildcard(${f.value}, ${b.p(plan.pattern)})`;
      return `((${own}) OR ${elementsSql(f, plan, b)})`;
    }
    case 'keyword_regex': {
      compiledPattern('regex', plan.pattern);
      const f = b.field(plan.field);
      const own = `${f.value} >= '' AND ls_regex(${f.value}, ${b.p(plan.pattern)})`;
      return plan.whole === true ? own : `((${own}) OR ${elementsSql(f, plan, b)})`;
    }
    case 'number_range': {
      // SQLite orders NULL < numbers < TEXT, so bounds alone select numbers:
      // a missing upper bound becomes `< ''` (below every text). Doc values
      // also need the JSON type, as JSON booleans read as 1/0.
      const f = b.field(plan.field);
      const parts = f.kind === 'doc' ? [`${f.type} ${NUMERIC}`] : [];
      const value = f.kind === 'doc' ? docNumber(f) : f.value;
      if (plan.lower) parts.push(`${value} ${plan.lower.inclusive ? '>=' : '>'} ${b.p(plan.lower.value)}`);
      if (plan.upper) parts.push(`${value} ${plan.upper.inclusive ? '<=' : '<'} ${b.p(plan.upper.value)}`);
      else if (f.kind !== 'doc') parts.push(`${f.value} < ''`);
      return `((${parts.join(' AND ')}) OR ${elementsSql(f, plan, b)})`;
    }
    case 'string_range': {
      // BINARY collation compares UTF-8 bytes: code point order, as the
      // matcher. Every number sorts below '', so `>= ''` selects strings.
      const f = b.field(plan.field);
      const parts: string[] = [];
      parts.push(plan.lower ? `${f.value} ${plan.lower.inclusive ? '>=' : '>'} ${b.p(plan.lower.value)}` : `${f.value} >= ''`);
      if (plan.upper) parts.push(`${f.value} ${plan.upper.inclusive ? '<=' : '<'} ${b.p(plan.upper.value)}`);
      return `((${parts.join(' AND ')}) OR ${elementsSql(f, plan, b)})`;
    }
  }
}

/**
 * An array's JSON text matched by its elements (query package
 * array-values.ts): only strings that start with `[` (an index range on a
 * promoted column) reach ls_elements, which parses them and tests each
 * element as the matcher does (keywordValueTest).
 */
function elementsSql(f: FieldSql, plan: LeafPlan, b: Builder): string {
  return `(${f.value} >= '[' AND ${f.value} < '\\' AND ls_elements(${f.value}, ${b.p(JSON.stringify(plan))}))`;
}

/**
 * A doc number as the double the matcher compares. `doc` JSON holds
 * numbers as JSON.stringify wrote them, and SQLite reads an integer of up
 * to 19 digits exactly, as a 64-bit integer: 1234567890123456800 (the
 * double 1234567890123456768 prints so) then equalled no double, and
 * `trace_id:1234567890123456789` found on the row store nothing that the
 * block store, Elasticsearch and the matcher found. As REAL it is that
 * double again.
 */
function docNumber(f: FieldSql): string {
  return `CAST(${f.value} AS REAL)`;
}

/**
 * Tokens FTS5 is trusted with: ASCII letters and digits are token characters
 * in every unicode61 version, so such a token is one FTS token, itself.
 * Other letters may be unknown to SQLite's older Unicode tables and split
 * differently; those tokens are left to the exact check alone.
 */
const FTS_SAFE = /^[a-z0-9]+$/;

function ftsString(text: string): string {
  return `"${text}"`;
}

function anyField(tests: string[]): string {
  return tests.length === 1 ? (tests[0] as string) : `(${tests.join(' OR ')})`;
}

/**
 * Text clauses: FTS5 narrows the candidates, then ls_terms / ls_phrase
 * decide exactly with the matcher's tokenizer, field by field. message_fts
 * indexes the message's tokens joined by spaces and text_fts those of the
 * other text fields (partition-schema.ts), so FTS finds a superset of the
 * matcher's hits for FTS-safe tokens; where text_fts does not hold a field
 * for every row, TextCover lets every row through to the exact check.
 */
function textSql(fields: readonly string[], tokens: string[], mode: 'terms' | 'phrase', b: Builder, top: boolean): string {
  const exact = (field: string): string => `ls_${mode}(${b.field(field).value}, ${b.p(JSON.stringify(tokens))})`;
  const safe = tokens.filter((t) => FTS_SAFE.test(t));
  const match =
    safe.length === 0
      ? null
      : mode === 'phrase' && safe.length === tokens.length
        ? ftsString(tokens.join(' '))
        : [...new Set(safe)].map(ftsString).join(' AND ');
  const exacts = anyField(fields.map(exact));
  if (match === null) return exacts;
  // One candidate set for all fields, then the exact check per field: a
  // row with an exact hit in a field is in that field's FTS table (or not
  // covered by it), so the union loses nothing. As one OR of rowid lookups
  // the planner runs it as a MULTI-INDEX OR instead of a scan.
  const candidates: string[] = [];
  if (fields.includes('message')) candidates.push(`rid IN (SELECT rowid FROM message_fts WHERE message_fts MATCH ${b.p(match)})`);
  const others = fields.filter((f) => f !== 'message');
  if (others.length > 0) {
    candidates.push(`rid IN (SELECT rowid FROM text_fts WHERE text_fts MATCH ${b.p(match)})`, `rid < ${b.p(new TextCover(others))}`);
  }
  const prefilter = candidates.length === 1 ? (candidates[0] as string) : `(${candidates.join(' OR ')})`;
  // A term of the top-level AND: the planner reads the candidates first.
  // Elsewhere SQLite evaluates `prefilter AND exacts` right side first (the
  // left holds a subquery, which it takes for the dearer), so the exact
  // check ran on every row: `NOT timeout`, `timeout OR host:x` ~10x slower.
  return top ? `${prefilter} AND ${exacts}` : `CASE WHEN ${prefilter} THEN CASE WHEN ${exacts} THEN 1 ELSE 0 END ELSE 0 END`;
}
