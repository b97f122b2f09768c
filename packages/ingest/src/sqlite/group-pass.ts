/**
 * Every group's aggregation in one scan, for the embedded stores'
 * groupAggregate() (the block store's blocks/block-group-pass.ts; the row
 * store's sqlite-group-pass.ts groups in SQL and comes here for
 * percentiles only): the groups' keys come from their terms read, then
 * each matching row is put under the groups its `by` value is keyed to and
 * added to their accumulators, instead of one read of `q AND by:key` per
 * group (1 + N scans of the range before 2026-12-08).
 *
 *   terms(by) ──► keys ──► scan: row ─► key(s) of by ─► group accumulators ─► results
 *
 * A row belongs to the groups whose leaf (group-aggregate.ts bucketLeaf)
 * matches it, the events a read per group found: the key String(value), or
 * each distinct element of an array, as the terms read counted it; on
 * `level`, the canonical level the key names (grouper). The store
 * contract's differential tests hold the answers to the per-group reads,
 * over the store and over the matcher. Each accumulator is the plain
 * aggregation's: terms keyed by String(value) with arrays under their
 * elements, histograms aligned to the epoch with every bucket of the range,
 * stats and exact percentiles over finite numbers. Percentiles select per
 * group (percentile-select.ts), each scan running the next pass of every
 * group that needs one: as many scans as the group needing the most passes
 * (one while each group has at most FIRST_PASS_VALUES values), never more
 * than five, and each group keeps at most the cap one percentiles read keeps.
 */
import { addTermsKey, arrayElements, fieldKind, fillHistogram, levelFromQuery, type AggregateRequest, type AggregateResult, type AggregationSpec, type GroupedAggregateRequest, type GroupedAggregateResult } from '@logship/query/core';
import { groupedAnswer } from '@logship/query/core';
import { checkAggregation } from '../store/check-aggregation.js';
import { PassCollector, PercentileSelect, PERCENTILE_VALUES } from './percentile-select.js';
import { checkTermsKeys, topTerms } from './top-terms.js';

/** What a reader thread gets for one pass: the request with the groups' keys from its terms read, in their order. */
export interface GroupPassRequest extends GroupedAggregateRequest {
  keys: string[];
}

export interface GroupPassOptions {
  /** The request's whole range: a histogram has every bucket of it. */
  range: { from: number; to: number };
  /** Distinct values a group's terms may count (default MAX_TERMS_KEYS). */
  maxTermsKeys?: number | undefined;
  /** Values a percentiles pass keeps per group (default PERCENTILE_VALUES). */
  percentileValues?: number | undefined;
}

/**
 * One scan of the matching rows: `visit(by, value)` per row, `by` the row's
 * terms key of the by field (String(value); null when missing), `value`:
 * for terms, the aggregated field's terms key; for a histogram, the row's
 * @timestamp; for stats and percentiles, the field's value (anything not a
 * finite number is skipped).
 */
export type GroupScan = (visit: (by: string | null, value: unknown) => void) => void;

/**
 * An embedded store's groupAggregate(): its terms read of `by` (with the
 * rollups and reader lanes a terms aggregation has), then `pass` (the store's
 * scan of every group, on a reader thread) over the keys it found.
 */
export async function groupsInTwoReads(
  store: { aggregate(req: AggregateRequest): Promise<AggregateResult> },
  req: GroupedAggregateRequest,
  pass: (req: GroupPassRequest) => Promise<unknown>,
): Promise<GroupedAggregateResult> {
  const terms = await store.aggregate({ ...req, agg: { type: 'terms', field: req.by.field, size: req.by.size } });
  const keys = terms.type === 'terms' ? terms.buckets.map((b) => b.key) : [];
  // No group: no second read, and nothing of the aggregation checked, as with a read per group.
  const results = keys.length === 0 ? [] : ((await pass({ ...req, keys })) as AggregateResult[]);
  return groupedAnswer(req.by.field, terms, results);
}

/** Group indexes of by-values seen lately: a keyword column repeats its values. */
const KNOWN_MAX = 1 << 16;
const NONE: readonly number[] = [];

/**
 * The groups (indexes into `keys`) a row's by-key puts it in: those whose
 * leaf (group-aggregate.ts bucketLeaf) matches the row. On a keyword field,
 * the key itself or one of an array's elements. On `level`, the canonical
 * level the key names (`level:INFO` and `level:warn` match `info` and
 * `warning`, as every level clause does; a stored `INFO`, which ingest
 * never writes, matches no leaf), whatever the terms read counted it under.
 */
