/**
 * Aggregations over block partitions, with the row store's answers
 * (sqlite/sqlite-aggregate.ts states them): terms keyed by String(value),
 * null and non-finite numbers missing; UTC-epoch-aligned histograms with
 * every bucket of the range; stats and exact percentiles over finite
 * numbers.
 *
 * terms of a rolled-up field and histograms in whole hours under the
 * empty query, and histograms of one rolled-up field's values or their
 * NOT (the page's error and warning histograms, `host:web-1` over a week:
 * value-tests.ts keyRollup), read the
 * partition's hourly rollup (block-rollup.ts, with the row store's tables
 * and reads, sqlite/rollup-query.ts); the partial hours at the ends and
 * everything else come from the blocks' columns:
 *
 *   slice ─► partial first hour ─► blocks
 *         ─► whole hours        ─► rollup sums
 *         ─► partial last hour  ─► blocks
 */
import { addTermsKey, fillHistogram, histogramBucketCount, MAX_HISTOGRAM_BUCKETS, type AggregateResult, type AggregationSpec } from '@logship/query/core';
import { storeError } from '../store/store-error.js';
import { addRollupTerms, planRollup, rollupHistogram, rollupKeyHistogram } from '../sqlite/rollup-query.js';
import { isRollupField } from '../sqlite/rollup.js';
import { checkTermsKeys, topTerms } from '../sqlite/top-terms.js';
import type { BlockPartition, Column } from './block-partition.js';
import { ROLLUP_BUCKET_MS, splitBuckets, termsKey } from './block-rollup.js';
import { scanBlock, type CompiledQuery } from './block-scan.js';
import { checkAborted, type BlockSlice } from './block-search.js';
import { columnDictionary } from './column-dictionary.js';
import { joinPassParts, PassCollector, PercentileSelect, PERCENTILE_VALUES, type PassPart, type SelectPass } from '../sqlite/percentile-select.js';

export interface BlockAggregateOptions {
  rollups: boolean;
  /** Distinct values a terms aggregation may count (default MAX_TERMS_KEYS; tests lower it). */
  maxTermsKeys?: number | undefined;
  range: { from: number; to: number };
  signal?: AbortSignal | undefined;
  /** Values a percentiles pass keeps per group (default PERCENTILE_VALUES; tests lower it). */
  percentileValues?: number | undefined;
  /** The percentiles pass to run (percentile-select.ts): a percentiles part needs it. */
  pass?: SelectPass | undefined;
}

/** Calls `each(column, ts, rows)` with the matching rows of each block of [from, to] of one partition. */
function eachBlock(db: BlockPartition, q: CompiledQuery, from: number, to: number, field: string, signal: AbortSignal | undefined, each: (col: Column, ts: Column, rows: readonly number[]) => void): void {
  for (const h of db.headers()) {
    if (h.tsMax < from || h.tsMin > to) continue;
    checkAborted(signal);
    const scanned = scanBlock(db, h, q, { from, to, extra: [field] });
    if (!scanned || scanned.rows.length === 0) continue;
    each(scanned.cols.get(field) as Column, scanned.cols.get('@timestamp') as Column, scanned.rows);
  }
}

/**
 * Adds the terms of `rows` of a column: through its dictionary
 * (column-dictionary.ts) a count per code, then one map update per
 * distinct string, instead of a map update per row. Returns the rows without the field.
 */
function addTerms(counts: Map<string, number>, col: Column, rows: readonly number[]): number {
  const dict = columnDictionary(col);
  let missing = 0;
  if (dict) {
    const perCode = new Uint32Array(dict.values.length + 1);
    for (let k = 0; k < rows.length; k++) perCode[dict.codes[rows[k]!]!]!++;
    for (let c = 1; c < perCode.length; c++) {
      const n = perCode[c]!;
      if (n > 0 && !addTermsKey(counts, dict.values[c - 1]!, n)) missing += n;
    }
    return missing + perCode[0]!;
  }
  for (const row of rows) {
    const k = termsKey(col[row]);
    if (k === null || !addTermsKey(counts, k, 1)) missing++;
  }
  return missing;
}

/**
 * What an aggregation has gathered over some of a range, before it is cut
 * to its answer (finishAggregate): the lanes of a query split between the
 * reader threads each send one, joined by joinAggregateParts (split-query.ts).
 * Maps and typed arrays, which cross threads as they are.
 */
export type AggregatePart =
  | { type: 'terms'; counts: Map<string, number>; missing: number }
  | { type: 'date_histogram'; counts: Map<number, number> }
  | { type: 'stats'; count: number; sum: number; min: number | null; max: number | null }
  /** One pass of a percentiles selection (percentile-select.ts). */
  | { type: 'percentiles'; pass: PassPart };

