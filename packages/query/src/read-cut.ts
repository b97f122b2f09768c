/**
 * Where a read's snapshots were cut: the number of events the store had
 * committed, exactly, when every snapshot the read holds was taken
 * (packages/ingest sqlite/commit-count.ts), told to the read's owner. The
 * HTTP routes turn it into the answer's `commit_mark` (http/commit-mark.ts):
 * ingest numbers every committed event in commit order on the live feed, so
 * the answer holds exactly the events numbered up to the cut.
 *
 * Each step of a read (a query, a split query's lane, a `by`
 * aggregation's groups) adds one entry: its cut, or null when it could not
 * take one (its snapshots are not one cut: a range wider than the
 * connections a thread keeps, a write never stopping long enough). An
 * AsyncLocalStorage as read-left-out.ts, so the store methods between the
 * route and the reader threads stay as they are.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const lists = new AsyncLocalStorage<(number | null)[]>();

/** Runs `read` with `list` taking the cut of every step of it, however deep in its async calls. */
export function collectingCuts<T>(list: (number | null)[], read: () => T): T {
  return lists.run(list, read);
}

/** A step of the read running now was cut at `count` committed events (null: at no one count). */
export function noteReadCut(count: number | null): void {
  lists.getStore()?.push(count);
}

/** The list of the read running now, when its owner takes its cuts (a reader thread's pool hands on what the thread tells). */
export function readCuts(): (number | null)[] | undefined {
  return lists.getStore();
}

/** Whether the read running now has an owner that takes its cuts. */
export function wantsReadCut(): boolean {
  return lists.getStore() !== undefined;
}

/** The one cut every step of a read agrees on, or undefined (no step told one, or they differ). */
export function agreedCut(list: readonly (number | null)[]): number | undefined {
  const first = list[0];
  if (first === undefined || first === null) return undefined;
  return list.every((c) => c === first) ? first : undefined;
}