export function grouper(keys: readonly string[], field: string): (by: string | null) => readonly number[] {
  const index = new Map(keys.map((k, i) => [k, i]));
  const known = new Map<string, readonly number[]>();
  const levels = fieldKind(field) === 'level' ? keys.map((k) => levelFromQuery(k)) : null;
  return (by) => {
    if (by === null) return NONE;
    let groups = known.get(by);
    if (groups !== undefined) return groups;
    const elements = levels === null ? arrayElements(by) : null;
    if (levels !== null) {
      groups = levels.flatMap((level, i) => (level === by ? [i] : []));
    } else if (elements === null) {
      const i = index.get(by);
      groups = i === undefined ? NONE : [i];
    } else {
      // An event counts once in a group, however often its array repeats the key.
      const found = new Set<number>();
      for (const e of elements) {
        const i = index.get(String(e));
        if (i !== undefined) found.add(i);
      }
      groups = [...found];
    }
    if (known.size >= KNOWN_MAX) known.clear();
    known.set(by, groups);
    return groups;
  };
}

/** Each group's `agg` over the rows `scan` visits (`by`: the field grouped by), in the order of `keys`. */
export function groupPass(agg: AggregationSpec, by: string, keys: readonly string[], scan: GroupScan, opts: GroupPassOptions): AggregateResult[] {
  if (keys.length === 0) return [];
  checkAggregation(agg, opts.range);
  const groupsOf = grouper(keys, by);
  switch (agg.type) {
    case 'terms': {
      const counts = keys.map(() => new Map<string, number>());
      const missing = keys.map(() => 0);
      let rows = 0;
      scan((by, value) => {
        const groups = groupsOf(by);
        for (let i = 0; i < groups.length; i++) {
          const g = groups[i]!;
          if (value === null || !addTermsKey(counts[g]!, value as string, 1)) missing[g]!++;
        }
        if (groups.length > 0 && ++rows % 4096 === 0) for (const c of counts) checkTermsKeys(c, agg.field, opts.maxTermsKeys);
      });
      return counts.map((c, g) => {
        checkTermsKeys(c, agg.field, opts.maxTermsKeys);
        const { buckets, other } = topTerms(c, agg.size);
        return { type: 'terms', buckets, other_count: other, missing_count: missing[g]! };
      });
    }
    case 'date_histogram': {
      const interval = agg.interval_ms;
      const counts = keys.map(() => new Map<number, number>());
      scan((by, value) => {
        const groups = groupsOf(by);
        if (groups.length === 0) return;
        const t = value as number;
        const key = t - (((t % interval) + interval) % interval);
        for (let i = 0; i < groups.length; i++) {
          const c = counts[groups[i]!]!;
          c.set(key, (c.get(key) ?? 0) + 1);
        }
      });
      return counts.map((c) => ({ type: 'date_histogram', interval_ms: interval, buckets: fillHistogram(c, opts.range.from, opts.range.to, interval) }));
    }
    case 'stats': {
      const count = keys.map(() => 0);
      const sum = keys.map(() => 0);
      const min: (number | null)[] = keys.map(() => null);
      const max: (number | null)[] = keys.map(() => null);
      scan((by, value) => {
        if (typeof value !== 'number' || !Number.isFinite(value)) return;
        const groups = groupsOf(by);
        for (let i = 0; i < groups.length; i++) {
          const g = groups[i]!;
          count[g]!++;
          sum[g]! += value;
          const lo = min[g]!;
          const hi = max[g]!;
          min[g] = lo === null ? value : Math.min(lo, value);
          max[g] = hi === null ? value : Math.max(hi, value);
        }
      });
      return keys.map((_, g) => ({ type: 'stats', count: count[g]!, min: min[g]!, max: max[g]!, avg: count[g] === 0 ? null : sum[g]! / count[g]!, sum: sum[g]! }));
    }
    case 'percentiles': {
      const selects = keys.map(() => new PercentileSelect(agg.percents, opts.percentileValues ?? PERCENTILE_VALUES));
      for (;;) {
        // The groups still selecting each take their next pass in the same scan.
        const collectors = selects.map((s) => {
          const pass = s.next();
          return pass === null ? null : new PassCollector(pass);
        });
        if (collectors.every((c) => c === null)) break;
        scan((by, value) => {
          if (typeof value !== 'number' || !Number.isFinite(value)) return;
          const groups = groupsOf(by);
          for (let i = 0; i < groups.length; i++) collectors[groups[i]!]?.add(value);
        });
        collectors.forEach((c, g) => {
          if (c !== null) selects[g]!.take(c.part());
        });
      }
      return selects.map((s) => ({ type: 'percentiles', ...s.answer() }));
    }
  }
}
