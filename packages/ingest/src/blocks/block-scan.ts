/**
 * Matching the rows of one block: decode only the columns the query reads
 * (plus time and id), rebuild each row as a partial event and ask the
 * reference matcher (query package compileMatcher), so the semantics are
 * the matcher's by construction. Whole events are rebuilt only for the
 * hits a search returns.
 *
 *   block ─► prune (block-prune.ts) ─► columns the query needs ─► rows in
 *   the time range ─► matcher on partial events ─► row numbers
 */
import {
  clauseOnField,
  compileMatcher,
  fieldNameMatches,
  planLeaf,
  regexRuns,
  type FieldPatternNode,
  type FieldValue,
  type LeafPlan,
  type LogEvent,
  type MatcherOptions,
  type QueryNode,
  wildcardRuns,
} from '@logship/query/core';
import type { BlockPartition, Column } from './block-partition.js';
import type { BlockHeader } from './block-header.js';
import { ALL, compilePruner, fieldsUnder, leafPruner, NONE, planFields, textFieldMayMatch, type BlockPruner } from './block-prune.js';
import { textPrecheck } from './text-precheck.js';
import { columnDictionary, dictionaryRows } from './column-dictionary.js';
import { rowsWithId } from './block-rows.js';
import { allRows } from './shared-rows.js';
import { allOf, anyOf, noneOf, type BlockColumns, type RowMatch } from './row-sets.js';
import { keyRollup, oneFieldTest, remembered, valueTest, type KeyRollup } from './value-tests.js';

/**
 * A query compiled for blocks: and/or/not over rows as set operations
 * (row-sets.ts; an OR of one field's values is one test a row), each leaf
 * judged per block first (block-prune.ts: a leaf NONE or ALL in this block
 * costs nothing) and otherwise by the matcher compiled for that leaf
 * alone, on one reused object holding the leaf's fields.
 */
interface RowNode {
  prune: BlockPruner;
  filter: RowMatch;
}


export interface CompiledQuery {
  prune: BlockPruner;
  root: RowNode;
  /** Fields the query reads (besides @timestamp). */
  fields: string[];
  /** The query matches every event. */
  matchAll: boolean;
  /** Values of one field (or their NOT) the hourly rollups can count (value-tests.ts keyRollup), else null. */
  rollupKeys: KeyRollup | null;
}

export function compileBlockQuery(ast: QueryNode, opts: MatcherOptions): CompiledQuery {
  const fields = new Set<string>();
  const root = compileRows(ast, opts, fields);
  return { prune: compilePruner(ast, opts), root, fields: [...fields], matchAll: ast.type === 'match_all', rollupKeys: keyRollup(ast, opts) };
}

