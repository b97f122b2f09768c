/**
 * Aggregations over the partitions a request covers. Each partition answers
 * with a small grouped result and the merge happens here, so memory stays
 * proportional to the number of buckets; percentiles are exact (linear
 * interpolation between closest ranks), selected over a few scans in
 * bounded memory rather than every value sorted (percentile-select.ts):
 * no sketch error to explain.
 *
 * terms and date_histogram over an empty query read whole minutes from the
 * partition's rollup where it has one (rollup.ts), the rest from rows:
 *
 *   slice [from, to] ─► partial first minute ─► rows (the SQL below)
 *                    ─► whole minutes         ─► rollup sums
 *                    ─► partial last minute   ─► rows
 */
import { addTermsKey, fillHistogram, histogramBucketCount, MAX_HISTOGRAM_BUCKETS, type AggregateResult, type AggregationSpec } from '@logship/query/core';
import { storeError } from '../store/store-error.js';
import { checkTermsKeys, topTerms } from './top-terms.js';
import { compileField } from './compile-sql.js';
import type { PartitionDb } from './partition-db.js';
import { addRollupTerms, planRollup, rollupHistogram, rollupInterval } from './rollup-query.js';
import { PassCollector, PercentileSelect, PERCENTILE_VALUES } from './percentile-select.js';

export interface PartitionSlice {
  /** Resolved per use: the pool may close a connection between slices. */
  partition: { readonly db: PartitionDb };
  /** Visible ts range of this partition for the request. */
  from: number;
  to: number;
}

export const NUMERIC = "IN ('integer', 'real')";

export interface AggregateOptions {
  /** False reads every row even where a rollup could answer (tests compare both). */
  rollups?: boolean;
  /**
   * The request's whole time range: date_histogram has a bucket for every
   * interval of it, empty or not (the slices cover only partitions that exist).
   */
  range?: { from: number; to: number };
  /** Values a percentiles pass keeps (default PERCENTILE_VALUES; tests lower it). */
  percentileValues?: number | undefined;
  /** Distinct values a terms aggregation may count (default MAX_TERMS_KEYS; tests lower it). */
  maxTermsKeys?: number | undefined;
}

