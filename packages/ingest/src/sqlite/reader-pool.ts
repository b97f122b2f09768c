/**
 * Reads on worker threads. A query is synchronous SQLite work (better-sqlite3
 * has no async API and no interrupt); on the main thread one slow query (a
 * wildcard on a non-promoted field over 30 days) would block HTTP parsing,
 * ingest and health probes. Each reader worker (reader-thread.worker.ts)
 * holds an inline SqliteStore with its own connections and runs
 * search/count/aggregate exactly as the main thread used to; the main thread
 * only routes requests and results (plain objects: the AST is plain JSON).
 *
 *   main: search(req) ──▶ idle worker ──▶ SqliteStore.searchAt(req, at)
 *         ◀── result ───
 *
 * Cancellation: when a query's `signal` aborts, its worker is terminated
 * (the only way to stop a running statement) and replaced by a fresh one;
 * the query rejects with LS_STORE_QUERY_ABORTED. A query still waiting for a
 * worker just leaves the queue. Other queries are unaffected.
 *
 * Workers start with the first queries that need them, not with the store
 * (up to `size`, one more for each query waiting that no thread starting
 * will take): a server that only ingests keeps no reader isolate (~14 MB
 * of RSS each; 1M events over HTTP on the block store, peak RSS 273–278 →
 * 254–258 MiB). A thread that fails to start fails the query it was
 * started for, with its own error.
 *
 * Workers are ref'd only while a query runs on them, so an idle store never
 * keeps the process alive.
 *
 * A query's read starts when its job is posted to a thread, not when it is
 * asked: it may wait here behind others (two threads; the HTTP gate lets 4
 * reads in), or for a thread to start (~0.1–1 s), and what commits
 * meanwhile is in its answer. The read's owner is told then (@logship/query
 * read-start.ts: the answer's `commit_mark` is taken there when the read
 * tells no cut), just before the post, so that the thread sees every
 * commit published before. So a job is posted only to a thread whose store
 * is open: posted to one still starting, its read would begin when the
 * thread is ready, long after. A read whose owner takes its cut
 * (@logship/query read-cut.ts) has the thread tell it with the answer
 * (commit-count.ts).
 */
import { Worker } from 'node:worker_threads';
import { WORKER_LIMITS } from './worker-limits.js';
import { addLeftOut, leftOutList, QueryError, readCuts, QuerySyntaxError, readStartHook, type LeftOutPartition, type ReadStartHook } from '@logship/query/core';
import type { RetentionConfig } from '../retention/retention-config.js';
import { STORE_ERROR_CODES, storeError, type StoreError, type StoreErrorCode } from '../store/store-error.js';
import type { DamagedPartition } from './partition-damage.js';

/**
 * searchPart, countPart, aggregatePart: a lane of one query split between
 * threads (blocks/split-query.ts); fields, fieldValues: the fields API's
 * sample counted where the events are (blocks/block-fields.ts). Only the block store's threads
 * answer them. groupPass: every group's aggregation in one scan (group-pass.ts), both stores'.
 */
export type ReaderOp = 'search' | 'count' | 'aggregate' | 'searchPart' | 'countPart' | 'aggregatePart' | 'fields' | 'fieldValues' | 'groupPass';

export interface ReaderThreadOptions {
  dataDir: string;
  retention: RetentionConfig;
  searchWalkRows?: number;
  rollups: boolean;
  textFields?: readonly string[];
  /** The block store's column cache per thread (blocks/column-cache.ts); the row store has none. */
  columnCacheBytes?: number;
  /** The limit on a terms aggregation's distinct values, when not the default (tests). */
  maxTermsKeys?: number;
  /** Values a percentiles pass keeps, when not the default (tests). */
  percentileValues?: number;
  /** Connections the thread keeps open at most, when not the default (tests). */
  maxOpenPartitions?: number;
  /** The main thread's store's count of events committed (commit-count.ts), by which reads are cut. */
  commitCount?: SharedArrayBuffer;
}