function compileRows(ast: QueryNode, opts: MatcherOptions, fields: Set<string>): RowNode {
  switch (ast.type) {
    case 'match_all':
      return { prune: () => ALL, filter: (_h, _c, _t, rows) => rows };
    case 'and':
      return { prune: compilePruner(ast, opts), filter: allOf(ast.children.map((c) => compileRows(c, opts, fields).filter)) };
    case 'or': {
      const prune = compilePruner(ast, opts);
      const same = oneFieldTest(ast.children, opts);
      if (same) {
        fields.add(same.field);
        return { prune, filter: valueRows(prune, same.field, same.test) };
      }
      return { prune, filter: anyOf(ast.children.map((c) => compileRows(c, opts, fields).filter)) };
    }
    case 'not': {
      // `-level:info`, `NOT status:(200 OR 304)`: the value test negated, one pass (a row
      // without the field passes, as the matcher's NOT lets it).
      const prune = compilePruner(ast, opts);
      const child = ast.child;
      const same = oneFieldTest(child.type === 'or' ? child.children : [child], opts);
      if (same) {
        fields.add(same.field);
        return { prune, filter: valueRows(prune, same.field, (v) => !same.test(v)) };
      }
      return { prune, filter: noneOf(compileRows(child, opts, fields).filter) };
    }
    case 'field_pattern':
      return patternRows(ast, opts, fields);
    default: {
      const plan = planLeaf(ast, opts);
      const prune = leafPruner(ast, plan, opts);
      const leafFields = planFields(plan);
      const judged = (h: BlockHeader, rows: readonly number[]): readonly number[] | null => {
        const v = prune(h);
        return v === NONE ? [] : v === ALL ? rows : null;
      };
      if (plan.kind === 'date_range') {
        // Stored as epoch ms: the matcher's Date.parse of the ISO form gives the same number.
        const lo = plan.gte ?? -Infinity;
        const hi = plan.lte ?? Infinity;
        return {
          prune,
          filter: (h, _c, time, rows) => {
            const quick = judged(h, rows);
            if (quick) return quick;
            const ts = time();
            return rows.filter((r) => (ts[r] as number) >= lo && (ts[r] as number) <= hi);
          },
        };
      }
      if (leafFields.includes('@timestamp')) {
        // exists on @timestamp: every event has it.
        return { prune, filter: (h, _c, _t, rows) => judged(h, rows) ?? rows };
      }
      for (const f of leafFields) fields.add(f);
      if (plan.kind === 'exists_any') {
        // The field or any field under it: which those are, each block's header says.
        return {
          prune,
          filter: (h, cols, _ts, rows) => {
            const quick = judged(h, rows);
            if (quick) return quick;
            const hit = new Uint8Array(h.n);
            for (const name of fieldsUnder(h, plan.field, plan.prefix)) {
              const col = cols.get(name);
              for (let k = 0; k < rows.length; k++) {
                const v = col[rows[k]!];
                if (v !== undefined && v !== null) hit[rows[k]!] = 1;
              }
            }
            return rows.filter((r) => hit[r] === 1);
          },
        };
      }
      if (plan.kind === 'keyword_eq' && leafFields.length === 1 && leafFields[0] === 'event.id' && plan.string !== null) {
        // event.id:X: the stored ids and the content ids that may be X, not every row's content id.
        const id = plan.string;
        return {
          prune,
          filter: (h, cols, _ts, rows) => judged(h, rows) ?? cols.idRows(rows, id),
        };
      }
      const fast = valueTest(plan);
      if (fast) return { prune, filter: valueRows(prune, leafFields[0] as string, fast) };
      const match = compileMatcher(ast, opts);
      const text = textVerdict(plan, match);
      if (text) {
        return {
          prune,
          filter: (h, cols, _ts, rows) => {
            const quick = judged(h, rows);
            if (quick) return quick;
            // A row matches when one of its text fields does (the matcher's inAnyField), so
            // fields are judged one by one, each only on the rows no earlier field let through.
            const tokens = plan.kind === 'text_terms' || plan.kind === 'text_phrase' ? plan.tokens : null;
            const used = leafFields.filter((f) => h.at.has(f) && (tokens === null || textFieldMayMatch(h, f, tokens)));
            if (used.length === 1) return textRows(cols.get(used[0]!), rows, text);
            let rest = rows;
            let hit: Uint8Array | null = null;
            for (const f of used) {
              if (rest.length === 0) break;
              const pass = new Set(textRows(cols.get(f), rest, text));
              if (pass.size === 0) continue;
              hit ??= new Uint8Array(h.n);
              for (const r of pass) hit[r] = 1;
              rest = rest.filter((r) => !pass.has(r));
            }
            return hit === null ? [] : rows.filter((r) => hit[r] === 1);
          },
        };
      }
      return {
        prune,
        filter: (h, cols, _ts, rows) => {
          const quick = judged(h, rows);
          if (quick) return quick;
          const used = leafFields.filter((f) => h.at.has(f)).map((f) => [f, cols.get(f) as Column] as const);
          const out: number[] = [];
          for (const r of rows) {
            // Null prototype: a field named __proto__ is an own property like any other.
            const probe = Object.create(null) as LogEvent;
            for (const [f, col] of used) {
              const v = col[r];
              if (v !== undefined) probe[f] = v;
            }
            if (match(probe)) out.push(r);
          }
          return out;
        },
      };
    }
  }
}

/**
 * `http.*:500` (query package field-patterns.ts): in each block, the OR of
 * the clause on the block's fields whose names match, each name's clause
 * compiled once for the query.
 */
function patternRows(node: FieldPatternNode, opts: MatcherOptions, fields: Set<string>): RowNode {
  const memo = new Map<string, RowNode | null>();
  const nodeFor = (name: string): RowNode | null => {
    let n = memo.get(name);
    if (n === undefined) {
      const clause = clauseOnField(node, name, opts);
      n = clause ? compileRows(clause, opts, fields) : null;
      memo.set(name, n);
    }
    return n;
  };
  const prune = compilePruner(node, opts);
  return {
    prune,
    filter: (h, cols, ts, rows) => {
      const v = prune(h);
      if (v === NONE) return [];
      if (v === ALL) return rows;
      const children: RowMatch[] = [];
      for (const name of h.at.keys()) {
        if (!fieldNameMatches(node.pattern, name)) continue;
        const n = nodeFor(name);
        if (n) children.push(n.filter);
      }
      return anyOf(children)(h, cols, ts, rows);
    },
  };
}

/** Rows by one field's value: none or all when the block's header says so, else each distinct value judged once where the column has a dictionary. */
function valueRows(prune: BlockPruner, field: string, test: (v: FieldValue | undefined) => boolean): RowMatch {
  return (h, cols, _ts, rows) => {
    const v = prune(h);
    if (v === NONE) return [];
    if (v === ALL) return rows;
    const col = cols.get(field);
    const dict = columnDictionary(col);
    return dict ? dictionaryRows(dict, rows, test) : rows.filter((r) => test(col[r]));
  };
}

