/**
 * Tells a read's owner when the read reaches the thread that answers it.
 * The HTTP routes take an answer's `commit_mark` (http/commit-mark.ts),
 * when its read tells no cut (read-cut.ts), as late as they can while
 * still at or before the read's snapshot: a reader
 * pool (packages/ingest sqlite/reader-pool.ts) may hold a read in its
 * queue long after the query gate let it in, and commits published
 * meanwhile are in its answer. The pool calls the hook in scope when it
 * hands the read's job to a thread; a read that never goes through one
 * (Elasticsearch, a store without reader threads) never calls it.
 *
 * In core, not beside commit-mark.ts: the pool is loaded by the stores'
 * worker threads, which load core only. An AsyncLocalStorage rather than
 * a field of every LogReader request: the store methods between the route
 * and the pool stay as they are, and a read's later steps (a split
 * query's second lane, a `by` aggregation's groups) find the same hook.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Called as a step of the read is handed to a reader thread, before the thread can see anything. */
export type ReadStartHook = () => void;

const hooks = new AsyncLocalStorage<ReadStartHook>();

/** Runs `read` with `hook` in scope for every step it starts, however deep in its async calls. */
export function withReadStart<T>(hook: ReadStartHook, read: () => T): T {
  return hooks.run(hook, read);
}

/** The hook of the read running now, if its owner set one. */
export function readStartHook(): ReadStartHook | undefined {
  return hooks.getStore();
}
