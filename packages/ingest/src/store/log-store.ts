/**
 * The storage contract (DESIGN.md §4). One interface, two backends (SQLite,
 * Elasticsearch), one contract test suite run against both.
 *
 * CONTRACT: change only additively.
 */
import type {
  LogEvent,
  LogReader,
} from '@logship/query/core';

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
   * Events not written because their partition cannot take writes now (a
   * file found damaged): a retry of them can succeed (once the file is
   * replaced); the rest of the batch is committed. Absent when none.
   */
  unavailable?: { index: number; reason: string }[];
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

/**
 * The retention a store applies and where it comes from. A store shared by
 * several servers (Elasticsearch) applies the policy held in the cluster,
 * which may differ from this server's config.
 */
export interface RetentionInForce {
  default_days: number;
  classes: { name: string; match: string; days: number }[];
  from: 'config' | 'cluster';
  /** Where exactly, for people (the cluster's document, who wrote it and when). */
  detail: string;
}

export interface StoreHealth {
  /** The store can take writes and answer reads right now (what /health/ready reports). */
  ok: boolean;
  /** Why not ok. */
  reason?: string;
  /** Conditions worth a look that do not stop ingest (low disk space). */
  warnings?: string[];
  /**
   * Fields events have that the store keeps but does not index, so
   * queries on them find nothing (Elasticsearch: past the index's field
   * limit, or keyword values over ignore_above); absent when none.
   */
  unindexedFields?: string;
}

// The fields, field-values and context answers need no store of their own:
// the query package computes them from search/aggregate (sample-fields.ts,
// field-values.ts, event-context.ts), for every backend alike.
export interface WriteOptions {
  /**
   * contentIds[i]: events[i]'s event.id is its content id
   * (normalize/content-id.ts), as ingest computed it. A store that keeps no
   * copy of such ids (the block store) takes this instead of hashing every
   * event again to find out; without it, it hashes. Others ignore it.
   */
  contentIds?: readonly boolean[];
  /**
   * times[i]: events[i]'s `@timestamp` as epoch ms, the number ingest
   * wrote it from (isoTime). Stores take it instead of parsing the text
   * again; an entry that is not an integer is read from the text.
   */
  times?: readonly number[];
  /**
   * The caller answers `WriteResult.unavailable` event by event (ingest
   * does: the agent resends those lines, other senders get a 503). Then a
   * batch whose every event is of a day that cannot take writes (a damaged
   * partition) resolves with all of them unavailable; without it, such a
   * write throws, as a caller that reads only the counts needs.
   */
  partial?: boolean;
}

/**
 * What the store's own background work (the embedded stores' reader
 * threads, the block store's merges) met, which no answer says in full: the server logs it and counts it in /metrics
 * (server/store-background-log.ts).
 */
export type StoreBackgroundEvent =
  | {
      kind: 'merge-failed';
      partition: string;
      /** Bounded (a metric's label): SQLITE_FULL, SQLITE_IOERR_WRITE, EACCES…, else `error`. */
      errorType: string;
      message: string;
      /** Failures in a row of this partition's merges, this one included. */
      failures: number;
      /** When its merges are tried again. */
      retryInMs: number;
    }
  /** A partition's merges no longer fail (one succeeded, or it has nothing left to merge), or (`gone`) the partition is no more (retention removed it). */
  | { kind: 'merge-recovered'; partition: string; failures: number; gone?: boolean }
  /** A partition found damaged inside while the server runs (by a reader thread of either embedded store, or a block merge): left out of reads, its day's writes refused. */
  | { kind: 'damaged'; partition: string; reason: string };

export interface LogStore extends LogReader {
  /** Stores a batch idempotently by event.id; resolves only once durable. */
  write(events: LogEvent[], now?: number, opts?: WriteOptions): Promise<WriteResult>;
  partitions(now?: number): Promise<PartitionInfo[]>;
  /** Drops what is past retention at `now` (epoch ms). */
  enforceRetention(now?: number): Promise<RetentionRunResult>;
  /** The retention in force, when it may differ from the config the store was opened with; absent: the config's. */
  retentionInForce?(): RetentionInForce;
  health(): Promise<StoreHealth>;
  /** Calls `listener` with what the store's background work met (StoreBackgroundEvent); absent: a store with none. */
  onBackground?(listener: (event: StoreBackgroundEvent) => void): void;
  /** The partition files the server's user could not read or write when the store opened, each with why; absent: a store with no files. */
  deniedAtStart?(): string[];
  close(): Promise<void>;
}

/**
 * A store whose write splits in two: a prepare that any thread can run
 * (events to what the store commits, the CPU-heavy half) and a commit on
 * the store's side. Ingest workers (server/ingest-workers.ts) prepare; the
 * store commits. The block store is one when it has a writer thread.
 */
export interface PreparingStore {
  /**
   * The module a worker imports (a URL) and the options (plain data) it
   * gives that module's `createPreparer`, or null when writes are prepared
   * only where they are committed.
   */
  preparer(): { url: string; options: unknown } | null;
  /** Commits what createPreparer's function returned, as write() commits events. */
  commitPrepared(prepared: unknown): Promise<WriteResult>;
}

/** Whether `store` can take writes prepared elsewhere (PreparingStore). */
export function isPreparingStore(store: object): store is PreparingStore {
  return typeof (store as Partial<PreparingStore>).preparer === 'function' && typeof (store as Partial<PreparingStore>).commitPrepared === 'function';
}
