/**
 * Whether a block may hold matches of a query, from its header alone:
 * NONE (skip it), SOME (decode and check each row) or ALL (every row of the
 * block matches: a count adds its size without decoding).
 *
 * Every leaf goes through the query package's planLeaf(), as the matcher
 * does, and is judged by the block's column metas (block-codec.ts):
 *
 *   field absent / no value of the type the plan compares  → NONE
 *   field constant in the block (or absent)                → the matcher on
 *                                                             that one value
 *   text_terms / text_phrase: a token not in the bloom     → NONE
 *   level_in / keyword_eq: no value's key in the bloom     → NONE
 *   number_range outside [min, max]; date_range outside [ts_min, ts_max] → NONE
 *
 * and, or, not combine three-valued (and = min, or = max, not = ALL − x),
 * so `NOT level:debug` skips a block whose level is constantly debug. A
 * bloom is used only when the block was encoded with the same idea of the
 * field (text or not) as the query has: `search.text_fields` may change.
 */
import { clauseOnField, compileMatcher, fieldNameMatches, planLeaf, type FieldPatternNode, type LeafNode, type LeafPlan, type LogEvent, type MatcherOptions, type QueryNode } from '@logship/query/core';
import { setEventField } from '@logship/query/core';
import { ARRAY_NUMBERS_KEY, bloomMayContain, textKey, valueKey } from './bloom.js';
import { columnMayHold, type ColumnMeta } from './block-codec.js';
import type { BlockHeader } from './block-header.js';

export const NONE = 0;
export const SOME = 1;
export const ALL = 2;
export type Verdict = typeof NONE | typeof SOME | typeof ALL;

const STRING = 1;
const NUMBER = 2;
const BOOLEAN = 4;
const VALUES = STRING | NUMBER | BOOLEAN;

export type BlockPruner = (h: BlockHeader) => Verdict;

/** Block text-field lists, parsed once per distinct list. */
const parsedTextFields = new Map<string, ReadonlySet<string>>();
function textFieldsOf(h: BlockHeader): ReadonlySet<string> {
  let set = parsedTextFields.get(h.textFields);
  if (!set) parsedTextFields.set(h.textFields, (set = new Set(JSON.parse(h.textFields) as string[])));
  return set;
}

export function compilePruner(ast: QueryNode, opts: MatcherOptions): BlockPruner {
  switch (ast.type) {
    case 'match_all':
      return () => ALL;
    case 'and': {
      const children = ast.children.map((c) => compilePruner(c, opts));
      return (h) => {
        let v: Verdict = ALL;
        for (const c of children) {
          const x = c(h);
          if (x === NONE) return NONE;
          if (x < v) v = x;
        }
        return v;
      };
    }
    case 'or': {
      const children = ast.children.map((c) => compilePruner(c, opts));
      return (h) => {
        let v: Verdict = NONE;
        for (const c of children) {
          const x = c(h);
          if (x === ALL) return ALL;
          if (x > v) v = x;
        }
        return v;
      };
    }
    case 'not': {
      const child = compilePruner(ast.child, opts);
      return (h) => (ALL - child(h)) as Verdict;
    }
    case 'field_pattern':
      return patternPruner(ast, opts);
    default:
      return leafPruner(ast, planLeaf(ast, opts), opts);
  }
}

/** `http.*:500`: the OR of the clause's verdicts on the block's fields whose names match. */
function patternPruner(node: FieldPatternNode, opts: MatcherOptions): BlockPruner {
  const memo = new Map<string, BlockPruner | null>();
  const prunerFor = (name: string): BlockPruner | null => {
    let p = memo.get(name);
    if (p === undefined) {
      const clause = clauseOnField(node, name, opts);
      p = clause ? leafPruner(clause, planLeaf(clause, opts), opts) : null;
      memo.set(name, p);
    }
    return p;
  };
  return (h) => {
    let v: Verdict = NONE;
    for (const name of h.at.keys()) {
      if (!fieldNameMatches(node.pattern, name)) continue;
      const p = prunerFor(name);
      if (p === null) continue;
      const x = p(h);
      if (x === ALL) return ALL;
      if (x > v) v = x;
    }
    return v;
  };
}