/** What crosses to the worker: the request without its signal, and the clock reading. */
export interface ReaderRequest {
  id: number;
  /** refresh: re-read the folder; damaged: `req.found` were found damaged elsewhere (both unanswered). */
  op: ReaderOp | 'refresh' | 'damaged';
  req: Record<string, unknown>;
  at: number;
  /**
   * What the read has left out so far (@logship/query read-left-out.ts:
   * partitions locked by another process, which the thread then skips
   * without waiting for them again); absent when the read's owner cannot
   * say what it leaves out, and the thread fails on a lock as before.
   */
  leftOut?: LeftOutPartition[];
  /** The read's owner takes its cut (@logship/query read-cut.ts): the thread says it. */
  cut?: true;
}

/**
 * damaged: partitions the thread found damaged inside while answering (partition-damage.ts);
 * leftOut: what the read has left out, with what it was sent (its owner's answer names them);
 * cut: where its snapshots were cut, when asked (null: at no one count).
 */
export type ReaderResponse =
  | { id: number; ok: true; result: unknown; damaged?: DamagedPartition[]; leftOut?: LeftOutPartition[]; cut?: number | null }
  | { id: number; ok: false; error: SerializedError; damaged?: DamagedPartition[]; leftOut?: LeftOutPartition[] };

export interface SerializedError {
  name?: string;
  code?: string;
  message: string;
  /** QueryError's own fields (offset, line, column, expected...), copied as they are. */
  fields?: Record<string, unknown>;
}

interface Job {
  id: number;
  op: ReaderOp;
  req: Record<string, unknown>;
  at: number;
  signal: AbortSignal | undefined;
  /** The thread (by start order) this job would rather run on, when it is idle. */
  lane: number | undefined;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  onAbort: (() => void) | null;
  /** The read's owner, told as the job is posted to a thread (read-start.ts); undefined once told. */
  started: ReadStartHook | undefined;
  /** The read's list of what it left out (read-left-out.ts), when its owner keeps one. */
  leftOut: LeftOutPartition[] | undefined;
  /** The read's cuts (read-cut.ts), when its owner takes them. */
  cuts: (number | null)[] | undefined;
}

class ReaderWorker {
  readonly worker: Worker;
  job: Job | null = null;
  dead = false;
  /** Its store is open: it takes jobs. */
  ready = false;
  /** Why the thread could not open its store, once it said so. */
  startError: Error | null = null;

  constructor(
    opts: ReaderThreadOptions,
    workerUrl: URL,
    /** The job it was started for, failed with its error if it cannot start (and still waits). */
    readonly startedFor: Job | undefined,
    onReady: (w: ReaderWorker) => void,
    onMessage: (w: ReaderWorker, msg: ReaderResponse) => void,
    onDeath: (w: ReaderWorker, reason: string) => void,
  ) {
    this.worker = new Worker(workerUrl, { workerData: opts, resourceLimits: WORKER_LIMITS });
    this.worker.once('message', (msg: { ready?: boolean; error?: SerializedError }) => {
      if (msg.ready) {
        this.ready = true;
        this.worker.on('message', (m: ReaderResponse) => onMessage(this, m));
        onReady(this);
      } else {
        this.startError = rebuildError(msg.error ?? { message: 'a reader thread failed to start' });
      }
    });
    this.worker.on('error', (err) => onDeath(this, `a reader thread failed: ${err.message}`));
    this.worker.on('exit', (code) => onDeath(this, `a reader thread exited with code ${code}`));
  }
}

export class ReaderPool {
  private readonly workers: ReaderWorker[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly opts: ReaderThreadOptions,
    readonly size: number,
    /** The worker module (the row store's; the block store passes its own, which answers the same requests). */
    private readonly workerUrl: URL = new URL('./reader-thread.worker.js', import.meta.url),
    /** Told of the partitions a thread found damaged inside. */
    private readonly onDamaged: (found: DamagedPartition[]) => void = () => {},
  ) {}

  /** Reader threads alive now (starting, idle or busy). */
  get threads(): number {
    return this.workers.length;
  }

