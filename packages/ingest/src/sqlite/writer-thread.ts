/**
 * Writes on a worker thread. Inserting, indexing and the fsync of every
 * commit are most of the ingest CPU time; on the main thread they would
 * compete with HTTP parsing and normalization for one core. The worker owns
 * the write connections; the main thread keeps its own read connections
 * (WAL lets them read while the worker writes) and sends batches over.
 *
 *   main: write(batch) ─ rows ──postMessage──▶ worker: insert (group
 *         ◀── result after commit ──────────         commit, fsync)
 *
 * The worker is ref'd only while requests are in flight, so an idle store
 * never keeps a process alive, and a pending write always does.
 */
import { Worker } from 'node:worker_threads';
import { WORKER_LIMITS } from './worker-limits.js';
import type { RetentionRunResult, StoreBackgroundEvent, WriteResult } from '../store/log-store.js';
import type { RetentionConfig } from '../retention/retention-config.js';
import type { PreparedWrite } from './prepare-write.js';
import { STORE_ERROR_CODES, storeError, withCommitted, type StoreErrorCode } from '../store/store-error.js';
import { DAMAGED_WRITE, type DamagedPartition } from './partition-damage.js';

export type WriterRequest<P = PreparedWrite> =
  | { op: 'write'; prepared: P }
  | { op: 'enforce'; now: number }
  | { op: 'close' };

export type WriterResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code?: string; message: string; committedIndexes?: readonly number[] } }
  // Between requests: partitions the thread's background work (the block store's merges) found damaged inside.
  | { damaged: DamagedPartition[] }
  // Between requests: what else that work met (a merge failing, and succeeding again).
  | { background: StoreBackgroundEvent };

export interface WriterThreadOptions {
  dataDir: string;
  retention: RetentionConfig;
  textFields: readonly string[];
  /** The block store's worker: false never merges (tests). */
  merges?: boolean;
  /** The main thread's store's count of events committed (commit-count.ts), kept here. */
  commitCount?: SharedArrayBuffer;
}

/**
 * `P`: what a write carries (the row store's PreparedWrite; the block
 * store's own), `workerUrl`: the worker module serving WriterRequest<P>.
 */
export class WriterThread<P = PreparedWrite> {
  private readonly worker: Worker;
  private readonly inFlight = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private nextId = 1;
  private exited: string | null = null;
  private readonly ready: Promise<void>;

  constructor(
    opts: WriterThreadOptions,
    workerUrl: URL = new URL('./writer-thread.worker.js', import.meta.url),
    /** Told of the partitions the thread found damaged between requests. */
    private readonly onDamaged: (found: DamagedPartition[]) => void = () => {},
    /** Told of the rest of what the thread's background work met. */
    private readonly onBackground: (event: StoreBackgroundEvent) => void = () => {},
  ) {
    this.worker = new Worker(workerUrl, { workerData: opts, resourceLimits: WORKER_LIMITS });
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.once('message', (msg: { ready?: boolean; error?: { code?: string; message: string } }) => {
        if (msg.ready) resolve();
        else reject(rebuild(msg.error ?? { message: 'the writer thread failed to start' }));
      });
      this.worker.once('error', reject);
    });
    this.worker.on('error', (err) => this.fail(`the writer thread failed: ${err.message}`));
    this.worker.on('exit', (code) => this.fail(`the writer thread exited with code ${code}`));
  }

  /** Resolves once the worker has opened its store (rejects like openSqliteStore). */
  async started(): Promise<void> {
    this.worker.ref();
    try {
      await this.ready;
      this.worker.on('message', (msg: WriterResponse) => this.settle(msg));
    } finally {
      if (this.inFlight.size === 0) this.worker.unref();
    }
  }

  /** Why the writer is unusable, or null. */
  get failure(): string | null {
    return this.exited;
  }

  private damaged: string | null = null;

  /**
   * Why the last write failed, when it was on a damaged file (null once a
   * write succeeds): readiness says it, as ingest's 503s do. Without it a
   * server whose today's file was damaged answered every batch 503 while
   * /health/ready said ready.
   */
  get damagedWrite(): string | null {
    return this.damaged;
  }

  /** Rows prepared on this thread (prepare-write.ts), inserted and committed there. */
  write(prepared: P): Promise<WriteResult> {
    return this.request({ op: 'write', prepared }) as Promise<WriteResult>;
  }

  enforceRetention(now: number): Promise<RetentionRunResult> {
    return this.request({ op: 'enforce', now }) as Promise<RetentionRunResult>;
  }

  /** Commits what the worker accepted, closes its store and ends the thread. */
  async close(): Promise<void> {
    // The worker answers `close` after every earlier request, so nothing is
    // in flight once it has.
    if (this.exited === null) await this.request({ op: 'close' });
    this.exited ??= 'the writer thread was closed';
    // An unref'd worker's exit would not keep the loop alive to be awaited.
    this.worker.ref();
    await this.worker.terminate();
  }

  private request(req: WriterRequest<P>): Promise<unknown> {
    if (this.exited !== null) return Promise.reject(storeError('LS_STORE_WRITE_FAILED', this.exited));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.inFlight.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, ...req });
    });
  }

  private settle(msg: WriterResponse): void {
    if ('damaged' in msg) {
      this.onDamaged(msg.damaged);
      return;
    }
    if ('background' in msg) {
      this.onBackground(msg.background);
      return;
    }
    const pending = this.inFlight.get(msg.id);
    if (!pending) return;
    this.inFlight.delete(msg.id);
    if (this.inFlight.size === 0) this.worker.unref();
    if (msg.ok) {
      this.damaged = null;
      pending.resolve(msg.result);
    } else {
      // Both stores' writers say DAMAGED_WRITE (damagedWriteError) for a write on a damaged file.
      if (msg.error.message.includes(DAMAGED_WRITE)) this.damaged = msg.error.message;
      pending.reject(rebuild(msg.error));
    }
  }

  private fail(reason: string): void {
    if (this.exited !== null) return;
    this.exited = reason;
    for (const pending of this.inFlight.values()) pending.reject(storeError('LS_STORE_WRITE_FAILED', reason));
    this.inFlight.clear();
  }
}

/** Errors cross threads as plain data; store errors keep their code. */
function rebuild(error: { code?: string; message: string; committedIndexes?: readonly number[] }): Error {
  if (error.code && Object.hasOwn(STORE_ERROR_CODES, error.code)) {
    const err = storeError(error.code as StoreErrorCode, '');
    err.message = error.message;
    return withCommitted(err, error.committedIndexes ?? []) as Error;
  }
  return storeError('LS_STORE_WRITE_FAILED', error.message);
}
