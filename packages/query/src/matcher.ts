/**
 * The in-memory matcher: AST → predicate over one event. It is the reference
 * the SQLite and Elasticsearch backends are checked against, so it is written
 * for obviousness: every leaf goes through planLeaf() (fields.ts) and each
 * LeafPlan kind is evaluated here exactly as docs/QUERY_LANGUAGE.md says.
 */
import type { FieldPatternNode, QueryNode } from './ast.js';
import { withElements } from './array-values.js';
import type { FieldValue, LogEvent } from './event.js';
import { clauseOnField, fieldNameMatches } from './field-patterns.js';
import { compareCodePoints, planLeaf, tokenize, type LeafPlan, type PlanOptions } from './fields.js';
import { compileRegex } from './regex.js';
import { compileWildcard } from './wildcard.js';

export type MatcherOptions = PlanOptions;

export type EventPredicate = (event: LogEvent) => boolean;

/**
 * Per-event memo so several message clauses tokenize the message once; the
 * Map only once some clause tokenizes (most predicates, e.g. retention
 * classes run on every ingested event, never do).
 */
interface Ctx {
  tokens: Map<string, string[] | null> | null;
}
type Eval = (event: LogEvent, ctx: Ctx) => boolean;

export function compileMatcher(ast: QueryNode, opts: MatcherOptions): EventPredicate {
  const root = compile(ast, opts);
  return (event) => root(event, { tokens: null });
}

function compile(node: QueryNode, opts: MatcherOptions): Eval {
  switch (node.type) {
    case 'match_all':
      return () => true;
    case 'and': {
      const children = node.children.map((c) => compile(c, opts));
      // Loops, not every/some with an arrow: that arrow was a new closure per event.
      return (e, ctx) => {
        for (let i = 0; i < children.length; i++) if (!children[i]!(e, ctx)) return false;
        return true;
      };
    }
    case 'or': {
      const children = node.children.map((c) => compile(c, opts));
      return (e, ctx) => {
        for (let i = 0; i < children.length; i++) if (children[i]!(e, ctx)) return true;
        return false;
      };
    }
    case 'not': {
      const child = compile(node.child, opts);
      return (e, ctx) => !child(e, ctx);
    }
    case 'field_pattern':
      return compilePattern(node, opts);
    default:
      return compilePlan(planLeaf(node, opts));
  }
}

/** Field names whose clause a pattern remembers (each a compiled leaf). */
const PATTERN_MEMO = 4096;

/**
 * `http.*:500`: the clause on each field of the event whose name matches
 * (field-patterns.ts), each name's clause compiled once.
 */
function compilePattern(node: FieldPatternNode, opts: MatcherOptions): Eval {
  const memo = new Map<string, Eval | null>();
  const clauseFor = (name: string): Eval | null => {
    let ev = memo.get(name);
    if (ev === undefined) {
      ev = fieldNameMatches(node.pattern, name) ? compileOn(name) : null;
      if (memo.size < PATTERN_MEMO) memo.set(name, ev);
    }
    return ev;
  };
  const compileOn = (name: string): Eval | null => {
    const clause = clauseOnField(node, name, opts);
    return clause ? compilePlan(planLeaf(clause, opts)) : null;
  };
  return (e, ctx) => {
    for (const k in e) {
      if (!Object.hasOwn(e, k) || e[k] === null || e[k] === undefined) continue;
      const ev = clauseFor(k);
      if (ev !== null && ev(e, ctx)) return true;
    }
    return false;
  };
}

/** Present and not null; `undefined` otherwise. */
function valueOf(event: LogEvent, field: string): Exclude<FieldValue, null> | undefined {
  const v = Object.hasOwn(event, field) ? event[field] : undefined;
  return v === null ? undefined : v;
}

function tokensOf(event: LogEvent, field: string, ctx: Ctx): string[] | null {
  let t = ctx.tokens?.get(field);
  if (t === undefined) {
    const v = valueOf(event, field);
    t = typeof v === 'string' ? tokenize(v) : null;
    (ctx.tokens ??= new Map()).set(field, t);
  }
  return t;
}

/** True when the tokens of some one of `fields` (string values only) satisfy `test`. */
function inAnyField(fields: readonly string[], test: (tokens: string[]) => boolean): Eval {
  return (e, ctx) => {
    for (let i = 0; i < fields.length; i++) {
      const tokens = tokensOf(e, fields[i]!, ctx);
      if (tokens !== null && test(tokens)) return true;
    }
    return false;
  };
}