export function aggregateBlocks(agg: AggregationSpec, slices: readonly BlockSlice[], q: CompiledQuery, opts: BlockAggregateOptions): AggregateResult {
  if (agg.type !== 'percentiles') return finishAggregate(agg, aggregatePart(agg, slices, q, opts), opts.range);
  checkAggregation(agg, opts.range);
  // Every pass inside the caller's snapshot: the ranks hold from one to the next.
  const select = new PercentileSelect(agg.percents, opts.percentileValues ?? PERCENTILE_VALUES);
  for (let pass = select.next(); pass !== null; pass = select.next()) select.take(passOf(aggregatePart(agg, slices, q, { ...opts, pass })));
  return { type: 'percentiles', ...select.answer() };
}

/** The selection pass a percentiles part holds. */
export function passOf(part: AggregatePart): PassPart {
  if (part.type !== 'percentiles') throw new Error(`a ${part.type} part is no percentiles pass`);
  return part.pass;
}

/**
 * The aggregation over `slices`, not yet cut to its answer. `opts.range` is
 * the whole request's range (a split query's lane covers some of its days): the
 * histogram's bucket limit is checked against it.
 */
export function aggregatePart(agg: AggregationSpec, slices: readonly BlockSlice[], q: CompiledQuery, opts: BlockAggregateOptions): AggregatePart {
  checkAggregation(agg, opts.range);
  const useRollups = opts.rollups && q.matchAll;
  switch (agg.type) {
    case 'terms': {
      const counts = new Map<string, number>();
      let missing = 0;
      const fromRows = (db: BlockPartition, from: number, to: number): void =>
        eachBlock(db, q, from, to, agg.field, opts.signal, (col, _ts, rows) => {
          missing += addTerms(counts, col, rows);
          checkTermsKeys(counts, agg.field, opts.maxTermsKeys);
        });
      for (const s of slices) {
        const db = s.partition.db;
        db.snapshot(() => {
          const plan = useRollups ? planRollup(db, s.from, s.to, agg.field, splitBuckets) : null;
          if (!plan) return fromRows(db, s.from, s.to);
          for (const r of plan.rows) fromRows(db, r.from, r.to);
          missing += addRollupTerms(db, agg.field, plan.minutes, counts, opts.maxTermsKeys);
        });
        s.partition.done();
      }
      return { type: 'terms', counts, missing };
    }
    case 'date_histogram': {
      const interval = agg.interval_ms;
      const counts = new Map<number, number>();
      const add = (k: number, n: number): void => {
        counts.set(k, (counts.get(k) ?? 0) + n);
      };
      // A block's rows are in time order, so its rows in one bucket are a
      // run: one bucket computed and one map update a run, not a row.
      const fromRows = (db: BlockPartition, from: number, to: number): void =>
        eachBlock(db, q, from, to, '@timestamp', opts.signal, (_col, ts, rows) => {
          let key = NaN;
          let end = NaN;
          let n = 0;
          for (let k = 0; k < rows.length; k++) {
            const t = ts[rows[k]!] as number;
            if (!(t >= key && t < end)) {
              if (n > 0) add(key, n);
              key = t - (((t % interval) + interval) % interval);
              end = key + interval;
              n = 0;
            }
            n++;
          }
          if (n > 0) add(key, n);
        });
      // Buckets aligned to the epoch: each rollup hour lies in one histogram bucket. A
      // rolled-up field's values (the page's error and warning histograms) are counted
      // from that field's rollup.
      const keys = opts.rollups ? q.rollupKeys : null;
      const rollupOk = (useRollups || keys !== null) && interval % ROLLUP_BUCKET_MS === 0;
      for (const s of slices) {
        const db = s.partition.db;
        db.snapshot(() => {
          const plan = rollupOk ? planRollup(db, s.from, s.to, useRollups || !keys ? '' : keys.field, splitBuckets) : null;
          if (!plan) return fromRows(db, s.from, s.to);
          for (const r of plan.rows) fromRows(db, r.from, r.to);
          const hours = useRollups || !keys
            ? rollupHistogram(db, interval, plan.minutes)
            : rollupKeyHistogram(db, interval, plan.minutes, keys.field, keys.test, keys.negate);
          for (const { k, n } of hours) add(k, n);
        });
        s.partition.done();
      }
      return { type: 'date_histogram', counts };
    }
    case 'stats': {
      let count = 0;
      let min: number | null = null;
      let max: number | null = null;
      let sum = 0;
      for (const s of slices) {
        eachBlock(s.partition.db, q, s.from, s.to, agg.field, opts.signal, (col, _ts, rows) => {
          for (let k = 0; k < rows.length; k++) {
            const v = col[rows[k]!];
            if (typeof v !== 'number' || !Number.isFinite(v)) continue;
            count++;
            sum += v;
            min = min === null ? v : Math.min(min, v);
            max = max === null ? v : Math.max(max, v);
          }
        });
        s.partition.done();
      }
      return { type: 'stats', count, sum, min, max };
    }
    case 'percentiles': {
      // Every caller names the pass (aggregateBlocks, split-query.ts through its lanes).
      if (!opts.pass) throw new Error('a percentiles part needs its selection pass');
      const into = new PassCollector(opts.pass);
      for (const s of slices) {
        eachBlock(s.partition.db, q, s.from, s.to, agg.field, opts.signal, (col, _ts, rows) => {
          for (let k = 0; k < rows.length; k++) {
            const v = col[rows[k]!];
            if (typeof v === 'number' && Number.isFinite(v)) into.add(v);
          }
        });
        s.partition.done();
      }
      return { type: 'percentiles', pass: into.part() };
    }
  }
}