/**
 * Whether a string column may hold an array's JSON text with a number
 * among its elements (query package array-values.ts): its value bloom
 * says so (block-codec.ts columnBloom adds the key), or it has no bloom,
 * or the block was written before blooms held elements.
 */
function mayHoldNumberElements(h: BlockHeader, m: ColumnMeta): boolean {
  return (m.types & STRING) !== 0 && (!h.elementBlooms || m.bloom === null || bloomMayContain(m.bloom, ARRAY_NUMBERS_KEY));
}

/** The fields a plan reads (besides @timestamp, which blocks bound by time). */
export function planFields(plan: LeafPlan): string[] {
  switch (plan.kind) {
    case 'all':
    case 'none':
      return [];
    case 'text_terms':
    case 'text_phrase':
    case 'text_wildcard':
    case 'text_regex':
      return plan.fields;
    default:
      return [plan.field];
  }
}

export function leafPruner(node: LeafNode, plan: LeafPlan, opts: MatcherOptions): BlockPruner {
  if (plan.kind === 'all') return () => ALL;
  if (plan.kind === 'none') return () => NONE;
  if (plan.kind === 'date_range') {
    return (h) => {
      const lo = plan.gte ?? -Infinity;
      const hi = plan.lte ?? Infinity;
      if (h.tsMax < lo || h.tsMin > hi) return NONE;
      return h.tsMin >= lo && h.tsMax <= hi ? ALL : SOME;
    };
  }
  if (plan.kind === 'exists_any') return (h) => existsAnyVerdict(h, plan.field, plan.prefix);
  const fields = planFields(plan);
  // Every event has these two: their columns are never constant-folded here.
  if (fields.some((f) => f === '@timestamp')) return () => SOME;
  const exact = compileMatcher(node, opts);
  const byMetas = metaPruner(plan);
  return (h) => {
    // Absent or constant in the block: the matcher decides for every row at once.
    const metas = fields.map((f) => metaOf(h, f));
    if (metas.every((m) => m === undefined || (m.constValue !== undefined && m.present === h.n))) {
      const probe: LogEvent = { '@timestamp': new Date(h.tsMin).toISOString(), 'event.id': '' };
      delete (probe as Partial<LogEvent>)['event.id'];
      fields.forEach((f, i) => {
        const m = metas[i];
        if (m) setEventField(probe, f, m.constValue);
      });
      return exact(probe) ? ALL : NONE;
    }
    return byMetas(h);
  };
}

/** The block's fields that `_exists_:field` reads: the field and those under it (`field.…`). */
export function fieldsUnder(h: BlockHeader, field: string, prefix: string): string[] {
  const names: string[] = [];
  for (const name of h.at.keys()) if (name === field || name.startsWith(prefix)) names.push(name);
  return names;
}

/** NONE when no such field has a value here; ALL when one has a value in every row. */
function existsAnyVerdict(h: BlockHeader, field: string, prefix: string): typeof ALL | typeof NONE | typeof SOME {
  let some = false;
  for (const name of fieldsUnder(h, field, prefix)) {
    const m = metaOf(h, name);
    if (!hasType(m, VALUES)) continue;
    if (m.present === h.n && (m.types & ~VALUES) === 0) return ALL;
    some = true;
  }
  return some ? SOME : NONE;
}

/**
 * Whether some value of `field` in the block may hold every one of
 * `tokens` (text terms and phrases match within one field): a string in
 * the column, and every token in its token bloom when it has one built as
 * a text field. The row filter reads only such fields (block-scan.ts).
 */
export function textFieldMayMatch(h: BlockHeader, field: string, tokens: readonly string[]): boolean {
  const m = metaOf(h, field);
  if (!hasType(m, STRING)) return false;
  if (m.bloom === null || !textFieldsOf(h).has(field)) return true;
  return tokens.every((t) => bloomMayContain(m.bloom as Uint8Array, textKey(t)));
}

