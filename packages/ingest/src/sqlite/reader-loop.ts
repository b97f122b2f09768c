/**
 * The message loop of a reader thread (see reader-pool.ts), shared by the
 * row store's (reader-thread.worker.ts) and the block store's
 * (blocks/block-reader.worker.ts): an inline store (no writer thread, no
 * readers of its own) answering one query at a time with the same code the
 * main thread runs when `readerThreads` is 0.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { agreedCut, collectingCuts, collectingLeftOut, type AggregateRequest, type CountRequest, type FieldsRequest, type FieldValuesRequest, type LeftOutPartition, type SearchRequest } from '@logship/query/core';
import type { DamagedPartition } from './partition-damage.js';
import type { GroupPassRequest } from './group-pass.js';
import { serializeError, type ReaderRequest, type ReaderThreadOptions } from './reader-pool.js';

/** What a reader thread needs of its store. */
export interface ThreadReader {
  init(checkFiles?: boolean): void;
  syncPartitions(): void;
  searchAt(req: SearchRequest, at: number): Promise<unknown>;
  countAt(req: CountRequest, at: number): Promise<unknown>;
  aggregateAt(req: AggregateRequest, at: number): Promise<unknown>;
  /** Every group's aggregation in one scan (group-pass.ts). */
  groupPassAt(req: GroupPassRequest, at: number): Promise<unknown>;
  /** Lanes of a query split between threads (blocks/split-query.ts); the block store's only. */
  searchPartAt?(req: SearchRequest, at: number): Promise<unknown>;
  countPartAt?(req: CountRequest, at: number): Promise<unknown>;
  aggregatePartAt?(req: AggregateRequest, at: number): Promise<unknown>;
  fieldsAt?(req: FieldsRequest, at: number): Promise<unknown>;
  fieldValuesAt?(req: FieldValuesRequest, at: number): Promise<unknown>;
  /** Runs a read leaving out partitions damaged inside (partitioned-store.ts), and names those it found. */
  skippingDamaged<T>(range: { from: number; to: number }, run: () => Promise<T>): Promise<T>;
  takeDamaged(): DamagedPartition[];
  /** Leaves out partitions found damaged elsewhere (reader-pool.ts tellDamaged). */
  noteDamaged(found: readonly DamagedPartition[]): unknown;
}

/** Runs this worker as a reader thread: opens the store `open` makes, says ready, answers requests. */
export function serveReader(file: string, open: (opts: ReaderThreadOptions) => ThreadReader): void {
  const port = parentPort;
  if (!port) throw new Error(`${file} runs only as a worker thread`);
  const opts = workerData as ReaderThreadOptions;

  let store: ThreadReader;
  try {
    store = open(opts);
    // The start checked every file's permissions; one denied since is the read's to leave out (partitioned-store.ts init).
    store.init(false);
    port.postMessage({ ready: true });
  } catch (err) {
    port.postMessage({ error: serializeError(err) });
    throw err;
  }

  port.on('message', (msg: ReaderRequest) => {
    if (msg.op === 'refresh') {
      try {
        store.syncPartitions();
      } catch {
        // the next query reports a missing folder
      }
      return;
    }
    if (msg.op === 'damaged') {
      try {
        // The folder is read first: a partition this thread has not listed yet is not noted.
        store.syncPartitions();
        store.noteDamaged((msg.req as { found: DamagedPartition[] }).found);
      } catch {
        // the next query meets the damage itself, as before
      }
      return;
    }
    const run = (): Promise<unknown> => {
      switch (msg.op) {
        case 'search':
          return store.searchAt(msg.req as unknown as SearchRequest, msg.at);
        case 'count':
          return store.countAt(msg.req as unknown as CountRequest, msg.at);
        case 'aggregate':
          return store.aggregateAt(msg.req as unknown as AggregateRequest, msg.at);
        case 'groupPass':
          return store.groupPassAt(msg.req as unknown as GroupPassRequest, msg.at);
        case 'searchPart':
          if (store.searchPartAt) return store.searchPartAt(msg.req as unknown as SearchRequest, msg.at);
          break;
        case 'countPart':
          if (store.countPartAt) return store.countPartAt(msg.req as unknown as CountRequest, msg.at);
          break;
        case 'aggregatePart':
          if (store.aggregatePartAt) return store.aggregatePartAt(msg.req as unknown as AggregateRequest, msg.at);
          break;
        case 'fields':
          if (store.fieldsAt) return store.fieldsAt(msg.req as unknown as FieldsRequest, msg.at);
          break;
        case 'fieldValues':
          if (store.fieldValuesAt) return store.fieldValuesAt(msg.req as unknown as FieldValuesRequest, msg.at);
          break;
      }
      return Promise.reject(new Error(`unknown reader request ${String(msg.op)}`));
    };
    // The main thread is told of damaged partitions too: its answers name them (warnings) and its metric counts them.
    // And of what the read left out (locked files), when the read's owner keeps a list (reader-pool.ts ReaderRequest).
    const leftOut: LeftOutPartition[] | undefined = msg.leftOut ? [...msg.leftOut] : undefined;
    // And where the read's snapshots were cut, when its owner asked (@logship/query read-cut.ts).
    const cuts: (number | null)[] | undefined = msg.cut ? [] : undefined;
    const skipping = (): Promise<unknown> => store.skippingDamaged(msg.req as unknown as { from: number; to: number }, run);
    const read = (): Promise<unknown> => (cuts ? collectingCuts(cuts, skipping) : skipping());
    const cutField = (): { cut?: number | null } => (cuts ? { cut: agreedCut(cuts) ?? null } : {});
    (leftOut ? collectingLeftOut(leftOut, read) : read()).then(
      (result) => port.postMessage({ id: msg.id, ok: true, result, damaged: store.takeDamaged(), ...(leftOut ? { leftOut } : {}), ...cutField() }),
      (err: unknown) => port.postMessage({ id: msg.id, ok: false, error: serializeError(err), damaged: store.takeDamaged(), ...(leftOut ? { leftOut } : {}) }),
    );
  });
}
