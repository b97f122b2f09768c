/**
 * What a read left out of its answer for a passing cause, told to the
 * read's owner. A partition file another process holds locked (an
 * operator's `sqlite3` session, a backup tool) is sound and back within
 * minutes: the embedded stores answer the rest of the range and name it
 * (packages/ingest sqlite/locked-partition.ts), as Elasticsearch answers
 * with the shards it could read beside `_shards.failed`. Unlike a damaged
 * or denied file, which the store can tell of from the file alone
 * (LogReader.unreadablePartitions), only the read that met the lock knows
 * it, on whichever thread it ran: so each read carries its own list.
 * Elasticsearch says the same of each of its answers (`_shards.failures`,
 * `timed_out`: elasticsearch/partial-answer.ts) into the same list.
 *
 * A read with no list in scope is one whose owner cannot say what it left
 * out (a CLI command reading the folder itself; the ruler keeps a list, so
 * that a partial evaluation keeps its alerts' states): the store
 * fails it instead (LS_STORE_PARTITION_LOCKED, 503), as before, rather
 * than answer less without a word. An AsyncLocalStorage, as read-start.ts,
 * so the store methods between the route and the reader pool stay as they
 * are, and a read's later steps (a split query's lanes, a `by`
 * aggregation's groups) add to the same list.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** A partition a read left out, why, and its cause's error code (the answer's warning carries them). */
export interface LeftOutPartition {
  partition: string;
  reason: string;
  code: string;
  /** The warning's whole message, when the store words it itself (Elasticsearch's shard failures: part of an index may be answered). */
  message?: string;
}

const lists = new AsyncLocalStorage<LeftOutPartition[]>();

/** Runs `read` with `list` taking what every step of it leaves out, however deep in its async calls. */
export function collectingLeftOut<T>(list: LeftOutPartition[], read: () => T): T {
  return lists.run(list, read);
}

/** The list of the read running now, or undefined when its owner cannot say what it leaves out. */
export function leftOutList(): LeftOutPartition[] | undefined {
  return lists.getStore();
}

/** Adds `found` to `list`, each partition once per cause (a read's retries, pages and steps meet the same one again). */
export function addLeftOut(list: LeftOutPartition[], found: readonly LeftOutPartition[]): void {
  for (const p of found) {
    if (list.some((q) => q.partition === p.partition && q.code === p.code)) continue;
    list.push({ partition: p.partition, reason: p.reason, code: p.code, ...(p.message !== undefined ? { message: p.message } : {}) });
  }
}
