/**
 * The storage contract (DESIGN.md §4). One interface, two backends (SQLite,
 * Elasticsearch), one contract test suite run against both.
 *
 * CONTRACT: change only additively.
 */
import type {
  ContextRequest,
  ContextResult,
  FieldValuesRequest,
  FieldValuesResult,
  FieldsRequest,
  FieldsResult,
  LogEvent,
  LogReader,
} from '@logship/query';

export interface WriteResult {
  /** Events newly stored. */
  stored: number;
  /** Events dropped because their event.id was already stored. */
  duplicates: number;
  /** Events dropped because they were already past retention on arrival. */
  expired: number;
  /** Per-event permanent failures (index into the written array). */
  errors: { index: number; reason: string }[];
  /**
   * Which events of the batch were newly stored (indexes into the written
   * array, ascending), when the backend knows; the live tail shows only
   * these, so a retried batch does not show its events twice.
   */
  storedIndexes?: number[];
}

export interface PartitionInfo {
  /** Partition name (SQLite file name, Elasticsearch index name). */
  name: string;
  /** Retention class this partition belongs to (e.g. 'errors', 'debug', 'default'). */
  class: string;
  /** UTC day the partition holds, YYYY-MM-DD. */
  day: string;
  bytes: number;
  events: number;
  /** Oldest @timestamp in the partition, epoch ms (null when empty). */
  oldest: number | null;
  /** True when every event in it is past its class's retention at `now`. */
  expired: boolean;
}

export interface RetentionRunResult {
  partitionsDropped: string[];
  eventsRemoved: number;
  bytesRemoved: number;
}

export interface StoreHealth {
  /** The store can take writes and answer reads right now (what /health/ready reports). */
  ok: boolean;
  /** Why not ok. */
  reason?: string;
  /** Conditions worth a look that do not stop ingest (low disk space). */
  warnings?: string[];
}

export interface LogStore extends LogReader {
  /** Field names of a range with types and counts (CONTRACTS.md "Fields API"). */
  fields(req: FieldsRequest): Promise<FieldsResult>;
  /** A field's top values in a range. */
  fieldValues(req: FieldValuesRequest): Promise<FieldValuesResult>;
  /** The events around one, from its host and source; null for an unknown id. */
  context(req: ContextRequest): Promise<ContextResult | null>;
  /** Stores a batch idempotently by event.id; resolves only once durable. */
  write(events: LogEvent[], now?: number): Promise<WriteResult>;
  partitions(now?: number): Promise<PartitionInfo[]>;
  /** Drops what is past retention at `now` (epoch ms). */
  enforceRetention(now?: number): Promise<RetentionRunResult>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
