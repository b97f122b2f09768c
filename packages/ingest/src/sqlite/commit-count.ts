/**
 * How many events the writer has committed since the store opened, shared
 * by the writer, the reader threads and the main thread (a
 * SharedArrayBuffer), so that a read can say exactly which commits its
 * snapshots hold: an answer's `commit_mark` (@logship/query
 * http/commit-mark.ts), where ingest numbers the same events in the same
 * order on the live feed.
 *
 *   writer:  committing = committed + 1 ─► COMMIT each partition ─►
 *            committing = committed = committed + events landed
 *   reader:  lo = committed ─► begin a read on every partition it reads
 *            ─► committing == lo ? its snapshots hold exactly the first
 *            lo events : end them and try again
 *
 * A read over several partitions takes one SQLite snapshot each (one file
 * each), and a group commit commits its partitions one by one: a cut
 * between two snapshots, or between two of a commit's partitions, fails the
 * check (committing moved), so no cut is told that is not one.
 */

const COMMITTING = 0;
const COMMITTED = 1;
/** Until when (epoch ms) the writer holds its next commit back: the lanes of a split query are taking their snapshots. */
const HOLD_UNTIL = 2;
/** How long the first lane of a split query holds the writer back at most, for the other lane to cut where it did. */
const HOLD_MS = 10;
/** Tries before a read gives up telling a cut (its answer then gets the mark of its start). */
export const CUT_TRIES = 8;
/** From this try on, the writer's next commit is held back while the read cuts. */
const HOLD_FROM_TRY = 3;
/** How long a try waits at most for a commit under way to end. */
const CUT_WAIT_MS = 50;

export class CommitCount {
  private readonly cells: BigInt64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(3 * BigInt64Array.BYTES_PER_ELEMENT)) {
    this.cells = new BigInt64Array(buffer);
  }

  /** Before the first COMMIT of a group commit: reads cut meanwhile try again. */
  opening(): void {
    this.heldBack();
    const done = Atomics.load(this.cells, COMMITTED);
    if (Atomics.load(this.cells, COMMITTING) === done) Atomics.store(this.cells, COMMITTING, done + 1n);
  }

  /** After the group commit's last COMMIT (or failure): `landed` events were committed by it. */
  closing(landed: number): void {
    const n = Atomics.load(this.cells, COMMITTED) + BigInt(landed);
    Atomics.store(this.cells, COMMITTING, n);
    Atomics.store(this.cells, COMMITTED, n);
    Atomics.notify(this.cells, COMMITTED);
  }

  /** Events committed so far. */
  get committed(): number {
    return Number(Atomics.load(this.cells, COMMITTED));
  }

  /**
   * Takes a read's snapshots (`begin`, false when one of them is not the
   * read's own: begun earlier by another read on this thread) where no
   * commit can fall between them, and returns how many events they hold;
   * `end` lets them go for another try. Null when that could not be had:
   * the snapshots `begin` took last are the read's all the same.
   */
  cut(begin: () => boolean, end: () => void, keepHold = false): number | null {
    let holding = false;
    try {
      for (let i = 0; i < CUT_TRIES; i++) {
        // Commits one after another, each landing between a try's check and
        // its snapshots: the later tries hold the writer's next one back.
        if (i >= HOLD_FROM_TRY) {
          this.hold();
          holding = true;
        }
        this.settle();
        const lo = Atomics.load(this.cells, COMMITTED);
        if (!begin()) return null;
        if (Atomics.load(this.cells, COMMITTING) === lo) return Number(lo);
        end();
      }
      begin();
      return null;
    } finally {
      if (holding && !keepHold) this.release();
    }
  }

  /** Holds the writer's next commit back (for HOLD_MS at most). */
  private hold(): void {
    Atomics.store(this.cells, HOLD_UNTIL, BigInt(Date.now() + HOLD_MS));
  }

  private release(): void {
    Atomics.store(this.cells, HOLD_UNTIL, 0n);
    Atomics.notify(this.cells, HOLD_UNTIL);
  }

  /**
   * cut() for one lane of a query split between two reader threads
   * (blocks/split-query.ts), which share `lanes` (newLaneCut): the first
   * lane there holds the writer's next commit back (up to HOLD_MS) and
   * cuts; the other waits for that cut, cuts, and lets the writer go. So
   * both lanes' snapshots are cut at one count, unless the other lane came
   * too late (busy with another query): then their cuts differ, and the
   * answer gets the mark of its start.
   */
  cutLane(begin: () => boolean, end: () => void, lanes: LaneCut): number | null {
    if (Atomics.compareExchange(lanes, LANE_CLAIMED, 0n, 1n) === 0n) {
      this.hold();
      const n = this.cut(begin, end, true);
      Atomics.store(lanes, LANE_CUT, n === null ? NO_CUT : BigInt(n));
      Atomics.notify(lanes, LANE_CUT);
      return n;
    }
    // The first lane is cutting now: its snapshots first, so that this one's come after (or at) them.
    const deadline = performance.now() + HOLD_MS;
    for (let left = HOLD_MS; Atomics.load(lanes, LANE_CUT) === CUTTING && left > 0; left = deadline - performance.now()) {
      Atomics.wait(lanes, LANE_CUT, CUTTING, left);
    }
    try {
      return this.cut(begin, end);
    } finally {
      this.release();
    }
  }

  /** Waits while a split query's first lane holds commits back (at most HOLD_MS). */
  private heldBack(): void {
    for (;;) {
      const until = Atomics.load(this.cells, HOLD_UNTIL);
      const left = Number(until) - Date.now();
      // Further off than a hold lasts: the clock stepped back since it was set (NTP at boot), and
      // waiting for it would stop ingest for as long as the step.
      if (left <= 0 || left > HOLD_MS) return;
      Atomics.wait(this.cells, HOLD_UNTIL, until, Math.min(left, HOLD_MS));
    }
  }

  /** Waits (up to CUT_WAIT_MS) for a commit under way to end. */
  private settle(): void {
    const deadline = performance.now() + CUT_WAIT_MS;
    for (;;) {
      const done = Atomics.load(this.cells, COMMITTED);
      if (Atomics.load(this.cells, COMMITTING) === done) return;
      const left = deadline - performance.now();
      if (left <= 0) return;
      Atomics.wait(this.cells, COMMITTED, done, Math.min(left, 5));
    }
  }
}

/** What the two lanes of a split query share to cut at one count (cutLane): whether one has begun, and its cut. */
export type LaneCut = BigInt64Array;
const LANE_CLAIMED = 0;
const LANE_CUT = 1;
const CUTTING = -1n;
const NO_CUT = -2n;

export function newLaneCut(): LaneCut {
  const lanes = new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT));
  lanes[LANE_CUT] = CUTTING;
  return lanes;
}