function metaOf(h: BlockHeader, field: string): ColumnMeta | undefined {
  const i = h.at.get(field);
  return i === undefined ? undefined : h.metas[i];
}

function hasType(m: ColumnMeta | undefined, bits: number): m is ColumnMeta {
  return m !== undefined && (m.types & bits) !== 0;
}

function metaPruner(plan: LeafPlan): BlockPruner {
  switch (plan.kind) {
    case 'exists_any':
      return (h) => existsAnyVerdict(h, plan.field, plan.prefix);
    case 'exists':
      return (h) => {
        const m = metaOf(h, plan.field);
        if (!hasType(m, VALUES)) return NONE;
        return m.present === h.n && (m.types & ~VALUES) === 0 ? ALL : SOME;
      };
    case 'text_terms':
    case 'text_phrase':
      return (h) => (plan.fields.some((f) => textFieldMayMatch(h, f, plan.tokens)) ? SOME : NONE);
    case 'text_wildcard':
    case 'text_regex':
      return (h) => (plan.fields.some((f) => hasType(metaOf(h, f), STRING)) ? SOME : NONE);
    case 'level_in':
      return (h) => {
        const m = metaOf(h, plan.field);
        if (!hasType(m, STRING)) return NONE;
        if (m.bloom === null || textFieldsOf(h).has(plan.field)) return SOME;
        return plan.levels.some((l) => bloomMayContain(m.bloom as Uint8Array, valueKey(l))) ? SOME : NONE;
      };
    case 'keyword_eq':
      return (h) => {
        const m = metaOf(h, plan.field);
        if (!hasType(m, VALUES)) return NONE;
        // A block from before blooms held elements cannot rule out `tags:a` in `["a","b"]`.
        if (!h.elementBlooms && plan.whole !== true && (m.types & STRING) !== 0) return SOME;
        const byBloom = !textFieldsOf(h).has(plan.field);
        const may = (v: string | number | boolean): boolean => !byBloom || columnMayHold(m, valueKey(v));
        if ((m.types & STRING) !== 0 && may(plan.string)) return SOME;
        if (plan.number !== null && (m.types & NUMBER) !== 0 && inMinMax(m, plan.number) && may(plan.number)) return SOME;
        if (plan.boolean !== null && (m.types & BOOLEAN) !== 0 && may(plan.boolean)) return SOME;
        // An array's elements (`codes:500` in `[404,500]`): the value bloom holds their keys too.
        if ((m.types & STRING) !== 0) {
          if (plan.number !== null && may(plan.number)) return SOME;
          if (plan.boolean !== null && may(plan.boolean)) return SOME;
        }
        return NONE;
      };
    case 'keyword_wildcard':
    case 'keyword_regex':
    case 'string_range':
      return (h) => (hasType(metaOf(h, plan.field), STRING) ? SOME : NONE);
    case 'number_range':
      return (h) => {
        const m = metaOf(h, plan.field);
        if (m === undefined) return NONE;
        // Numbers in arrays (`[200,503]`) are not in min/max.
        if (mayHoldNumberElements(h, m)) return SOME;
        if (!hasType(m, NUMBER)) return NONE;
        // min/max are over finite numbers: a block with ±Infinity in the field is not judged by them.
        if (m.min === null || m.max === null || h.nonFinite.has(plan.field)) return SOME;
        const { lower, upper } = plan;
        if (lower && (lower.inclusive ? m.max < lower.value : m.max <= lower.value)) return NONE;
        if (upper && (upper.inclusive ? m.min > upper.value : m.min >= upper.value)) return NONE;
        return SOME;
      };
    default:
      return () => SOME;
  }
}

function inMinMax(m: ColumnMeta, n: number): boolean {
  return m.min === null || m.max === null || (n >= m.min && n <= m.max);
}
