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
  compileMatcher,
  planLeaf,
  setEventField,
  type EventPredicate,
  type FieldValue,
  type LogEvent,
  type MatcherOptions,
  type QueryNode,
} from '@logship/query';
import type { BlockHeader, BlockPartition, Column } from './block-partition.js';
import { ALL, compilePruner, NONE, planFields, type BlockPruner } from './block-prune.js';

export interface CompiledQuery {
  prune: BlockPruner;
  match: EventPredicate;
  /** Fields the matcher reads (besides @timestamp). */
  fields: string[];
  /** The query reads @timestamp (a date range inside it): partial events carry it. */
  readsTime: boolean;
  /** The query matches every event. */
  matchAll: boolean;
}

export function compileBlockQuery(ast: QueryNode, opts: MatcherOptions): CompiledQuery {
  const fields = new Set<string>();
  let readsTime = false;
  const walk = (n: QueryNode): void => {
    switch (n.type) {
      case 'match_all':
        return;
      case 'and':
      case 'or':
        return n.children.forEach(walk);
      case 'not':
        return walk(n.child);
      default: {
        const plan = planLeaf(n, opts);
        if (plan.kind === 'date_range') readsTime = true;
        for (const f of planFields(plan)) {
          if (f === '@timestamp') readsTime = true;
          else fields.add(f);
        }
      }
    }
  };
  walk(ast);
  return { prune: compilePruner(ast, opts), match: compileMatcher(ast, opts), fields: [...fields], readsTime, matchAll: ast.type === 'match_all' };
}

export interface RowFilter {
  from: number;
  to: number;
  /** Extra columns to decode alongside (an aggregation's field). */
  extra?: readonly string[];
}

export interface ScannedBlock {
  /** Row numbers that match, ascending. */
  rows: number[];
  cols: Map<string, Column>;
}

/**
 * The matching rows of a block within [from, to] (null when pruned away).
 * Decodes the query's columns, @timestamp, event.id and `extra`.
 */
export function scanBlock(db: BlockPartition, h: BlockHeader, q: CompiledQuery, filter: RowFilter): ScannedBlock | null {
  if (h.tsMax < filter.from || h.tsMin > filter.to) return null;
  const verdict = q.prune(h);
  if (verdict === NONE) return null;
  const names = ['@timestamp', 'event.id', ...(verdict === ALL ? [] : q.fields), ...(filter.extra ?? [])];
  const cols = db.columns(h, names);
  const ts = cols.get('@timestamp') as Column;
  const rows: number[] = [];
  const inside = h.tsMin >= filter.from && h.tsMax <= filter.to;
  if (verdict === ALL) {
    for (let i = 0; i < h.n; i++) {
      const t = ts[i] as number;
      if (inside || (t >= filter.from && t <= filter.to)) rows.push(i);
    }
    return { rows, cols };
  }
  const used = q.fields.map((f) => [f, cols.get(f) as Column] as const);
  for (let i = 0; i < h.n; i++) {
    const t = ts[i] as number;
    if (!inside && (t < filter.from || t > filter.to)) continue;
    // Null prototype: a field named __proto__ is an own property like any other.
    const e = Object.create(null) as LogEvent;
    if (q.readsTime) e['@timestamp'] = new Date(t).toISOString();
    for (const [f, col] of used) {
      const v = col[i];
      if (v !== undefined) e[f] = v;
    }
    if (q.match(e)) rows.push(i);
  }
  return { rows, cols };
}

/** Row i of a block as a stored event (all its columns, or `fields` plus @timestamp and event.id). */
export function eventAt(cols: ReadonlyMap<string, Column>, i: number, fields?: readonly string[]): LogEvent {
  const event: LogEvent = {
    '@timestamp': new Date(cols.get('@timestamp')?.[i] as number).toISOString(),
    'event.id': cols.get('event.id')?.[i] as string,
  };
  const names = fields ?? [...cols.keys()];
  for (const name of names) {
    if (name === '@timestamp' || name === 'event.id') continue;
    const v: FieldValue | undefined = cols.get(name)?.[i];
    if (v !== undefined) setEventField(event, name, v);
  }
  return event;
}

/** Columns a hit needs to be returned (every column, or the projection). */
export function hitColumns(db: BlockPartition, h: BlockHeader, fields?: readonly string[]): Map<string, Column> {
  return fields ? db.columns(h, ['@timestamp', 'event.id', ...fields]) : db.allColumns(h);
}

export type { EventPredicate };