export function aggregatePartitions(
  agg: AggregationSpec,
  slices: readonly PartitionSlice[],
  where: string,
  params: Record<string, unknown>,
  opts: AggregateOptions = {},
): AggregateResult {
  // A rollup counts every row, so it answers only a query matching every
  // row: the empty query, whose SQL is the constant '1'.
  const matchAll = opts.rollups !== false && where === '1';
  // Per partition and range: the rid bounds of the range's minutes, where
  // they narrow it (PartitionDb.ridBounds).
  const base = (db: PartitionDb, from: number, to: number): { sql: string; args: number[] } => {
    const time = db.timeFilter(from, to, where);
    return { sql: `FROM events WHERE ${time.sql} AND (${where})`, args: time.args };
  };
  switch (agg.type) {
    case 'terms': {
      if (!Number.isInteger(agg.size) || agg.size < 1) {
        throw storeError('LS_STORE_BAD_REQUEST', `terms size must be a positive integer, got ${agg.size}`);
      }
      const f = compileField(agg.field);
      const named = { ...params, ...f.params };
      // JSON booleans come out of json_extract as 1/0; key them by name.
      const counts = new Map<string, number>();
      let missing = 0;
      const fromRows = (db: PartitionDb, from: number, to: number): void => {
        const b = base(db, from, to);
        const sql = `SELECT ${termsKeySql('v', 't')} AS k, count(*) AS n FROM (SELECT ${f.value} AS v, ${f.type} AS t ${b.sql}) GROUP BY k`;
        // Row by row, the limit checked as keys come: an array of every
        // distinct key of a near-unique field was the memory the limit guards.
        let rows = 0;
        db.eachRow<{ k: string | number | null; n: number }>(sql, b.args, named, (row) => {
          if (row.k === null || !addTermsKey(counts, String(row.k), row.n)) missing += row.n;
          if (++rows % 4096 === 0) checkTermsKeys(counts, agg.field, opts.maxTermsKeys);
        });
        checkTermsKeys(counts, agg.field, opts.maxTermsKeys);
      };
      for (const s of slices) {
        const db = s.partition.db;
        db.snapshot(() => {
          const plan = matchAll ? planRollup(db, s.from, s.to, agg.field) : null;
          if (!plan) return fromRows(db, s.from, s.to);
          for (const r of plan.rows) fromRows(db, r.from, r.to);
          missing += addRollupTerms(db, agg.field, plan.minutes, counts, opts.maxTermsKeys);
        });
      }
      const { buckets, other } = topTerms(counts, agg.size);
      return { type: 'terms', buckets, other_count: other, missing_count: missing };
    }
    case 'date_histogram': {
      if (!Number.isSafeInteger(agg.interval_ms) || agg.interval_ms < 1) {
        throw storeError('LS_STORE_BAD_REQUEST', `interval_ms must be a positive integer, got ${agg.interval_ms}`);
      }
      const range = opts.range;
      if (range && histogramBucketCount(range.from, range.to, agg.interval_ms) > MAX_HISTOGRAM_BUCKETS) {
        throw storeError(
          'LS_STORE_BAD_REQUEST',
          `date_histogram over this range at ${agg.interval_ms} ms would have more than ${MAX_HISTOGRAM_BUCKETS} buckets; pick a larger interval or a narrower range`,
        );
      }
      const named = { ...params, hi: agg.interval_ms };
      // Floor division that stays correct before 1970.
      const counts = new Map<number, number>();
      const add = (rows: readonly { k: number; n: number }[]): void => {
        for (const row of rows) counts.set(row.k, (counts.get(row.k) ?? 0) + row.n);
      };
      const fromRows = (db: PartitionDb, from: number, to: number): void => {
        const b = base(db, from, to);
        add(db.all(`SELECT ts - (((ts % @hi) + @hi) % @hi) AS k, count(*) AS n ${b.sql} GROUP BY k`, b.args, named));
      };
      const useRollup = matchAll && rollupInterval(agg.interval_ms);
      for (const s of slices) {
        const db = s.partition.db;
        db.snapshot(() => {
          const plan = useRollup ? planRollup(db, s.from, s.to, '') : null;
          if (!plan) return fromRows(db, s.from, s.to);
          for (const r of plan.rows) fromRows(db, r.from, r.to);
          add(rollupHistogram(db, agg.interval_ms, plan.minutes));
        });
      }
      const buckets = fillHistogram(counts, range?.from ?? Infinity, range?.to ?? -Infinity, agg.interval_ms);
      return { type: 'date_histogram', interval_ms: agg.interval_ms, buckets };
    }
    case 'stats': {
      const f = compileField(agg.field);
      const named = { ...params, ...f.params };
      let count = 0;
      let min: number | null = null;
      let max: number | null = null;
      let sum = 0;
      for (const s of slices) {
        const db = s.partition.db;
        const b = base(db, s.from, s.to);
        const sql = `SELECT count(v) AS n, min(v) AS lo, max(v) AS hi, total(v) AS sum
          FROM (SELECT ${f.value} AS v ${b.sql} AND ${f.type} ${NUMERIC})`;
        const row = db.get<{ n: number; lo: number | null; hi: number | null; sum: number }>(sql, b.args, named);
        if (!row || row.n === 0) continue;
        count += row.n;
        sum += row.sum;
        if (row.lo !== null) min = min === null ? row.lo : Math.min(min, row.lo);
        if (row.hi !== null) max = max === null ? row.hi : Math.max(max, row.hi);
      }
      return { type: 'stats', count, min, max, avg: count === 0 ? null : sum / count, sum };
    }
    case 'percentiles': {
      for (const p of agg.percents) {
        if (!(p >= 0 && p <= 100)) throw storeError('LS_STORE_BAD_REQUEST', `percent ${p} is outside 0..100`);
      }
      const f = compileField(agg.field);
      const named = { ...params, ...f.params };
      // Each pass reads each partition in its own transaction: a write between passes may shift a rank by a few (clamped).
      const select = new PercentileSelect(agg.percents, opts.percentileValues ?? PERCENTILE_VALUES);
      for (let pass = select.next(); pass !== null; pass = select.next()) {
        const into = new PassCollector(pass);
        for (const s of slices) {
          const b = base(s.partition.db, s.from, s.to);
          s.partition.db.eachValue(`SELECT ${f.value} AS v ${b.sql} AND ${f.type} ${NUMERIC}`, b.args, named, (v) => {
            if (typeof v === 'number' && Number.isFinite(v)) into.add(v);
          });
        }
        select.take(into.part());
      }
      return { type: 'percentiles', ...select.answer() };
    }
  }
}

/** A terms key of a value and its type: JSON booleans by name, null missing (the terms above; group-by.ts). */
export function termsKeySql(value: string, type: string): string {
  return `CASE ${type} WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE ${value} END`;
}
