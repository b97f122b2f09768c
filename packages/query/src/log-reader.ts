/**
 * The read-side contract every store implements (SQLite, Elasticsearch) and
 * the query HTTP API consumes. Times are epoch milliseconds, already resolved
 * from date math by the caller.
 *
 * CONTRACT: change only additively.
 */
import type { QueryNode } from './ast.js';
import type { LogEvent } from './event.js';
import type { LeftOutPartition } from './read-left-out.js';

export type SortOrder = 'desc' | 'asc';

export interface TimeRange {
  /** Inclusive lower bound on @timestamp, epoch ms. */
  from: number;
  /** Inclusive upper bound on @timestamp, epoch ms. */
  to: number;
}

export interface SearchRequest extends TimeRange {
  query: QueryNode;
  /** Maximum hits to return (the caller caps it). */
  limit: number;
  /** Sort by @timestamp, ties broken by event.id in the same direction. Default 'desc'. */
  sort?: SortOrder;
  /** Opaque position returned as `next_cursor` by the previous page. */
  cursor?: string | null;
  /** Projection: return only these fields (plus @timestamp and event.id). */
  fields?: string[];
  /** The clock for date math inside the query (`now-1h`), epoch ms. */
  now: number;
  /** Aborted when the caller gives up (per-query timeout); stores stop work where they can. */
  signal?: AbortSignal;
}

export interface Total {
  value: number;
  /** 'eq' when exact, 'gte' when a lower bound (the store stopped counting). */
  relation: 'eq' | 'gte';
}

export interface SearchResult {
  hits: LogEvent[];
  total: Total;
  /** Pass back as `cursor` for the next page; null when there is none. */
  next_cursor: string | null;
}

export interface CountRequest extends TimeRange {
  query: QueryNode;
  now: number;
  signal?: AbortSignal;
}

export type AggregationSpec =
  | { type: 'terms'; field: string; size: number }
  | { type: 'date_histogram'; interval_ms: number }
  | { type: 'stats'; field: string }
  | { type: 'percentiles'; field: string; percents: number[] };

export interface AggregateRequest extends TimeRange {
  query: QueryNode;
  agg: AggregationSpec;
  now: number;
  signal?: AbortSignal;
}

export type AggregateResult =
  | {
      type: 'terms';
      buckets: { key: string; count: number }[];
      /** Events with the field whose value is outside the top N. */
      other_count: number;
      /** Events without the field. */
      missing_count: number;
    }
  | { type: 'date_histogram'; interval_ms: number; buckets: { key: number; key_as_string: string; count: number }[] }
  | { type: 'stats'; count: number; min: number | null; max: number | null; avg: number | null; sum: number }
  | { type: 'percentiles'; count: number; values: Record<string, number | null> };

/** An aggregation per value of a field (group-aggregate.ts): `by`'s top `size` values, each with `agg` over its events. */
export interface GroupedAggregateRequest extends AggregateRequest {
  by: { field: string; size: number };
}

export interface GroupedAggregateResult {
  by: string;
  /**
   * By count, descending, as terms buckets are; each with the aggregation of its events.
   * `count` is the result's own event count where it has one (date_histogram: its
   * buckets' sum), else the terms bucket's (stats and percentiles count numeric values,
   * terms an array under each element: neither is the group's events).
   */
  groups: { key: string; count: number; result: AggregateResult }[];
  /** Events with the field whose value is outside the top `size` (not aggregated); from the terms read. */
  other_count: number;
  /** Events without the field; from the terms read. */
  missing_count: number;
}

/** What a field's values are, as the fields API reports them. */
export type FieldType = 'string' | 'number' | 'boolean' | 'date';

/** The fields of the events in a range that match a query. */
export interface FieldsRequest extends TimeRange {
  query: QueryNode;
  now: number;
  signal?: AbortSignal;
}

export interface FieldSummary {
  name: string;
  /** In the order string, number, boolean, date. */
  types: FieldType[];
  /** Events with the field (not null); estimated from the sample when `counts` is 'sampled'. */
  count: number;
}

export interface FieldsResult {
  /** 'exact' when every matching event was examined; 'sampled' when only the newest `sample_size`. */
  counts: 'exact' | 'sampled';
  /** Events examined, when sampled. */
  sample_size?: number;
  /** By count, descending, then name. */
  fields: FieldSummary[];
}

/** A field's most frequent values among the events in a range that match a query. */
export interface FieldValuesRequest extends TimeRange {
  query: QueryNode;
  field: string;
  /** Values to return. */
  size: number;
  now: number;
  signal?: AbortSignal;
}

