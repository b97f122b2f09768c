/**
 * Admission and deadlines for queries, so that a burst of searches or one
 * expensive query cannot take the server down or starve ingest:
 *
 *   request ─► slot free? ─yes─► run with an AbortSignal that fires at the deadline
 *                 │ no                └─ deadline passed ─► 503 LS_API_QUERY_TIMEOUT
 *                 ▼
 *              queue (bounded) ─ full ─► 503 LS_API_TOO_MANY_QUERIES + Retry-After
 */
import { apiErrors, type ApiError } from './api-error.js';

export interface QueryGateOptions {
  /** Queries running at once. */
  maxConcurrent: number;
  /** Queries waiting for a slot; beyond it the answer is 503. */
  maxQueued: number;
  /** Per-query deadline, including time spent queued. */
  timeoutMs: number;
}

export class QueryGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly opts: QueryGateOptions) {}

  /** Runs `fn` within a slot and the deadline; `fn` receives the signal to pass to the store. */
  async run<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const started = Date.now();
    if (this.running >= this.opts.maxConcurrent) {
      if (this.waiting.length >= this.opts.maxQueued) {
        throw apiErrors.tooManyQueries(this.opts.maxConcurrent + this.opts.maxQueued);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    const remaining = this.opts.timeoutMs - (Date.now() - started);
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      if (remaining <= 0) throw this.timeoutError();
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          ac.abort(this.timeoutError());
          reject(this.timeoutError());
        }, remaining);
      });
      return await Promise.race([fn(ac.signal), deadline]);
    } finally {
      clearTimeout(timer);
      const next = this.waiting.shift();
      // Hand the slot straight to the next waiter; otherwise free it.
      if (next) next();
      else this.running--;
    }
  }

  get stats(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  private timeoutError(): ApiError {
    return apiErrors.queryTimeout(this.opts.timeoutMs);
  }
}
