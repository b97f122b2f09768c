/**
 * Tests of one field's value that stand for the matcher's leaves (query
 * package matcher.ts, the same comparisons), so a row of a block costs a
 * comparison instead of a probe object and a matcher call; block-scan.ts
 * runs them over a column, through its dictionary where it has one. The
 * differential tests hold these to the matcher.
 */
import { arrayElements, compileRegex, compileWildcard, planLeaf, regexRuns, withElements, type FieldValue, type LeafPlan, type MatcherOptions, type QueryNode } from '@logship/query/core';
import { planFields } from './block-prune.js';
import { isRollupField } from '../sqlite/rollup.js';

export type ValueTest = (v: FieldValue | undefined) => boolean;

/**
 * The test of one value for the single-field plans that dominate real
 * queries; null for the others (text leaves, dates). Keyword tests take an
 * array's JSON text by its elements too (query package array-values.ts).
 */
export function valueTest(plan: LeafPlan): ValueTest | null {
  const test = ownValueTest(plan);
  if (test === null) return null;
  switch (plan.kind) {
    case 'keyword_eq':
    case 'keyword_regex':
      return plan.whole === true ? test : withElements(test);
    case 'keyword_wildcard':
    case 'number_range':
      return withElements(test);
    default:
      return test;
  }
}

