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
 * as false, but NOT NULL is NULL; so NOT compiles to NOT coalesce(x, 0),
 * which gives the matcher's two-valued logic.
 */
import { planLeaf, type LeafPlan, type QueryNode } from '@logship/query';
import { INDEXED, PROMOTED_COLUMN_OF } from './partition-schema.js';
import { compiledPattern } from './sql-functions.js';

export interface CompileContext {
  /** Clock for date math, epoch ms. */
  now: number;
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

class Builder {
  readonly params: Record<string, unknown> = {};
  /** SQL of leaves that are a single-value equality on an indexed column. */
  readonly indexedEqualities = new Set<string>();
  private readonly byValue = new Map<string, string>();
  private n = 0;

  constructor(
    readonly now: number,
    private readonly prefix = 'p',
  ) {}

  /** A parameter placeholder; equal values share one parameter. */
  p(value: string | number | DocPath): string {
    const key = value instanceof DocPath ? `doc:${value.field}` : `${typeof value}:${value}`;
    let name = this.byValue.get(key);
    if (!name) {
      name = `${this.prefix}${this.n++}`;
      this.params[name] = value;
      this.byValue.set(key, name);
    }
    return `@${name}`;
  }

  field(name: string): FieldSql {
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
 * their own parameters, prefixed `f` so they never collide with a query's.
 * A promoted field falls back to `doc`, where its rare booleans live.
 */
export function compileField(name: string): { value: string; type: string; params: Record<string, unknown> } {
  const b = new Builder(0, 'f');
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
  const b = new Builder(ctx.now);
  // The top-level AND's terms one by one: each must hold for a match.
  const required = node.type === 'and' && node.children.length > 0 ? node.children.map((c) => compileNode(c, b)) : null;
  const where = required ? required.map((t) => `(${t})`).join(' AND ') : compileNode(node, b);
  return { where, params: b.params, indexed: (required ?? [where]).some((t) => b.indexedEqualities.has(t)) };
}

function compileNode(node: QueryNode, b: Builder): string {
  switch (node.type) {
    case 'match_all':
      return '1';
    case 'and':
      return node.children.length === 0 ? '1' : node.children.map((c) => `(${compileNode(c, b)})`).join(' AND ');
    case 'or':
      return node.children.length === 0 ? '0' : node.children.map((c) => `(${compileNode(c, b)})`).join(' OR ');
    case 'not':
      return `NOT coalesce((${compileNode(node.child, b)}), 0)`;
    default:
      return leafSql(planLeaf(node, { now: b.now }), b);
  }
}

const NUMERIC = "IN ('integer', 'real')";
const INDEXED_COLUMNS: ReadonlySet<string> = new Set(INDEXED.map((c) => `"${c}"`));

function leafSql(plan: LeafPlan, b: Builder): string {
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
    case 'text_terms':
      return textSql(plan.field, plan.tokens, 'terms', b);
    case 'text_phrase':
      return textSql(plan.field, plan.tokens, 'phrase', b);
    case 'text_wildcard':
      return `ls_text_wildcard(${b.field(plan.field).value}, ${b.p(plan.pattern)})`;
    case 'text_regex':
      compiledPattern('regex_ci', plan.pattern); // malformed patterns fail here, as in the matcher
      return `ls_text_regex(${b.field(plan.field).value}, ${b.p(plan.pattern)})`;
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
        if (plan.number !== null) alternatives.push(`(${f.type} ${NUMERIC} AND ${f.value} = ${b.p(plan.number)})`);
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
      return alternatives.length === 1 ? (alternatives[0] as string) : `(${alternatives.join(' OR ')})`;
    }
    case 'keyword_wildcard': {
      const f = b.field(plan.field);
      return `${prefixRange(f.value, wildcardPrefix(plan.pattern), b)} AND ls_wildcard(${f.value}, ${b.p(plan.pattern)})`;
    }
    case 'keyword_regex': {
      compiledPattern('regex', plan.pattern);
      const f = b.field(plan.field);
      return `${f.value} >= '' AND ls_regex(${f.value}, ${b.p(plan.pattern)})`;
    }
    case 'number_range': {
      // SQLite orders NULL < numbers < TEXT, so bounds alone select numbers:
      // a missing upper bound becomes `< ''` (below every text). Doc values
      // also need the JSON type, as JSON booleans read as 1/0.
      const f = b.field(plan.field);
      const parts = f.kind === 'doc' ? [`${f.type} ${NUMERIC}`] : [];
      if (plan.lower) parts.push(`${f.value} ${plan.lower.inclusive ? '>=' : '>'} ${b.p(plan.lower.value)}`);
      if (plan.upper) parts.push(`${f.value} ${plan.upper.inclusive ? '<=' : '<'} ${b.p(plan.upper.value)}`);
      else parts.push(`${f.value} < ''`);
      return `(${parts.join(' AND ')})`;
    }
    case 'string_range': {
      // BINARY collation compares UTF-8 bytes: code point order, as the
      // matcher. Every number sorts below '', so `>= ''` selects strings.
      const f = b.field(plan.field);
      const parts: string[] = [];
      parts.push(plan.lower ? `${f.value} ${plan.lower.inclusive ? '>=' : '>'} ${b.p(plan.lower.value)}` : `${f.value} >= ''`);
      if (plan.upper) parts.push(`${f.value} ${plan.upper.inclusive ? '<=' : '<'} ${b.p(plan.upper.value)}`);
      return `(${parts.join(' AND ')})`;
    }
  }
}

/** The literal text a wildcard pattern starts with (escapes removed). */
export function wildcardPrefix(pattern: string): string {
  const cps = Array.from(pattern);
  let out = '';
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i] as string;
    if (c === '\\' && i + 1 < cps.length) out += cps[++i] as string;
    else if (c === '*' || c === '?') break;
    else out += c;
  }
  return out;
}

/**
 * Strings starting with `prefix` as an index range: [prefix, prefix with
 * its last code point + 1). Only a prefilter (the exact match follows), so
 * it is left open above when incrementing is not clean (surrogates, the
 * last code point), and is just `>= ''` (strings only) without a prefix.
 */
function prefixRange(value: string, prefix: string, b: Builder): string {
  if (prefix === '' || /[\uD800-\uDFFF]/.test(prefix)) return `${value} >= ''`;
  const cps = Array.from(prefix);
  const last = (cps.pop() as string).codePointAt(0) as number;
  if (last === 0xd7ff || last >= 0x10ffff) return `${value} >= ${b.p(prefix)}`;
  const next = cps.join('') + String.fromCodePoint(last + 1);
  return `${value} >= ${b.p(prefix)} AND ${value} < ${b.p(next)}`;
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

/**
 * Text clauses: FTS5 narrows the candidates (message_fts indexes the
 * matcher's tokens joined by spaces, so FTS finds a superset of the
 * matcher's hits for FTS-safe tokens), then ls_terms / ls_phrase decide
 * exactly with the matcher's tokenizer.
 */
function textSql(field: string, tokens: string[], mode: 'terms' | 'phrase', b: Builder): string {
  const f = b.field(field);
  const exact = `ls_${mode}(${f.value}, ${b.p(JSON.stringify(tokens))})`;
  if (f.value !== '"message"') return exact;
  const safe = tokens.filter((t) => FTS_SAFE.test(t));
  if (safe.length === 0) return exact;
  const match =
    mode === 'phrase' && safe.length === tokens.length
      ? ftsString(tokens.join(' '))
      : [...new Set(safe)].map(ftsString).join(' AND ');
  return `rid IN (SELECT rowid FROM message_fts WHERE message_fts MATCH ${b.p(match)}) AND ${exact}`;
}
