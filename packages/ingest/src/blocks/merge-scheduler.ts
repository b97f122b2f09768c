/**
 * Runs merges (block-merge.ts) on the writing thread between group
 * commits: one merge per turn of the event loop, so a write that arrives
 * meanwhile waits for at most one merge, never for a whole backlog. After
 * IDLE_MERGE_MS without a write, the partitions written since are folded
 * completely (late and last events of a day).
 *
 * A merge that fails leaves its sources as they were (nothing is lost).
 * Failed on damage, its partition is noted damaged (`damaged`); failed
 * otherwise (disk full, a file it may not write, a bug), the partition's
 * merges wait RETRY_FIRST_MS, then twice as long after each failure up to
 * RETRY_MAX_MS, whatever is written meanwhile (a merge that fails the same
 * way at every commit would cost its decoding each time), and `report`
 * says so, and says when one succeeds again.
 */
import { partitionFileName } from '../sqlite/partition-name.js';
import type { PartitionPool } from '../sqlite/partition-pool.js';
import { isCorruption } from '../sqlite/partition-damage.js';
import type { StoreBackgroundEvent } from '../store/log-store.js';
import { buildMerge, commitMerge, pickMerge } from './block-merge.js';
import type { BlockPartition } from './block-partition.js';

export const IDLE_MERGE_MS = 1000;
/** The wait before a partition's merges are tried again after their first failure (not damage). */
export const RETRY_FIRST_MS = 5_000;
/** The longest wait between tries of a partition whose merges keep failing. */
export const RETRY_MAX_MS = 300_000;

export interface MergeSchedulerDeps {
  pool: PartitionPool<BlockPartition>;
  textFields: readonly string[];
  /** Writes are waiting: merges yield to them. */
  busy: () => boolean;
  /** Blocks a merge deleted (the writer's dedupe cache forgets them). */
  merged: (db: BlockPartition, sources: readonly number[]) => void;
  /** A merge failed on damage (its sources are left as they were): the store notes a damaged file. */
  damaged?: (partition: string, file: string, err: unknown) => void;
  /** A merge failed otherwise, or succeeded after failing (the server logs and counts it). */
  report?: (event: StoreBackgroundEvent) => void;
}

/** A partition whose merges failed (not on damage), waiting to be tried again. */
interface Failing {
  failures: number;
  /** Its wait is over (set by its timer: a timer may fire a little before Date.now() says it should). */
  due: boolean;
  timer: NodeJS.Timeout;
}

export class MergeScheduler {
  /** Partitions that may have something to merge, by name → whether to fold everything small. */
  private readonly dirty = new Map<string, boolean>();
  /** Partitions written since the last idle fold. */
  private readonly recent = new Set<string>();
  private scheduled = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly failing = new Map<string, Failing>();
  private readonly textFieldsJson: string;
  /** Merges done (tests and metrics). */
  merges = 0;

  constructor(private readonly deps: MergeSchedulerDeps) {
    this.textFieldsJson = JSON.stringify(deps.textFields);
  }

  written(dbs: readonly BlockPartition[]): void {
    if (this.stopped) return;
    for (const db of dbs) {
      const name = fileName(db);
      this.recent.add(name);
      if (!this.dirty.has(name)) this.dirty.set(name, false);
    }
    this.schedule();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.idle(), IDLE_MERGE_MS);
    this.idleTimer.unref();
  }

  /** Runs every merge there is now, folding everything small (tests; close does not wait for merges). */
  drain(): void {
    for (const name of this.knownNames()) this.dirty.set(name, true);
    while (this.step()) {
      // one merge per call
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    for (const f of this.failing.values()) clearTimeout(f.timer);
  }

  private idle(): void {
    this.idleTimer = null;
    for (const name of this.recent) this.dirty.set(name, true);
    this.recent.clear();
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped || this.dirty.size === 0) return;
    this.scheduled = true;
    const tick = (): void => {
      this.scheduled = false;
      if (this.stopped) return;
      if (this.deps.busy()) {
        // A write is queued for this turn: let it go first.
        this.schedule();
        return;
      }
      if (this.step()) this.schedule();
    };
    // A timer, not setImmediate: the batch writer's flush is queued with
    // setImmediate and must run before the next merge.
    setTimeout(tick, 0).unref();
  }

  /** One merge in some dirty partition; false when there was nothing left to do (or only partitions waiting after a failure). */
  private step(): boolean {
    for (const [name, fold] of this.dirty) {
      const handle = this.deps.pool.known.get(name);
      const failing = this.failing.get(name);
      if (!handle) {
        this.dirty.delete(name);
        if (failing) this.recovered(name, failing, true);
        continue;
      }
      // Left dirty: the timer set at its failure schedules it again.
      if (failing && !failing.due) continue;
      try {
        // A merge writes: a file this process may only read is refused (LS_STORE_PARTITION_DENIED), not read-only.
        const db = handle.open(false, 'write');
        const sources = pickMerge(db.headers(), fold);
        if (!sources) {
          this.dirty.delete(name);
          if (failing) this.recovered(name, failing);
          continue;
        }
        const built = buildMerge(db, sources, this.deps.textFields);
        if (commitMerge(db, built, this.textFieldsJson)) {
          this.merges++;
          this.deps.merged(db, built.sources);
        }
        if (failing) this.recovered(name, failing);
        return true;
      } catch (err) {
        if (isCorruption(err)) {
          // Dropped silently, a damaged block went unnoticed until a search
          // happened to read it, its merges failing at every write.
          this.dirty.delete(name);
          if (failing) this.recovered(name, failing);
          this.deps.damaged?.(name, handle.file, err);
        } else {
          this.failed(name, failing, err);
        }
      }
    }
    return false;
  }

  /**
   * Holds the partition's merges back (it stays dirty) and says why. Until
   * 2026-12-07 such a failure was dropped without a word: no log line, no
   * metric, and the partition merged again only when written again.
   */
  private failed(name: string, before: Failing | undefined, err: unknown): void {
    const failures = (before?.failures ?? 0) + 1;
    const retryInMs = Math.min(RETRY_FIRST_MS * 2 ** (failures - 1), RETRY_MAX_MS);
    const entry: Failing = {
      failures,
      due: false,
      timer: setTimeout(() => {
        entry.due = true;
        this.schedule();
      }, retryInMs),
    };
    entry.timer.unref();
    this.failing.set(name, entry);
    this.dirty.set(name, true);
    this.deps.report?.({ kind: 'merge-failed', partition: name, errorType: errorType(err), message: err instanceof Error ? err.message : String(err), failures, retryInMs });
  }

  /** `gone`: the partition is no more (retention removed it), which is not its merges working again. */
  private recovered(name: string, failing: Failing, gone = false): void {
    clearTimeout(failing.timer);
    this.failing.delete(name);
    this.deps.report?.({ kind: 'merge-recovered', partition: name, failures: failing.failures, ...(gone ? { gone } : {}) });
  }

  private knownNames(): string[] {
    return [...this.deps.pool.known.keys()];
  }
}

function fileName(db: BlockPartition): string {
  return partitionFileName(db.key);
}

/**
 * A bounded name for what failed (a metric's label): SQLite's result code
 * (SQLITE_FULL, SQLITE_IOERR_WRITE, SQLITE_READONLY), a system call's
 * (ENOSPC, EACCES), a store error's code, else `error`.
 */
function errorType(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(SQLITE_[A-Z_]+|E[A-Z0-9]+|LS_[A-Z_]+)$/.test(code) ? code : 'error';
}
