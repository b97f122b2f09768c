/**
 * What the store's background work met, in the server's log and /metrics:
 * the block store's merges failing other than on damage (disk full, a file
 * it may not write, a bug). No request sees a merge fail; until 2026-12-07
 * nothing did, and a partition whose merges kept failing went unnoticed.
 * And a partition found damaged while the server runs (by a merge or a
 * reader thread, in either embedded format): an error line, as the start
 * has for a file it cannot read; until then only answers' warnings and a
 * gauge said it (the row store's, until later that day).
 *
 *   writer thread: a merge fails ─{ background }─► main thread: BlockStore.onBackground
 *     ─► here: a warn line (once per partition and cause, again hourly while
 *        it lasts), logship_store_merge_failures_total{error_type},
 *        logship_store_merge_failing_partitions; an info line once they work
 *
 * Merges themselves wait longer after each failure (blocks/merge-scheduler.ts),
 * so a failure that stays costs a line an hour a partition, not one a try.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { LogStore } from '../store/log-store.js';
import { damageDetail } from '../sqlite/partition-damage.js';
import type { IngestMetrics } from './ingest-metrics.js';

/** A partition's failure with the same message is logged again after this long. */
export const REPEAT_LOG_MS = 3_600_000;

interface Logged {
  message: string;
  at: number;
}

export function logStoreBackground(
  store: Pick<LogStore, 'onBackground'>,
  logger: FastifyBaseLogger,
  metrics: Pick<IngestMetrics, 'mergeFailures' | 'mergeFailingPartitions'>,
  now: () => number = Date.now,
): void {
  if (!store.onBackground) return;
  /** Partitions whose merges are failing, with what was last logged of them. */
  const failing = new Map<string, Logged>();
  /** Damaged partitions said, with what was said of them. */
  const damaged = new Map<string, Logged>();
  store.onBackground((event) => {
    if (event.kind === 'damaged') {
      const at = now();
      const last = damaged.get(event.partition);
      if (last && last.message === event.reason && at - last.at < REPEAT_LOG_MS) return;
      damaged.set(event.partition, { message: event.reason, at });
      // As the start says a file it cannot read (server.ts), for damage found later.
      logger.error(
        { partition: event.partition, reason: event.reason },
        `Partition ${event.partition} is damaged inside (${damageDetail(event.reason)}); searches over its day leave it out and writes to its day are refused: stop the server, restore it from a backup or move it aside, and start again.`,
      );
      return;
    }
    if (event.kind === 'merge-recovered') {
      if (!failing.delete(event.partition)) return;
      metrics.mergeFailingPartitions.set(failing.size);
      const times = `${event.failures} ${event.failures === 1 ? 'failure' : 'failures'} in a row`;
      if (event.gone) logger.info({ partition: event.partition, failures: event.failures }, `Partition ${event.partition}, whose merges failed (${times}), is gone: retention removed it.`);
      else logger.info({ partition: event.partition, failures: event.failures }, `Merges of partition ${event.partition} no longer fail (after ${times}).`);
      return;
    }
    metrics.mergeFailures.inc({ error_type: event.errorType });
    const at = now();
    const last = failing.get(event.partition);
    failing.set(event.partition, last && last.message === event.message && at - last.at < REPEAT_LOG_MS ? last : { message: event.message, at });
    metrics.mergeFailingPartitions.set(failing.size);
    if (failing.get(event.partition) === last) return;
    const again = event.failures > 1 ? ` It has failed ${event.failures} times in a row; while it fails the same way this is logged once an hour.` : '';
    logger.warn(
      { partition: event.partition, error_type: event.errorType, failures: event.failures, retry_in_ms: event.retryInMs },
      `Merging blocks of partition ${event.partition} failed (${event.message}); its blocks stay as they were, no event is lost, and searches read them as they are. Its merges are tried again in ${duration(event.retryInMs)}.${again}`,
    );
  });
}

function duration(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}