function compilePlan(plan: LeafPlan): Eval {
  switch (plan.kind) {
    case 'all':
      return () => true;
    case 'none':
      return () => false;
    case 'exists':
      return (e) => valueOf(e, plan.field) !== undefined;
    case 'exists_any': {
      const { field, prefix } = plan;
      return (e) => {
        if (valueOf(e, field) !== undefined) return true;
        for (const k of Object.keys(e)) if (k.startsWith(prefix) && e[k] !== null && e[k] !== undefined) return true;
        return false;
      };
    }
    case 'text_terms':
      return inAnyField(plan.fields, (tokens) => {
        for (let i = 0; i < plan.tokens.length; i++) if (!tokens.includes(plan.tokens[i]!)) return false;
        return true;
      });
    case 'text_phrase': {
      const want = plan.tokens;
      return inAnyField(plan.fields, (tokens) => {
        outer: for (let i = 0; i + want.length <= tokens.length; i++) {
          for (let j = 0; j < want.length; j++) if (tokens[i + j] !== want[j]) continue outer;
          return true;
        }
        return false;
      });
    }
    case 'text_wildcard': {
      const match = compileWildcard(plan.pattern);
      return inAnyField(plan.fields, (tokens) => tokens.some(match));
    }
    case 'text_regex': {
      const match = compileRegex(plan.pattern, true);
      return inAnyField(plan.fields, (tokens) => tokens.some(match));
    }
    case 'level_in': {
      const levels = new Set<string>(plan.levels);
      return (e) => {
        const v = valueOf(e, plan.field);
        return typeof v === 'string' && levels.has(v);
      };
    }
    case 'date_range':
      return (e) => {
        const v = valueOf(e, plan.field);
        if (typeof v !== 'string') return false;
        const t = Date.parse(v);
        if (Number.isNaN(t)) return false;
        return (plan.gte === null || t >= plan.gte) && (plan.lte === null || t <= plan.lte);
      };
    // Keyword clauses: the value, or one element of an array's JSON text (array-values.ts).
    case 'keyword_eq':
    case 'keyword_wildcard':
    case 'keyword_regex':
    case 'number_range':
    case 'string_range': {
      const own = keywordValueTest(plan);
      const test = 'whole' in plan && plan.whole === true ? own : withElements(own);
      return (e) => test(valueOf(e, plan.field));
    }
  }
}

type KeywordPlan = Extract<LeafPlan, { kind: 'keyword_eq' | 'keyword_wildcard' | 'keyword_regex' | 'number_range' | 'string_range' }>;

/**
 * A keyword clause's test of one value (not of an array's elements: the
 * matcher wraps it in withElements). The stores that test values one by
 * one (SQLite's ls_elements for array elements) use this same function.
 */
export function keywordValueTest(plan: KeywordPlan): (v: FieldValue | undefined) => boolean {
  switch (plan.kind) {
    case 'keyword_eq':
      return (v) => {
        if (typeof v === 'string') return v === plan.string;
        if (typeof v === 'number') return plan.number !== null && v === plan.number;
        if (typeof v === 'boolean') return plan.boolean !== null && v === plan.boolean;
        return false;
      };
    case 'keyword_wildcard': {
      const match = compileWildcard(plan.pattern);
      return (v) => typeof v === 'string' && match(v);
    }
    case 'keyword_regex': {
      const match = compileRegex(plan.pattern);
      return (v) => typeof v === 'string' && match(v);
    }
    case 'number_range': {
      const { lower, upper } = plan;
      return (v) => {
        if (typeof v !== 'number' || Number.isNaN(v)) return false;
        if (lower && (lower.inclusive ? v < lower.value : v <= lower.value)) return false;
        if (upper && (upper.inclusive ? v > upper.value : v >= upper.value)) return false;
        return true;
      };
    }
    case 'string_range': {
      const { lower, upper } = plan;
      return (v) => {
        if (typeof v !== 'string') return false;
        if (lower) {
          const c = compareCodePoints(v, lower.value);
          if (lower.inclusive ? c < 0 : c <= 0) return false;
        }
        if (upper) {
          const c = compareCodePoints(v, upper.value);
          if (upper.inclusive ? c > 0 : c >= 0) return false;
        }
        return true;
      };
    }
  }
}
