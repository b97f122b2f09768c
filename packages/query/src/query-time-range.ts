/**
 * The time range a query asks for itself: `@timestamp` clauses of its
 * top-level AND chain (`level:error AND @timestamp:[now-3h TO now]`). The
 * query API searches that range when the request does not give `from` /
 * `to` (docs/QUERY_LANGUAGE.md, "Time range"), instead of intersecting it
 * with the default window and silently cutting the answer short.
 *
 * Only the AND chain counts: under OR or NOT a clause does not bound what
 * the query can match.
 */
import type { QueryNode } from './ast.js';
import { planLeaf, TIMESTAMP_FIELD, type PlanOptions } from './fields.js';

export interface QueryTimeBounds {
  /** Inclusive lower bound, epoch ms, or null when the query sets none. */
  from: number | null;
  /** Inclusive upper bound, epoch ms, or null when the query sets none. */
  to: number | null;
}

function andChain(node: QueryNode): QueryNode[] {
  return node.type === 'and' ? node.children.flatMap(andChain) : [node];
}

/** Throws the query's own errors (a bad date in a clause) as planLeaf does. */
export function queryTimeBounds(query: QueryNode, opts: PlanOptions): QueryTimeBounds {
  const bounds: QueryTimeBounds = { from: null, to: null };
  for (const node of andChain(query)) {
    if ((node.type !== 'term' && node.type !== 'range') || node.field !== TIMESTAMP_FIELD) continue;
    const plan = planLeaf(node, opts);
    if (plan.kind === 'none') {
      // An empty range (`[now TO now-1h]`): nothing can match; any range will do.
      return { from: opts.now, to: opts.now };
    }
    if (plan.kind !== 'date_range') continue;
    if (plan.gte !== null) bounds.from = bounds.from === null ? plan.gte : Math.max(bounds.from, plan.gte);
    if (plan.lte !== null) bounds.to = bounds.to === null ? plan.lte : Math.min(bounds.to, plan.lte);
  }
  return bounds;
}
