/**
 * Grouped aggregations (`by`) held to the reference, on every engine's
 * differential test: a store's own groupAggregate() (at most two reads:
 * the terms of `by`, then every group in one pass) must answer what
 * groupAggregate() composes without it, a read of `q AND by:key` per group,
 * both over the store itself (the answers before 2026-12-08, to the bit:
 * stats' sums too) and over the matcher's reader (MemoryLogReader, sums up
 * to their rounding). Every aggregation kind, by fields
 * with few and many values, booleans, numbers and arrays (semanticsEvents:
 * an array under each element, `[]` missing), sizes that cut ties in the
 * groups' counts (other_count) and fields most events lack (missing_count).
 */
import { groupAggregate, type AggregationSpec, type GroupedAggregateResult, type LogReader, type QueryNode } from '@logship/query/core';
import { codeOf } from './differential.js';

/** [query text, by field, group sizes]: semantics' arrays need their events' query. */
const BY: readonly (readonly [string, string, readonly number[]])[] = [
  ['', 'host', [2, 100]],
  ['', 'status', [3, 100]],
  ['', 'level', [1, 100]],
  ['', 'cached', [100]],
  ['status:>=400 OR level:error', 'method', [2, 100]],
  ['NOT level:info', 'user_id', [5]],
  ['message:semantics', 'tags', [2, 100]],
  ['message:semantics', 'codes', [100]],
  ['message:semantics', 'mixed', [100]],
  ['message:semantics', 'flags', [100]],
];

const AGGS: readonly AggregationSpec[] = [
  { type: 'terms', field: 'level', size: 3 },
  { type: 'terms', field: 'tags', size: 100 },
  { type: 'date_histogram', interval_ms: 6 * 3_600_000 },
  { type: 'stats', field: 'duration_ms' },
  { type: 'percentiles', field: 'duration_ms', percents: [0, 12.5, 50, 99, 100] },
];

/** Numbers equal; with `rounding`, floats up to the rounding of sums added in another order (the matcher's). */
function differences(a: unknown, b: unknown, at: string, out: string[], rounding = false): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a !== b && !(rounding && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)))) out.push(`${at}: ${a} vs ${b}`);
    return;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    if (a !== b) out.push(`${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    return;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`, out, rounding);
}

/**
 * The matcher's reader gives a histogram the buckets from its first event
 * to its last, the stores every bucket of the range: compared without the
 * empty ones.
 */
function withoutEmptyBuckets(answer: unknown): unknown {
  if (answer === null || typeof answer !== 'object' || !('groups' in answer)) return answer;
  const a = answer as GroupedAggregateResult;
  return {
    ...a,
    groups: a.groups.map((g) => (g.result.type === 'date_histogram' ? { ...g, result: { ...g.result, buckets: g.result.buckets.filter((b) => b.count > 0) } } : g)),
  };
}

async function answer(reader: LogReader, query: QueryNode, agg: AggregationSpec, by: string, size: number, now: number): Promise<GroupedAggregateResult | { error: string }> {
  try {
    return await groupAggregate(reader, { query, from: now - 30 * 86_400_000, to: now, now, agg }, { field: by, size });
  } catch (err) {
    return { error: codeOf(err) };
  }
}

/**
 * Every way `store`'s grouped answers differ from the read-per-group ones
 * over itself and over `reference` (the matcher's reader over the same
 * events). Empty when all agree. `store` must have its own groupAggregate().
 * `splitSums`: the store's plain aggregation adds lanes' sums (the block
 * store's reads split between reader threads, split-query.ts), so its own
 * sums differ in the last bits from one thread's: those are compared up to
 * rounding.
 */
export async function groupedFailures(store: LogReader, reference: LogReader, now: number, parseQuery: (text: string) => QueryNode, splitSums = false): Promise<string[]> {
  if (!store.groupAggregate) return ['the store has no groupAggregate(): it answers a read per group'];
  // The store's own reads, without its grouped pass: what groupAggregate() answered before.
  const perGroup: LogReader = { search: (r) => store.search(r), count: (r) => store.count(r), aggregate: (r) => store.aggregate(r) };
  const failures: string[] = [];
  let groups = 0;
  let withOther = 0;
  for (const [text, by, sizes] of BY) {
    const query = parseQuery(text);
    for (const size of sizes) {
      for (const agg of AGGS) {
        const where = `${agg.type}${'field' in agg ? ` of ${agg.field}` : ''} by ${by} (size ${size})${text ? ` where ${text}` : ''}`;
        const got = await answer(store, query, agg, by, size, now);
        for (const [name, reader] of [['the store read per group', perGroup], ['the matcher', reference]] as const) {
          const out: string[] = [];
          const want = await answer(reader, query, agg, by, size, now);
          // The store's own reads: the same bits, sums included.
          if (reader === reference) differences(withoutEmptyBuckets(got), withoutEmptyBuckets(want), '', out, true);
          else differences(got, want, '', out, splitSums && agg.type === 'stats');
          if (out.length > 0) failures.push(`${where}, against ${name}: ${out.slice(0, 5).join('; ')}`);
        }
        if ('groups' in got) {
          groups += got.groups.length;
          if (got.other_count > 0) withOther++;
        }
      }
    }
  }
  // Not vacuous: the cases found groups, and cut some off.
  if (groups < 100) failures.push(`only ${groups} groups in all`);
  if (withOther === 0) failures.push('no case had an other_count');
  return failures;
}
