/**
 * The block store's pass for groupAggregate(): every group's aggregation
 * over one walk of the range's blocks (sqlite/group-pass.ts accumulates),
 * each block decoding the by column and the aggregated one (@timestamp for
 * a histogram) with the query's, instead of one walk per group. The
 * groups' results are never read from the rollups (a group's query is not
 * the empty one, which is what they answer), as they were not before.
 */
import type { AggregateResult, AggregationSpec } from '@logship/query/core';
import { groupPass, type GroupPassOptions } from '../sqlite/group-pass.js';
import type { Column } from './block-partition.js';
import { termsKey } from './block-rollup.js';
import { scanBlock, type CompiledQuery } from './block-scan.js';
import { checkAborted, type BlockSlice } from './block-search.js';

export function groupBlocks(
  agg: AggregationSpec,
  by: string,
  keys: readonly string[],
  slices: readonly BlockSlice[],
  q: CompiledQuery,
  opts: GroupPassOptions & { signal?: AbortSignal | undefined },
): AggregateResult[] {
  const field = agg.type === 'date_histogram' ? '@timestamp' : agg.field;
  const terms = agg.type === 'terms';
  return groupPass(agg, by, keys, (visit) => {
    for (const s of slices) {
      const db = s.partition.db;
      for (const h of db.headers()) {
        if (h.tsMax < s.from || h.tsMin > s.to) continue;
        checkAborted(opts.signal);
        const scanned = scanBlock(db, h, q, { from: s.from, to: s.to, extra: [by, field] });
        if (!scanned || scanned.rows.length === 0) continue;
        const g = scanned.cols.get(by) as Column | undefined;
        const v = scanned.cols.get(field) as Column | undefined;
        if (!g) continue;
        const rows = scanned.rows;
        for (let k = 0; k < rows.length; k++) {
          const r = rows[k]!;
          visit(termsKey(g[r]), terms ? termsKey(v?.[r]) : v?.[r]);
        }
      }
      s.partition.done();
    }
  }, opts);
}