  /**
   * lane: the thread (by start order) to run on when it is idle or not yet
   * started, so the lanes of a split query land on both threads, each
   * where its half's columns were cached last time; any idle thread
   * otherwise.
   */
  run(op: ReaderOp, req: { signal?: AbortSignal | undefined }, at: number, lane?: number): Promise<unknown> {
    if (this.closed) return Promise.reject(storeError('LS_STORE_CLOSED', 'the store was closed'));
    const signal = req.signal;
    if (signal?.aborted) return Promise.reject(aborted(signal));
    const { signal: _drop, ...plain } = req;
    // Captured here: run is called in the read's async context, dispatch
    // may run in another read's (the settle that frees a thread).
    let started = readStartHook();
    const leftOut = leftOutList();
    const cuts = readCuts();
    // A lane's days were listed on this thread just now (split-query.ts):
    // a day made later is not in its answer however late the lane starts,
    // so its read counts as started here, as the listing was.
    if (lane !== undefined) {
      started?.();
      started = undefined;
    }
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, op, req: plain, at, signal, lane, resolve, reject, onAbort: null, started, leftOut, cuts };
      if (signal) {
        job.onAbort = () => this.abort(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  /**
   * Asks every thread to re-read the folder (after retention deleted files),
   * so that none keeps a deleted file's space in use until its next query.
   * Unanswered; a busy thread does it after its query.
   */
  refreshAll(): void {
    for (const w of this.workers) if (!w.dead) w.worker.postMessage({ id: 0, op: 'refresh', req: {}, at: 0 } satisfies ReaderRequest);
  }

  /** Partitions found damaged elsewhere (a merge, another reader thread), each with its file's identity then. */
  private readonly damaged = new Map<string, DamagedPartition>();

  /**
   * Tells every thread, and those started later, of partitions found
   * damaged elsewhere, before any query posted after this: a thread that
   * was not told read them until it met the damage itself, so its answers
   * counted a partition their warnings said was left out, and differed
   * from another thread's. Unanswered.
   */
  tellDamaged(found: readonly DamagedPartition[]): void {
    if (found.length === 0) return;
    for (const d of found) this.damaged.set(d.partition, d);
    for (const w of this.workers) if (!w.dead) this.postDamaged(w, found);
  }

  private postDamaged(w: ReaderWorker, found: readonly DamagedPartition[]): void {
    w.worker.postMessage({ id: 0, op: 'damaged', req: { found }, at: 0 } satisfies ReaderRequest);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) this.finish(job, storeError('LS_STORE_CLOSED', 'the store was closed'));
    for (const w of this.workers) {
      if (w.job) this.finish(w.job, storeError('LS_STORE_CLOSED', 'the store was closed'));
      w.job = null;
      w.dead = true;
    }
    const workers = this.workers.splice(0);
    // An unref'd worker's exit would not keep the loop alive to be awaited.
    await Promise.all(
      workers.map((w) => {
        w.worker.ref();
        return w.worker.terminate();
      }),
    );
  }

  /** A thread for a waiting job: ref'd while it starts, as the job would keep the process alive. */
  private start(startedFor: Job | undefined): void {
    const w = new ReaderWorker(
      this.opts,
      this.workerUrl,
      startedFor,
      (w) => {
        w.worker.unref();
        this.dispatch();
      },
      (w, msg) => this.settle(w, msg),
      (w, reason) => this.died(w, reason),
    );
    // Queued before its first query (a thread handles its messages in order).
    if (this.damaged.size > 0) this.postDamaged(w, [...this.damaged.values()]);
    this.workers.push(w);
  }

  /** Waiting jobs to the threads ready for them (any of them, in order), then threads for the rest, up to size. */
  private dispatch(): void {
    if (this.closed) return;
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i] as Job;
      const w = this.threadFor(job);
      if (!w) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      w.job = job;
      w.worker.ref();
      // Before the post: the thread's snapshot then holds all it was told of.
      job.started?.();
      job.started = undefined;
      w.worker.postMessage({ id: job.id, op: job.op, req: job.req, at: job.at, ...(job.leftOut ? { leftOut: job.leftOut } : {}), ...(job.cuts ? { cut: true as const } : {}) } satisfies ReaderRequest);
    }
    let starting = this.workers.filter((w) => !w.ready).length;
    while (starting < this.queue.length && this.workers.length < this.size) this.start(this.queue[starting++]);
  }

  /** The idle thread a job goes to now, if any: its lane's, else any (a lane's thread still to start, or starting, is waited for). */
  private threadFor(job: Job): ReaderWorker | undefined {
    const idle = (w: ReaderWorker): boolean => w.ready && !w.job && !w.dead;
    if (job.lane !== undefined) {
      const preferred = this.workers[job.lane];
      if (preferred && idle(preferred)) return preferred;
      if (preferred ? !preferred.ready : this.workers.length < this.size) return undefined;
    }
    return this.workers.find(idle);
  }

  private settle(w: ReaderWorker, msg: ReaderResponse): void {
    const job = w.job;
    if (!job || job.id !== msg.id) return;
    w.job = null;
    w.worker.unref();
    if (msg.damaged && msg.damaged.length > 0) this.onDamaged(msg.damaged);
    if (job.leftOut && msg.leftOut) addLeftOut(job.leftOut, msg.leftOut);
    if (msg.ok && job.cuts) job.cuts.push(msg.cut ?? null);
    if (msg.ok) this.finish(job, null, msg.result);
    else this.finish(job, rebuildError(msg.error));
    this.dispatch();
  }

  private abort(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(job, aborted(job.signal));
      return;
    }
    const w = this.workers.find((x) => x.job === job);
    if (!w) return;
    // better-sqlite3 cannot interrupt a statement: the thread goes, a fresh
    // one takes its place.
    this.replace(w);
    this.finish(job, aborted(job.signal));
  }

  private died(w: ReaderWorker, reason: string): void {
    if (w.dead || this.closed) return;
    // One that never started fails the job it was started for, if still
    // waiting: threads that cannot start cost a query each, never a loop.
    let job = w.job;
    const waiting = !w.ready && w.startedFor ? this.queue.indexOf(w.startedFor) : -1;
    if (!job && waiting >= 0) job = this.queue.splice(waiting, 1)[0] as Job;
    this.replace(w);
    // A thread that could not open its store says why.
    if (job) this.finish(job, w.startError ?? storeError('LS_STORE_QUERY_FAILED', reason));
  }

  /** Terminates a worker. A query still queued gets a fresh one. */
  private replace(w: ReaderWorker): void {
    w.dead = true;
    w.job = null;
    void w.worker.terminate().catch(() => undefined);
    const i = this.workers.indexOf(w);
    if (i >= 0) this.workers.splice(i, 1);
    this.dispatch();
  }

  private finish(job: Job, err: unknown, result?: unknown): void {
    if (job.onAbort && job.signal) job.signal.removeEventListener('abort', job.onAbort);
    job.onAbort = null;
    if (err) job.reject(err);
    else job.resolve(result);
  }
}

