/**
 * An answer's `commit_mark`: `<boot>.<seq>`, where the live feed numbers
 * every committed event in commit order (live-feed.ts). The search page
 * adds to an answer's figures the live events above its mark, not those at
 * or below it (the figures have no ids to set doubles apart), so the mark
 * must say which commits the answer holds.
 *
 * On the embedded stores it says exactly: their writer counts the events
 * it commits in memory shared with the reader threads (packages/ingest
 * sqlite/commit-count.ts), and a read takes its snapshots of every
 * partition of its range where no commit falls between them, then tells
 * how many events they hold (read-cut.ts; a split query's two lanes at one
 * count). The mark is that count: every event numbered at or below it is
 * in the answer when it matches its query and range, none above it is.
 * Ingest numbers the same events (stored, or named committed in a
 * refusal; not duplicates, drops or refused ones) in the same order, as
 * the writer's answers reach the main thread one after another: the
 * answer waits for the feed to have numbered as many (just after; at most
 * CUT_NUMBERED_WAIT_MS, else marks are taken as below for CUT_PAUSE_MS).
 *
 * Else (Elasticsearch; a read with no cut: a range wider than half the
 * connections a reader thread keeps, a writer that never let a cut be
 * taken, lanes cut apart) the mark is the feed's last number taken as late
 * as the read lets it be: as the read's first step is posted to a reader
 * thread (the embedded stores' pool, sqlite/reader-pool.ts, tells it:
 * read-start.ts), else as the QueryGate gives the read its slot. Ingest
 * publishes an event after its commit, so such a mark errs one way only: a
 * commit the read saw but numbered after the mark (a writer thread's commit
 * the main thread has not yet been told of; one that reaches a partition
 * read later) is counted twice; an event at or below the mark is never
 * missing from the answer, as long as the store's reads see what it
 * acknowledged. Elasticsearch's do not after a failed refresh
 * (`seesAcknowledgedWrites`): then no mark is given, and the page adds
 * every live event as before. test/src/commit-mark-exact.test.ts checks
 * both ways under concurrent ingest (2026-12-07: 56% of the answers held
 * events above the mark of the read's start, up to 45 each; none since
 * the cut).
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
 * Runs `read` in the gate's slot and marks its answer at the count its
 * steps were cut at (read-cut.ts), else as its first step reaches a reader
 * thread (read-start.ts), or as the slot is given for a read that never
 * goes to one. The first start only: each later step sees at least as
 * much, so the mark stays a bound below what the answer holds.
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
  description: 'With a live feed: `<boot>.<seq>`, the commit mark of the last event this read saw committed (see /api/v1/tail\'s ids). '
    + 'A tail event whose id starts with the same boot and a seq at most this one was committed before this read: it is in this answer if it matches its query and range. '
    + 'On the embedded store one above it is not (but after a read over more partitions than a reader thread keeps open, marked as on Elasticsearch); '
    + 'on Elasticsearch, the mark of the last event published as the read began, it may be. '
    + 'Absent when the server cannot say (no feed; Elasticsearch after a failed refresh)',
} as const;
