/**
 * When the partitions a writer committed to get their WAL checkpointed and
 * truncated (both embedded formats: batch-writer.ts, blocks/block-writer.ts).
 *
 * SQLite's automatic checkpoint runs every 8000 pages (32 MB) of WAL, so a
 * partition written a little at a time keeps a WAL many times its data. So:
 *
 * - after IDLE_CHECKPOINT_MS without a write (a store at rest: the demo
 *   after Ctrl-C, a burst's end);
 * - and at least every CHECKPOINT_EVERY_MS while writes keep coming, since
 *   a steady trickle never pauses 2 s. The quick start's demo (~50 events/s,
 *   an agent batch a second) held 22 MB of WAL beside 316 KB of data after
 *   150 s, each commit of a few events writing its block's, index's and
 *   rollups' pages whole, and would have grown to 32 MB a partition.
 *
 * Under heavy ingest the automatic checkpoint still comes first; the timed
 * one then adds a checkpoint every 10 s. It runs after the commit's answers
 * have gone out (setImmediate), so it delays the next write, never an
 * acknowledgement.
 */

import type Database from 'better-sqlite3';
import { STATEMENT_BUSY_MS } from './locked-partition.js';

/** A partition connection that can checkpoint and truncate its WAL when no transaction is open. */
export interface Checkpointable {
  checkpointWhenIdle(): void;
}

/**
 * Checkpoints `db`'s WAL into the database and truncates it, when nothing
 * holds it (a partition's checkpointWhenIdle, either format). A reader in
 * the middle of a query makes it give up at once, with no busy wait on the
 * writer's thread; the next idle moment tries again.
 */
export function truncateWalIfFree(db: Database.Database): void {
  if (!db.open || db.inTransaction) return;
  db.pragma('busy_timeout = 0');
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // busy or locked: a later idle checkpoint (or the automatic one) does it
  } finally {
    db.pragma(`busy_timeout = ${STATEMENT_BUSY_MS}`);
  }
}

export const IDLE_CHECKPOINT_MS = 2000;
export const CHECKPOINT_EVERY_MS = 10_000;

export class WalCheckpoints<P extends Checkpointable> {
  /** Partitions committed to since their last checkpoint. */
  private readonly unchecked = new Set<P>();
  private idleTimer: NodeJS.Timeout | null = null;
  /** When the oldest unchecked commit was made (ms, `clock`). */
  private since: number | null = null;
  private due = false;
  private stopped = false;

  /**
   * `busy`: writes are queued (an idle checkpoint then waits for the next
   * pause). `everyMs`: CHECKPOINT_EVERY_MS unless a test shortens it.
   */
  constructor(
    private readonly busy: () => boolean,
    private readonly everyMs: number = CHECKPOINT_EVERY_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Called after each group commit with the partitions it wrote. */
  committed(dbs: Iterable<P>): void {
    for (const db of dbs) this.unchecked.add(db);
    const now = this.clock();
    this.since ??= now;
    if (now - this.since >= this.everyMs && !this.due) {
      this.due = true;
      setImmediate(() => {
        this.due = false;
        this.checkpoint();
      });
    }
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.idle(), IDLE_CHECKPOINT_MS);
    this.idleTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private idle(): void {
    this.idleTimer = null;
    if (!this.busy()) this.checkpoint();
  }

  private checkpoint(): void {
    if (this.stopped) return;
    for (const db of this.unchecked) db.checkpointWhenIdle();
    this.unchecked.clear();
    this.since = null;
  }
}