function aborted(signal: AbortSignal | undefined): StoreError {
  const reason = signal?.reason as unknown;
  const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
  return storeError('LS_STORE_QUERY_ABORTED', why, reason);
}

/** Errors as plain data, keeping store and query error types and fields. */
export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) if (k !== 'code' && k !== 'cause') fields[k] = v;
  let name = err.name;
  if (err instanceof QuerySyntaxError) name = 'QuerySyntaxError';
  else if (err instanceof QueryError) name = 'QueryError';
  return { name, ...(typeof code === 'string' ? { code } : {}), message: err.message, fields };
}

function rebuildError(error: SerializedError): Error {
  let err: Error;
  if (error.code && Object.hasOwn(STORE_ERROR_CODES, error.code)) {
    err = storeError(error.code as StoreErrorCode, '');
  } else if (error.name === 'QuerySyntaxError' || error.name === 'QueryError') {
    const proto = error.name === 'QuerySyntaxError' ? QuerySyntaxError.prototype : QueryError.prototype;
    err = Object.create(proto) as Error;
    Object.defineProperty(err, 'stack', { value: `${error.name}: ${error.message}`, writable: true, configurable: true });
    Object.assign(err, error.fields ?? {}, { code: error.code });
  } else {
    err = storeError('LS_STORE_QUERY_FAILED', error.message);
  }
  err.message = error.message;
  return err;
}
