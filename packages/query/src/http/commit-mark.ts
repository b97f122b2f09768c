/**
 * An answer's `commit_mark`: the live feed's mark (`<boot>.<seq>`, the
 * last event published) taken just before the store read starts. Ingest
 * publishes an event after its commit, so every live event whose mark has
 * that boot and a seq at most this one was committed before the read: in
 * its answer when it matches the answer's query and range (a new event
 * stamped after the range's end is not, however early it came). The
 * search page adds the other live events to the answer's figures, not
 * these (the figures have no ids to set doubles apart).
 *
 * Taken as late as the read lets it be, so that a read that waited does
 * not hold commits made meanwhile that the mark says are not in it (no
 * harm, but the page counts them twice): as the read's first step is
 * posted to a reader thread (the embedded stores' pool, sqlite/reader-pool.ts
 * in packages/ingest, which the gate's 4 reads wait in for its 2 threads,
 * tells it: read-start.ts), else as the QueryGate gives the read its slot
 * (Elasticsearch, a store without reader threads: nothing waits between).
 * A lane of a split query counts as started when its days are listed, on
 * the main thread (a day made later is not in it). Later steps (the other
 * lane, a `by` aggregation's groups) see at least as much.
 *
 * It errs one way only: a commit the read saw but published after the
 * mark (a writer thread's commit the main thread has not yet been told
 * of; one made while a split query's lane waited for a thread; a
 * partition a long read reaches after a later commit) is counted twice,
 * as before; an event at or below the mark is never missing from the
 * answer, as long as the store's reads see what it acknowledged. Elasticsearch's do not after a failed refresh
 * (`seesAcknowledgedWrites`): then no mark is given, and the page adds
 * every live event as before. test/src/commit-mark-exact.test.ts checks
 * both ways under concurrent ingest (the second as a todo: 2026-12-07, 3
 * runs of its 4 setups, 60% of the answers held events above their mark,
 * up to 256 each, while the mark was taken at the gate; 56%, up to 45
 * each, as the read reaches its thread: the writer thread's window).
 *
 * The page also starts its live tail after the search's mark
 * (`after=<boot>.<seq>:<ms>|…`): the tail then sends exactly what was
 * committed after the read while the feed has a record of it (its latest
 * 50,000 events, whether anyone listened or not; those it does not hold
 * read from the store). Every event committed takes a number for that (one
 * ingest did not publish too, `LocalLiveFeed.skip`), so a mark the feed
 * cannot answer exactly (older than its record, another run's) is answered
 * null, and the tail replays by time instead.
 */
import type { LogReader } from '../log-reader.js';
import { withReadStart } from '../read-start.js';
import { collectingLeftOut, type LeftOutPartition } from '../read-left-out.js';
import { agreedCut, collectingCuts } from '../read-cut.js';
import type { LiveFeed } from './live-feed.js';
import type { QueryGate } from './query-gate.js';

/** How long an answer waits at most for the feed to number the commits its read was cut after (they are on their way to it). */
export const CUT_NUMBERED_WAIT_MS = 1_000;
/** After such a wait ran out, how long answers take the mark of their start without waiting. */
export const CUT_PAUSE_MS = 60_000;

/** Gives marks. */
export interface CommitMarker {
  /** The mark now as text, or undefined when there is none to give. */
  (): string | undefined;
  /** The mark of a read cut at `count` committed events (read-cut.ts), once the feed has numbered them; undefined when it cannot say. */
  cut(count: number): Promise<string | undefined>;
}

/** Without a feed (no tail route, no live events to add), no marks. */
export function commitMarker(feed: LiveFeed | undefined, reader: LogReader): CommitMarker {
  if (!feed) return Object.assign(() => undefined, { cut: () => Promise.resolve(undefined) });
  // Once the feed did not catch up with a cut in time (a main thread
  // blocked that long, or a commit it was never told of), answers take the
  // mark of their start for a while rather than each wait as long.
  let pausedUntil = 0;
  const now = (): string | undefined => {
    if (reader.seesAcknowledgedWrites?.() === false) return undefined;
    const { boot, seq } = feed.mark();
    return `${boot}.${seq}`;
  };
  const cut = async (count: number): Promise<string | undefined> => {
    if (Date.now() < pausedUntil || !feed.reached || reader.seesAcknowledgedWrites?.() === false) return undefined;
    if (!(await feed.reached(count, CUT_NUMBERED_WAIT_MS))) {
      pausedUntil = Date.now() + CUT_PAUSE_MS;
      return undefined;
    }
    return `${feed.mark().boot}.${count}`;
  };
  return Object.assign(now, { cut });
}

/**
 * Runs `read` in the gate's slot with the mark taken as its first step
 * reaches a reader thread (read-start.ts), or as the slot is given for a
 * read that never goes to one. The first start only: each later step sees
 * at least as much, so the mark stays a bound below what the answer holds.
 * `leftOut`: the partitions the read left out for a passing cause (a file
 * another process holds locked: read-left-out.ts), for the answer's
 * warnings (log-reader.ts warningsField).
 */
export async function readMarked<T>(gate: QueryGate, commitMark: CommitMarker, read: (signal: AbortSignal) => Promise<T>): Promise<{ result: T; mark: string | undefined; leftOut: LeftOutPartition[] }> {
  let mark: string | undefined;
  let started = false;
  const leftOut: LeftOutPartition[] = [];
  const cuts: (number | null)[] = [];
  const result = await gate.run((signal) => {
    mark = commitMark();
    return withReadStart(() => {
      if (started) return;
      started = true;
      mark = commitMark();
    }, () => collectingCuts(cuts, () => collectingLeftOut(leftOut, () => read(signal))));
  });
  // Every step cut at one count: the exact mark (when there is a mark at all).
  const count = agreedCut(cuts);
  if (mark !== undefined && count !== undefined) mark = (await commitMark.cut(count)) ?? mark;
  return { result, mark, leftOut };
}

/** The answer's field: `{ commit_mark }`, or nothing. */
export function commitMarkField(mark: string | undefined): { commit_mark?: string } {
  return mark === undefined ? {} : { commit_mark: mark };
}

export const COMMIT_MARK_SCHEMA = {
  type: 'string',
  description: 'With a live feed: `<boot>.<seq>`, the commit mark of the last event published before this read began: before it reached a reader thread, when it waited for one (see /api/v1/tail\'s ids). '
    + 'A tail event whose id starts with the same boot and a seq at most this one was committed before this read: it is in this answer if it matches its query and range. '
    + 'Absent when the server cannot say (no feed; Elasticsearch after a failed refresh)',
} as const;