export interface FieldValuesResult {
  counts: 'exact' | 'sampled';
  sample_size?: number;
  /** Keyed by String(value), as terms buckets are; by count, descending, then value. */
  values: { value: string; count: number }[];
  /** Events with the field whose value is outside the top `size`. */
  other_count: number;
  /** Events without the field (or with null). */
  missing_count: number;
}

/** The events around one event, from the same host and source. */
export interface ContextRequest {
  /** The anchor's event.id. */
  id: string;
  /** The anchor's @timestamp, epoch ms: where to look for it, so no store scans for the id. */
  ts: number;
  /** Neighbours wanted on each side. */
  before: number;
  after: number;
  now: number;
  signal?: AbortSignal;
}

export interface ContextResult {
  anchor: LogEvent;
  /** Older than the anchor in (@timestamp, event.id) order, oldest first. */
  before: LogEvent[];
  /** Newer than the anchor, oldest first. */
  after: LogEvent[];
}

export interface LogReader {
  search(req: SearchRequest): Promise<SearchResult>;
  count(req: CountRequest): Promise<number>;
  aggregate(req: AggregateRequest): Promise<AggregateResult>;
  /**
   * Optional, so a reader built only on the three above still serves the
   * API: without them the routes answer from search/count/aggregate
   * through the same helpers the stores use (sample-fields.ts,
   * field-values.ts, event-context.ts).
   */
  fields?(req: FieldsRequest): Promise<FieldsResult>;
  fieldValues?(req: FieldValuesRequest): Promise<FieldValuesResult>;
  /**
   * The groups in at most two reads of the store (the terms of `by`, then
   * every group's aggregation in one pass), as Elasticsearch's
   * sub-aggregations and VictoriaLogs' `stats by` answer. Absent:
   * groupAggregate() composes it from aggregate(), a read per group. Called
   * only through groupAggregate(), which checks `by` first.
   */
  groupAggregate?(req: GroupedAggregateRequest): Promise<GroupedAggregateResult>;
  /** Null when no event has that id at that @timestamp. */
  context?(req: ContextRequest): Promise<ContextResult | null>;
  /**
   * Stored parts of the range the store could not read (a partition file
   * of the embedded store damaged inside, or one the server's user may
   * not open) and left out of its answers: the API answers what it could,
   * with a `warnings` note naming them, as Elasticsearch answers with
   * `_shards.failures`. `code` is the cause's error code (absent: damage,
   * LS_STORE_CORRUPT_PARTITION), which the warning carries.
   */
  unreadablePartitions?(range: TimeRange): { partition: string; reason: string; code?: string }[];
  /**
   * False while a write the store acknowledged may still be unseen by a
   * read that starts now (Elasticsearch after a refresh failed: the write
   * is durable, searchable only at the next scheduled refresh). Absent:
   * every acknowledged write is seen (read-your-writes). The API gives an
   * answer's `commit_mark` only while it holds (http/commit-mark.ts).
   */
  seesAcknowledgedWrites?(): boolean;
}

/** A note beside an answer: what it lacks and why (`warnings` of the search, aggregate and fields answers). */
export interface AnswerWarning {
  code: string;
  partition: string;
  message: string;
}

/**
 * An answer's `warnings` field over `range` (answerWarnings), with the
 * partitions the read itself left out (`leftOut`: read-left-out.ts, a file
 * another process held locked), or nothing when none was left out.
 */
export function warningsField(reader: LogReader, range: TimeRange, leftOut: readonly LeftOutPartition[] = []): { warnings?: AnswerWarning[] } {
  const warnings = answerWarnings(reader, range);
  for (const p of leftOut) {
    if (warnings.some((w) => w.partition === p.partition && w.code === p.code)) continue;
    warnings.push({ code: p.code, partition: p.partition, message: p.message ?? `${p.reason}; its events are left out of this answer` });
  }
  return warnings.length > 0 ? { warnings } : {};
}

/**
 * The `warnings` of an answer over `range`: one a partition the reader
 * left out (empty when none), with its cause's code. Every warning said
 * LS_STORE_CORRUPT_PARTITION until 2026-12-07, a file the server's user
 * may not open too, which only needs a chown.
 */
export function answerWarnings(reader: LogReader, range: TimeRange): AnswerWarning[] {
  return (reader.unreadablePartitions?.(range) ?? []).map((p) => ({
    code: p.code ?? 'LS_STORE_CORRUPT_PARTITION',
    partition: p.partition,
    message: `${p.reason}; its events are left out of this answer`,
  }));
}
