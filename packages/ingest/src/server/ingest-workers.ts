/**
 * `ingest.workers`: threads that normalize native requests and prepare
 * them for the store, so the main thread only reads requests, relays and
 * answers them. Normalizing and encoding are most of ingest's CPU, and on
 * the main thread they capped ingest at one core whatever the machine had.
 *
 *   main: POST /api/v1/ingest ─ body, line spans ─postMessage─▶ worker: normalizeItems,
 *         ◀── outcome, prepared blocks (events only when wanted) ──── store's preparer
 *   main: store.commitPrepared ─▶ writer thread (durable) ─▶ answer
 *
 * A request goes to an idle worker; when none is, the main thread
 * normalizes it, as without workers. A worker that
 * fails fails its requests with a 503 the sender retries (nothing of them
 * was stored) and is started again.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { WriteResult } from '../store/log-store.js';
import type { IngestItem, IngestPool, NormalizedBatch } from './ingest-batch.js';
import type { IngestJob, IngestJobAnswer, IngestWorkerData } from './ingest-worker-data.js';
import { errors } from './errors.js';

/** V8's young generation of each worker: as the store's threads (sqlite/worker-limits.ts), it would grow to 48 MB an isolate. */
const WORKER_LIMITS: ResourceLimits = Object.freeze({ maxYoungGenerationSizeMb: 16 });

interface Pending {
  resolve: (answer: { batch: NormalizedBatch; prepared: unknown }) => void;
  reject: (err: unknown) => void;
}

class IngestThread {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  readonly ready: Promise<void>;

  constructor(url: URL, data: IngestWorkerData, limits: ResourceLimits, private readonly failed: (thread: IngestThread, reason: string) => void) {
    this.worker = new Worker(url, { workerData: data, resourceLimits: limits });
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.worker.once('error', onError);
      this.worker.once('message', () => {
        this.worker.off('error', onError);
        this.worker.on('message', (answer: IngestJobAnswer) => this.settle(answer));
        this.worker.on('error', (err) => this.failed(this, err.message));
        this.worker.on('exit', (code) => this.failed(this, `it exited with code ${code}`));
        resolve();
      });
    });
  }

  run(job: IngestJob): Promise<{ batch: NormalizedBatch; prepared: unknown }> {
    return new Promise((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage(job);
    });
  }

  private settle(answer: IngestJobAnswer): void {
    const pending = this.pending.get(answer.id);
    if (!pending) return;
    this.pending.delete(answer.id);
    if (this.pending.size === 0) this.worker.unref();
    if (answer.ok) pending.resolve({ batch: answer.batch, prepared: answer.prepared });
    else pending.reject(errors.workerFailed(answer.message));
  }
}

export class IngestWorkers implements IngestPool {
  private readonly threads: IngestThread[] = [];
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly data: IngestWorkerData,
    private readonly commitFn: (prepared: unknown) => Promise<WriteResult>,
    private readonly onFailure: (reason: string) => void,
    private readonly limits: ResourceLimits,
  ) {}

  /**
   * Starts `count` workers; resolves once each has loaded the store's
   * preparer. `limits`: V8's, for each worker (a test runs one out of memory).
   */
  static async start(
    count: number,
    data: IngestWorkerData,
    commit: (prepared: unknown) => Promise<WriteResult>,
    onFailure: (reason: string) => void,
    limits: ResourceLimits = WORKER_LIMITS,
  ): Promise<IngestWorkers> {
    const pool = new IngestWorkers(data, commit, onFailure, limits);
    for (let i = 0; i < count; i++) pool.threads.push(pool.spawn());
    try {
      await Promise.all(pool.threads.map((t) => t.ready));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  async prepare(items: readonly IngestItem[], receivedAt: number, wantEvents: boolean): Promise<{ batch: NormalizedBatch; prepared: unknown } | undefined> {
    const first = items[0];
    if (this.closed || first === undefined || first.kind !== 'line') return undefined;
    const body = first.body;
    const n = items.length;
    const refs = new Int32Array(n);
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const item = items[i]!;
      if (item.kind !== 'line' || item.body !== body) return undefined;
      refs[i] = item.ref;
      starts[i] = item.start;
      ends[i] = item.end;
    }
    let thread = this.threads[0]!;
    for (const t of this.threads) if (t.pending.size < thread.pending.size) thread = t;
    // Every worker busy: this thread normalizes the request itself rather
    // than queue it, so N workers and this thread take N + 1 requests at
    // once (one worker on two cores is two requests at a time).
    if (thread.pending.size > 0) return undefined;
    return thread.run({ id: this.nextId++, body, refs, starts, ends, receivedAt, wantEvents });
  }

  commit(prepared: unknown): Promise<WriteResult> {
    return this.commitFn(prepared);
  }

  /** Ends the workers; a request still on one fails (retryable). */
  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads.splice(0);
    await Promise.all(threads.map(async (t) => {
      t.worker.removeAllListeners('exit');
      for (const p of t.pending.values()) p.reject(errors.workerFailed('the server is closing'));
      t.pending.clear();
      await t.worker.terminate();
    }));
  }

  private spawn(): IngestThread {
    return new IngestThread(new URL('./ingest.worker.js', import.meta.url), this.data, this.limits, (thread, reason) => this.failed(thread, reason));
  }

  private failed(thread: IngestThread, reason: string): void {
    const at = this.threads.indexOf(thread);
    if (at < 0) return;
    for (const p of thread.pending.values()) p.reject(errors.workerFailed(reason));
    thread.pending.clear();
    thread.worker.removeAllListeners('exit');
    void thread.worker.terminate();
    this.onFailure(reason);
    if (this.closed) {
      this.threads.splice(at, 1);
      return;
    }
    // Its requests were refused (the senders retry); the next ones go to a new one.
    this.threads[at] = this.spawn();
    this.threads[at].ready.catch((err: unknown) => this.onFailure(`an ingest worker failed to start again: ${err instanceof Error ? err.message : String(err)}`));
  }
}