/** The rows of `rows` whose value in `col` passes `test` (one text field: the usual free text search). */
function textRows(col: Column, rows: readonly number[], test: (v: FieldValue | undefined) => boolean): number[] {
  const dict = columnDictionary(col);
  if (dict) return dictionaryRows(dict, rows, test);
  const out: number[] = [];
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    if (test(col[r])) out.push(r);
  }
  return out;
}

/**
 * What a value must hold for the text leaf to match it (text-precheck.ts):
 * terms and phrases their tokens; a wildcard the text between its
 * wildcards, since a token it matches holds that text and is itself a
 * piece of the lower-cased value (`*timeout*`, 7 days at 10M events:
 * every message was tokenized and its tokens globbed before); a regex
 * the literal text at its top level (regexRuns: `.*timeout.*` → `timeout`).
 */
function precheckOf(plan: LeafPlan): ((v: FieldValue | undefined) => boolean) | null {
  if (plan.kind === 'text_terms' || plan.kind === 'text_phrase') return textPrecheck(plan.tokens);
  const runs = plan.kind === 'text_wildcard' ? wildcardRuns(plan.pattern) : plan.kind === 'text_regex' ? regexRuns(plan.pattern, true) : [];
  return runs.length > 0 ? textPrecheck(runs) : null;
}

/**
 * A text leaf (terms, phrase, wildcard, regex: the matcher's inAnyField)
 * decides a field by its value alone, the same for every text field, so
 * its verdict on a string is asked of the matcher once and remembered for
 * the query: log messages repeat (templates, dictionaries), and the
 * matcher tokenizes the whole value (`remembered`). It is asked only of
 * values that pass the precheck (precheckOf, text-precheck.ts).
 */
function textVerdict(plan: LeafPlan, match: (e: LogEvent) => boolean): ((v: FieldValue | undefined) => boolean) | null {
  if (plan.kind !== 'text_terms' && plan.kind !== 'text_phrase' && plan.kind !== 'text_wildcard' && plan.kind !== 'text_regex') return null;
  const field = plan.fields[0];
  if (field === undefined) return null;
  const maybe = precheckOf(plan);
  const probe = Object.create(null) as LogEvent;
  const judge = remembered((v: string): boolean => {
    probe[field] = v;
    return match(probe);
  });
  // The precheck first: one regex scan rules out most values for less than a lookup costs.
  return (v) => typeof v === 'string' && (maybe === null || maybe(v)) && judge(v);
}


export interface RowFilter {
  from: number;
  to: number;
  /**
   * False: the caller does not read @timestamp (a count), so a block wholly
   * inside [from, to] need not decode it (a sixth of a count's time at 1M).
   */
  times?: boolean;
  /** Extra columns to decode alongside (an aggregation's field). */
  extra?: readonly string[];
}

export interface ScannedBlock {
  /** Row numbers that match, ascending (may be shared: shared-rows.ts). */
  rows: readonly number[];
  cols: BlockColumns;
}

/**
 * The matching rows of a block within [from, to] (null when pruned away).
 * Decodes @timestamp (unless `times` is false and the block is wholly in
 * range) and `extra`, and the query's columns as its leaves ask for them;
 * not event.id, the largest column of most blocks, which only a search's
 * hits need.
 */
export function scanBlock(db: BlockPartition, h: BlockHeader, q: CompiledQuery, filter: RowFilter): ScannedBlock | null {
  if (h.tsMax < filter.from || h.tsMin > filter.to) return null;
  const verdict = q.prune(h);
  if (verdict === NONE) return null;
  const inside = h.tsMin >= filter.from && h.tsMax <= filter.to;
  const eager = [...(inside && filter.times === false ? [] : ['@timestamp']), ...(filter.extra ?? [])];
  const decoded = eager.length > 0 ? db.columns(h, eager) : new Map<string, Column>();
  const cols: BlockColumns = {
    get(name) {
      let col = decoded.get(name);
      if (col === undefined) decoded.set(name, (col = db.columns(h, [name]).get(name) as Column));
      return col;
    },
    idRows(rows, id) {
      const col = decoded.get('event.id');
      return col ? rows.filter((r) => col[r] === id) : rowsWithId(db, h, rows, id);
    },
  };
  const time = (): Column => cols.get('@timestamp');
  let rows = inside ? allRows(h.n) : rowsInRange(time(), h.n, filter.from, filter.to);
  if (verdict !== ALL) rows = q.root.filter(h, cols, time, rows);
  return { rows, cols };
}

/**
 * The rows whose time is within [from, to]. A function of its own: inside
 * scanBlock, optimized before a block cut by the range had been seen, this
 * loop deoptimized on every such block (the first searches of a thread ran
 * it in the interpreter: 25–50 ms instead of 6).
 */
function rowsInRange(ts: Column, n: number, from: number, to: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = ts[i] as number;
    if (t >= from && t <= to) rows.push(i);
  }
  return rows;
}