function ownValueTest(plan: LeafPlan): ValueTest | null {
  switch (plan.kind) {
    case 'exists':
      return (v) => v !== undefined && v !== null;
    case 'level_in': {
      const levels = new Set<string>(plan.levels);
      return (v) => typeof v === 'string' && levels.has(v);
    }
    case 'keyword_eq': {
      const { string, number, boolean } = plan;
      return (v) => v === string || (typeof v === 'number' && number !== null && v === number) || (typeof v === 'boolean' && boolean !== null && v === boolean);
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
    case 'keyword_wildcard': {
      // A memo as text leaves keep: keyword values repeat, and a glob of
      // `web-1?` walks the value's code points.
      const match = remembered(compileWildcard(plan.pattern));
      return (v) => typeof v === 'string' && match(v);
    }
    case 'keyword_regex': {
      // The NFA steps a set of states per character: values without the
      // pattern's literal text are ruled out by a substring search first.
      const runs = regexRuns(plan.pattern);
      const match = remembered(compileRegex(plan.pattern));
      return (v) => {
        if (typeof v !== 'string') return false;
        for (let i = 0; i < runs.length; i++) if (!v.includes(runs[i]!)) return false;
        return match(v);
      };
    }
    default:
      return null;
  }
}

/**
 * Leaves (an OR's children, or the one under a NOT) that all test one
 * value of the same field (`level:(error OR critical)`, `status:(500 OR
 * 502 OR 503)`, the page's error histogram): one test of each row's value
 * against them all, one pass over the rows instead of one a child; a NOT
 * negates it (block-scan.ts).
 */
export function oneFieldTest(children: readonly QueryNode[], opts: MatcherOptions): { field: string; test: ValueTest } | null {
  let field: string | null = null;
  const tests: ValueTest[] = [];
  for (const c of children) {
    if (c.type === 'and' || c.type === 'or' || c.type === 'not' || c.type === 'match_all' || c.type === 'field_pattern') return null;
    const plan = planLeaf(c, opts);
    const names = planFields(plan);
    const test = names.length === 1 && names[0] !== '@timestamp' && names[0] !== 'event.id' ? valueTest(plan) : null;
    if (test === null || (field !== null && names[0] !== field)) return null;
    field = names[0]!;
    tests.push(test);
  }
  if (field === null) return null;
  return {
    field,
    test: (v) => {
      for (let i = 0; i < tests.length; i++) if (tests[i]!(v)) return true;
      return false;
    },
  };
}

/** Distinct values whose verdict a text leaf remembers in one query (a few MB at most). */
const TEXT_MEMO_SIZE = 16_384;
/** And characters: a memo of long messages (stack traces) must not hold a query's worth of text. */
const TEXT_MEMO_CHARS = 2 * 1024 * 1024;

/**
 * `judge` with its verdicts remembered for the query. The memo stops
 * growing at TEXT_MEMO_SIZE values or TEXT_MEMO_CHARS characters, keeps
 * copies (a value sliced from a column's joined text would keep all of
 * that text alive), and is no longer asked once it mostly misses (values
 * that never repeat only pay for the lookups of the first 4,096).
 */
export function remembered(judge: (v: string) => boolean): (v: string) => boolean {
  const memo = new Map<string, boolean>();
  let asked = 0;
  let found = 0;
  let chars = 0;
  let useMemo = true;
  return (v) => {
    if (!useMemo) return judge(v);
    asked++;
    const known = memo.get(v);
    if (known !== undefined) {
      found++;
      return known;
    }
    const verdict = judge(v);
    if (memo.size < TEXT_MEMO_SIZE && chars + v.length <= TEXT_MEMO_CHARS) {
      // A flat copy: concatenating then slicing makes V8 copy the characters.
      memo.set((' ' + v).slice(1), verdict);
      chars += v.length;
    }
    if (asked === 4096 && found * 2 < asked) useMemo = false;
    return verdict;
  };
}

/** A query the hourly rollups of one field can count: its field, the test of a rollup key, and whether the query is its NOT. */
export interface KeyRollup {
  field: string;
  test: (key: string) => boolean;
  negate: boolean;
}

/**
 * Values of one rolled-up field (`level:error`, `level:(error OR
 * critical)`, `level:>=warning`, `host:(web-1 OR web-2)`, `status:500`),
 * or the NOT of them: the page's error and warning histograms beside a
 * search with no query of its own, and a field's value clicked into the
 * query over a week. Only leaves whose verdict on a value its rollup key
 * (block-rollup.ts termsKey: String(value)) already gives:
 * - level names, which no number or boolean reads as;
 * - keyword equality whose text is the number's own String() where it
 *   names one (`500`, not `500.0` or `5e2`, which the number 500 matches
 *   and the string "500" does not, though both have the key "500"), so a
 *   key equal to the text is exactly a value the matcher takes.
 * Ranges and wildcards tell 500 from "500", so they scan.
 */
export function keyRollup(ast: QueryNode, opts: MatcherOptions): KeyRollup | null {
  const negate = ast.type === 'not';
  const inner = ast.type === 'not' ? ast.child : ast;
  const leaves = inner.type === 'or' ? inner.children : [inner];
  let field: string | null = null;
  const keys = new Set<string>();
  // Level clauses and whole-value ones (a terms bucket's) take no elements.
  let noElements = false;
  for (const c of leaves) {
    if (c.type === 'and' || c.type === 'or' || c.type === 'not' || c.type === 'match_all' || c.type === 'field_pattern') return null;
    const plan = planLeaf(c, opts);
    if (plan.kind === 'level_in') {
      noElements = true;
      for (const l of plan.levels) keys.add(l);
    } else if (plan.kind === 'keyword_eq' && (plan.number === null || String(plan.number) === plan.string)) {
      if (plan.whole === true) noElements = true;
      keys.add(plan.string);
    }
    else return null;
    if (!isRollupField(plan.field) || (field !== null && plan.field !== field)) return null;
    field = plan.field;
  }
  // A key that is an array's JSON text (`["a","b"]`) holds `tags:a` by an element: an element is
  // taken as the keyword_eq it is, a string by its text, a number by its String() (as above).
  const byElement = (key: string): boolean => {
    const elements = arrayElements(key);
    if (elements === null) return false;
    for (const e of elements) if (keys.has(String(e))) return true;
    return false;
  };
  return field === null ? null : { field, test: noElements ? (key) => keys.has(key) : (key) => keys.has(key) || byElement(key), negate };
}
