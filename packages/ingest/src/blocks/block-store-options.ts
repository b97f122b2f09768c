/** What a BlockStore is opened with (block-store.ts). */
import type { PartitionedStoreOptions } from '../sqlite/partitioned-store.js';
import type { DamagedPartition } from '../sqlite/partition-damage.js';
import type { StoreBackgroundEvent } from '../store/log-store.js';

/** Partitions live in `<dataDir>/blocks`. */
export interface BlockStoreOptions extends PartitionedStoreOptions {
  /** Write on a worker thread (default false here; openBlockStore's is true). */
  writerThread?: boolean;
  /** Worker threads answering reads (default 0 here; openBlockStore's is 2). */
  readerThreads?: number;
  /** False answers every aggregation from blocks, never from a rollup (tests compare both). */
  rollups?: boolean;
  /**
   * This store never answers queries (the writer thread): block headers
   * keep event.id's bloom, which dedupe reads, and no other column's. It
   * kept every bloom of every block of the partitions it wrote: 10M events
   * over HTTP, the writer's heap and external memory at most 136 → 116 MB,
   * the server's peak RSS 326 → 313 MiB (one run each).
   */
  writeOnly?: boolean;
  /** WAL checkpoints while writes keep coming (sqlite/wal-checkpoints.ts; default CHECKPOINT_EVERY_MS, tests shorten it). */
  checkpointEveryMs?: number;
  /** False never merges blocks (tests compare before and after). Default true. */
  merges?: boolean;
  /** Told of partitions a merge found damaged inside (the writer thread tells the main thread). */
  onDamaged?: (found: DamagedPartition[]) => void;
  /** Told of merges failing otherwise, and succeeding again (the writer thread tells the main thread). */
  onBackground?: (event: StoreBackgroundEvent) => void;
  /**
   * Bytes of decoded columns kept across queries (column-cache.ts). Default
   * 0 here: a store that writes would fill it with what merges decode;
   * reader threads get READER_COLUMN_CACHE_BYTES unless this says otherwise.
   */
  columnCacheBytes?: number;
  /** Distinct values a terms aggregation may count (default the query package's MAX_TERMS_KEYS; tests lower it). */
  maxTermsKeys?: number;
  /** Values a percentiles pass keeps before it narrows by counts (percentile-select.ts; default PERCENTILE_VALUES, tests lower it). */
  percentileValues?: number;
  /**
   * Partition bytes in a search's, count's or aggregation's range from
   * which it runs on two reader threads at once (split-query.ts; default
   * SPLIT_MIN_BYTES, tests set 0). Needs readerThreads ≥ 2.
   */
  splitMinBytes?: number;
}
