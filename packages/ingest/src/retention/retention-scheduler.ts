/**
 * Runs `store.enforceRetention` every `interval_ms` until stopped. Runs never
 * overlap (a slow run delays the next one instead of stacking), and the timer
 * is unref'd so it never keeps a process alive on its own.
 */
import type { LogStore, RetentionRunResult } from '../store/log-store.js';

export interface RetentionSchedulerOptions {
  store: Pick<LogStore, 'enforceRetention'>;
  interval_ms: number;
  now?: () => number;
  /** Called after every successful run (log it, update metrics). */
  onRun?: (result: RetentionRunResult, startedAt: number) => void;
  /** Called when a run fails; the scheduler keeps going. */
  onError?: (err: unknown) => void;
}

export interface RetentionScheduler {
  /** Runs retention now (waits for a run already in progress first). */
  runNow(): Promise<RetentionRunResult>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * setTimeout's longest delay (~24.8 days). A longer one is taken as 1 ms:
 * `check_interval_s: 3000000` ran retention hundreds of times a second. A
 * longer interval waits this long instead.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function startRetentionScheduler(opts: RetentionSchedulerOptions): RetentionScheduler {
  const now = opts.now ?? Date.now;
  let running: Promise<RetentionRunResult> | null = null;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const run = async (): Promise<RetentionRunResult> => {
    while (running) await running.catch(() => undefined);
    const startedAt = now();
    const current = opts.store.enforceRetention(startedAt);
    running = current;
    try {
      const result = await current;
      opts.onRun?.(result, startedAt);
      return result;
    } finally {
      running = null;
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      run()
        .catch((err: unknown) => opts.onError?.(err))
        .finally(schedule);
    }, Math.min(opts.interval_ms, MAX_TIMER_MS));
    timer.unref();
  };
  schedule();

  return {
    runNow: run,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) await running.catch(() => undefined);
    },
  };
}
