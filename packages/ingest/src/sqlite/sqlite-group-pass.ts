/**
 * The row store's pass for groupAggregate(): every group's aggregation in
 * one read of each partition, after the terms of `by` gave the groups.
 * The rows read are those of the query (and, on a promoted by column, of
 * any group's leaf: the caller's `where` is then `q AND (by:k1 OR …)`, so
 * the column's index narrows the read as a group's own query did), grouped
 * by their by-value in SQL:
 * terms and histograms count a row per (by-value, key), stats give
 * count/min/max/total per by-value, each by-value then put under the
 * groups whose leaf matches it (group-pass.ts grouper). A JavaScript
 * pass over every row (group-pass.ts, as the block store does) cost more
 * than the read per group it replaced on few groups: a group's own SQL
 * aggregated its rows in SQLite, the pass built an object a row.
 * Percentiles select over the groups' values, a pass per selection round
 * (group-pass.ts).
 *
 * A group's stats sum is SQLite's total() of its rows in each partition,
 * the partitions' sums then added, as the plain aggregation adds them; a
 * group holding several by-values (arrays with its key as an element) adds
 * their totals, which can differ from one total() in the last bits.
 */
import { addTermsKey, fillHistogram, type AggregateResult, type AggregationSpec } from '@logship/query/core';
import { compileField } from './compile-sql.js';
import { groupPass, grouper, type GroupPassOptions } from './group-pass.js';
import { checkAggregation } from '../store/check-aggregation.js';
import { NUMERIC, termsKeySql, type PartitionSlice } from './sqlite-aggregate.js';
import { checkTermsKeys, topTerms } from './top-terms.js';

export function groupPartitions(
  agg: AggregationSpec,
  by: string,
  keys: readonly string[],
  slices: readonly PartitionSlice[],
  where: string,
  params: Record<string, unknown>,
  opts: GroupPassOptions,
): AggregateResult[] {
  if (keys.length === 0) return [];
  checkAggregation(agg, opts.range);
  // Prefixed apart: the by field's parameters, the aggregated field's and the query's.
  const g = compileField(by, 'g');
  const f = agg.type === 'date_histogram' ? null : compileField(agg.field);
  const named = { ...params, ...g.params, ...f?.params, ...(agg.type === 'date_histogram' ? { hi: agg.interval_ms } : {}) };
  const groupKey = termsKeySql(g.value, g.type);
  /** Calls `each` with the rows of `select … GROUP BY groupBy` over each slice's matching rows (`g`: the by-value; `v`: `value`, a number when `numeric`). */
  const read = <T>(value: string, numeric: boolean, select: string, groupBy: string, each: (row: T) => void, over = slices): void => {
    for (const s of over) {
      const db = s.partition.db;
      const time = db.timeFilter(s.from, s.to, where);
      const inner = `SELECT ${groupKey} AS g, ${value} AS v FROM events WHERE ${time.sql} AND (${where})${numeric && f ? ` AND ${f.type} ${NUMERIC}` : ''}`;
      db.eachRow<T>(`SELECT ${select} FROM (${inner}) WHERE g IS NOT NULL${groupBy ? ` GROUP BY ${groupBy}` : ''}`, time.args, named, each);
    }
  };
  const groupsOf = grouper(keys, by);
  const groupsOfValue = (g: string | number): readonly number[] => groupsOf(String(g));
  switch (agg.type) {
    case 'terms': {
      const counts = keys.map(() => new Map<string, number>());
      const missing = keys.map(() => 0);
      read<{ g: string | number; k: string | number | null; n: number }>(termsKeySql(f!.value, f!.type), false, 'g, v AS k, count(*) AS n', 'g, k', (row) => {
        for (const i of groupsOfValue(row.g)) {
          if (row.k === null || !addTermsKey(counts[i]!, String(row.k), row.n)) missing[i]! += row.n;
        }
      });
      return counts.map((c, i) => {
        checkTermsKeys(c, agg.field, opts.maxTermsKeys);
        const { buckets, other } = topTerms(c, agg.size);
        return { type: 'terms', buckets, other_count: other, missing_count: missing[i]! };
      });
    }
    case 'date_histogram': {
      const counts = keys.map(() => new Map<number, number>());
      // Floor division that stays correct before 1970.
      read<{ g: string | number; k: number; n: number }>('ts - (((ts % @hi) + @hi) % @hi)', false, 'g, v AS k, count(*) AS n', 'g, k', (row) => {
        for (const i of groupsOfValue(row.g)) counts[i]!.set(row.k, (counts[i]!.get(row.k) ?? 0) + row.n);
      });
      return counts.map((c) => ({ type: 'date_histogram', interval_ms: agg.interval_ms, buckets: fillHistogram(c, opts.range.from, opts.range.to, agg.interval_ms) }));
    }
    case 'stats': {
      const count = keys.map(() => 0);
      const sum = keys.map(() => 0);
      const min: (number | null)[] = keys.map(() => null);
      const max: (number | null)[] = keys.map(() => null);
      for (const s of slices) {
        // Per partition, as the plain aggregation adds its partitions' sums.
        const part = keys.map(() => ({ n: 0, sum: 0 }));
        read<{ g: string | number; n: number; lo: number | null; hi: number | null; sum: number }>(f!.value, true, 'g, count(v) AS n, min(v) AS lo, max(v) AS hi, total(v) AS sum', 'g', (row) => {
          for (const i of groupsOfValue(row.g)) {
            part[i]!.n += row.n;
            part[i]!.sum += row.sum;
            if (row.lo !== null) min[i] = min[i] === null ? row.lo : Math.min(min[i]!, row.lo);
            if (row.hi !== null) max[i] = max[i] === null ? row.hi : Math.max(max[i]!, row.hi);
          }
        }, [s]);
        part.forEach((p, i) => {
          if (p.n === 0) return;
          count[i]! += p.n;
          sum[i]! += p.sum;
        });
      }
      return keys.map((_, i) => ({ type: 'stats', count: count[i]!, min: min[i]!, max: max[i]!, avg: count[i] === 0 ? null : sum[i]! / count[i]!, sum: sum[i]! }));
    }
    case 'percentiles':
      return groupPass(agg, by, keys, (visit) => read<{ g: string | number; v: unknown }>(f!.value, true, 'g, v', '', (row) => visit(String(row.g), row.v)), opts);
  }
}