/** Whether the rollups answer most of the aggregation: the empty query's terms of a rolled-up field, or histograms in whole hours of it or of one rolled-up field's values. */
export function rolledUp(agg: AggregationSpec, q: CompiledQuery, rollups: boolean): boolean {
  if (!rollups) return false;
  if (agg.type === 'date_histogram') return (q.matchAll || q.rollupKeys !== null) && agg.interval_ms % ROLLUP_BUCKET_MS === 0;
  return q.matchAll && agg.type === 'terms' && isRollupField(agg.field);
}

/** Rejects what no part of a range could answer: the checks run before any block is read. */
function checkAggregation(agg: AggregationSpec, range: { from: number; to: number }): void {
  switch (agg.type) {
    case 'terms':
      if (!Number.isInteger(agg.size) || agg.size < 1) {
        throw storeError('LS_STORE_BAD_REQUEST', `terms size must be a positive integer, got ${agg.size}`);
      }
      return;
    case 'date_histogram': {
      const interval = agg.interval_ms;
      if (!Number.isSafeInteger(interval) || interval < 1) {
        throw storeError('LS_STORE_BAD_REQUEST', `interval_ms must be a positive integer, got ${interval}`);
      }
      if (histogramBucketCount(range.from, range.to, interval) > MAX_HISTOGRAM_BUCKETS) {
        throw storeError(
          'LS_STORE_BAD_REQUEST',
          `date_histogram over this range at ${interval} ms would have more than ${MAX_HISTOGRAM_BUCKETS} buckets; pick a larger interval or a narrower range`,
        );
      }
      return;
    }
    case 'stats':
      return;
    case 'percentiles':
      for (const p of agg.percents) {
        if (!(p >= 0 && p <= 100)) throw storeError('LS_STORE_BAD_REQUEST', `percent ${p} is outside 0..100`);
      }
  }
}

/** The answer from a part over the whole `range`. */
export function finishAggregate(agg: AggregationSpec, part: AggregatePart, range: { from: number; to: number }): AggregateResult {
  switch (part.type) {
    case 'terms': {
      const { buckets, other } = topTerms(part.counts, (agg as { size: number }).size);
      return { type: 'terms', buckets, other_count: other, missing_count: part.missing };
    }
    case 'date_histogram': {
      const interval = (agg as { interval_ms: number }).interval_ms;
      return { type: 'date_histogram', interval_ms: interval, buckets: fillHistogram(part.counts, range.from, range.to, interval) };
    }
    case 'stats':
      return { type: 'stats', count: part.count, min: part.min, max: part.max, avg: part.count === 0 ? null : part.sum / part.count, sum: part.sum };
    case 'percentiles':
      // Over as many passes as the selection needs: aggregateBlocks and split-query.ts drive them.
      throw new Error('percentiles are answered by PercentileSelect, not from one part');
  }
}

/**
 * Two parts of one aggregation over disjoint ranges as one. Terms keep
 * the limit on distinct values of one walk (checkTermsKeys): the lanes
 * each held fewer, the whole may not.
 */
export function joinAggregateParts(a: AggregatePart, b: AggregatePart, field: string, maxTermsKeys?: number): AggregatePart {
  if (a.type === 'terms' && b.type === 'terms') {
    const [big, small] = a.counts.size >= b.counts.size ? [a.counts, b.counts] : [b.counts, a.counts];
    for (const [k, n] of small) big.set(k, (big.get(k) ?? 0) + n);
    checkTermsKeys(big, field, maxTermsKeys);
    return { type: 'terms', counts: big, missing: a.missing + b.missing };
  }
  if (a.type === 'date_histogram' && b.type === 'date_histogram') {
    for (const [k, n] of b.counts) a.counts.set(k, (a.counts.get(k) ?? 0) + n);
    return a;
  }
  if (a.type === 'stats' && b.type === 'stats') {
    const pick = (x: number | null, y: number | null, f: (p: number, q: number) => number): number | null => (x === null ? y : y === null ? x : f(x, y));
    return { type: 'stats', count: a.count + b.count, sum: a.sum + b.sum, min: pick(a.min, b.min, Math.min), max: pick(a.max, b.max, Math.max) };
  }
  if (a.type === 'percentiles' && b.type === 'percentiles') return { type: 'percentiles', pass: joinPassParts(a.pass, b.pass) };
  throw new Error(`cannot join aggregation parts ${a.type} and ${b.type}`);
}

