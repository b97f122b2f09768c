/**
 * An aggregation per value of a field: `stats` of `duration_ms` by
 * `service`, a `date_histogram` by `level`, `percentiles` by `path` (what
 * VictoriaLogs' `stats by (…)`, Loki's `… by (label)` and Kibana's split
 * series answer). The field's top values come from a terms aggregation;
 * then each value's events are aggregated.
 *
 * A store with its own groupAggregate() (LogReader) answers in at most two
 * reads: the terms, then one pass computing every group's aggregation (the
 * embedded stores: store/group-pass.ts; Elasticsearch: a filters
 * aggregation of the groups' leaves with the aggregation under each). A
 * reader without it is answered here from the LogReader contract, with the
 * query ANDed with a leaf matching exactly each terms bucket, a read each:
 *
 *   terms(by) ──► top `size` keys, other_count, missing_count   (first read)
 *             └─► per key: agg(q AND by:key) ──► result          (one read each)
 *
 * Either way the groups' numbers are those a search for the value gives
 * (the store contract's differential tests hold both to the matcher's).
 * The two reads are not one snapshot: events committed between them (live
 * ingest) are in a group's result and not in its terms bucket. A result
 * that counts its events (date_histogram: every event is in one bucket)
 * gives the group its count, so a group agrees with itself; other_count,
 * missing_count and which keys are the top `size` stay the first read's.
 * Stats, percentiles and terms results do not count the group's events, so
 * their groups keep the terms count, and a stats count of numeric values
 * can pass it (CLI `stats --by` notes that under its table).
 */
import type { QueryNode } from './ast.js';
import { fieldKind, numericValue } from './fields.js';
import type { AggregateRequest, AggregateResult, GroupedAggregateResult, LogReader } from './log-reader.js';

export type { GroupedAggregateRequest, GroupedAggregateResult } from './log-reader.js';

/** Groups aggregated two at a time: the embedded store reads on two threads. */
const PARALLEL = 2;

export class GroupByError extends Error {}

/**
 * `req.agg` for each of `by`'s top `size` values. `by` must be a keyword
 * field (or `level`): a text field's terms are whole values while a term
 * query on it matches tokens, so its groups would not hold their buckets'
 * events; `@timestamp` groups are what date_histogram is for.
 */
export async function groupAggregate(
  reader: LogReader,
  req: AggregateRequest,
  by: { field: string; size: number },
  textFields?: readonly string[],
): Promise<GroupedAggregateResult> {
  const kind = fieldKind(by.field, textFields);
  if (kind === 'text') throw new GroupByError(`"${by.field}" is a text field: group by a keyword field (its whole values), or search its words`);
  if (kind === 'date') throw new GroupByError(`"${by.field}" cannot group: use a date_histogram for events over time`);
  if (reader.groupAggregate) return reader.groupAggregate({ ...req, by });
  const terms = await reader.aggregate({ ...req, agg: { type: 'terms', field: by.field, size: by.size } });
  if (terms.type !== 'terms') throw new Error(`a terms aggregation answered ${terms.type}`);
  const buckets = terms.buckets;
  const results = new Array<AggregateResult>(buckets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < buckets.length) {
      const i = next++;
      const query: QueryNode = { type: 'and', children: [req.query, bucketLeaf(by.field, buckets[i]!.key)], loc: req.query.loc };
      results[i] = await reader.aggregate({ ...req, query });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, buckets.length) }, worker));
  return groupedAnswer(by.field, terms, results);
}

/** The answer from the terms read of `by` and each bucket's result (in the buckets' order); stores with their own groupAggregate() answer through it too. */
export function groupedAnswer(by: string, terms: AggregateResult, results: readonly AggregateResult[]): GroupedAggregateResult {
  if (terms.type !== 'terms') throw new Error(`a terms aggregation answered ${terms.type}`);
  const groups = terms.buckets.map((b, i) => ({ key: b.key, count: eventCount(results[i]!) ?? b.count, result: results[i]! }));
  // A count taken from a later read can pass another group's: by count again (a stable
  // sort, so equal counts keep the store's terms order).
  groups.sort((a, b) => b.count - a.count);
  return { by, groups, other_count: terms.other_count, missing_count: terms.missing_count };
}

/**
 * The number of events an aggregation result was computed over, when it says:
 * a date_histogram puts each event in exactly one bucket. Stats and percentiles
 * count the events whose field holds a number, and terms buckets (with other
 * and missing) count an event under each distinct element of an array: neither
 * is the events of the group, so those keep the terms bucket's count.
 */
function eventCount(result: AggregateResult): number | undefined {
  return result.type === 'date_histogram' ? result.buckets.reduce((s, b) => s + b.count, 0) : undefined;
}

/**
 * The leaf matching the events of terms bucket `key` (String of the value,
 * or of an array's element) and no other value's. `field:key` does that for every key but a numeric string
 * not in the canonical form String(number) gives (`"500.0"`, `"007"`): the
 * term would also match the number 500 or 7, whose bucket is `"500"` or
 * `"7"`; those keys match as strings only, by a regex of their characters.
 */
export function bucketLeaf(field: string, key: string): QueryNode {
  const loc = { start: 0, end: 0 };
  const n = numericValue(key);
  if (n !== null && String(n) !== key) {
    return { type: 'regex', field, pattern: key.replace(/[^0-9]/g, (c) => `\\${c}`), loc };
  }
  // Not `whole`: terms count an array under each of its elements
  // (array-values.ts addTermsKey), and so does the leaf.
  return { type: 'term', field, value: key, phrase: true, loc };
}
