/**
 * Runs merges (block-merge.ts) on the writing thread between group
 * commits: one merge per turn of the event loop, so a write that arrives
 * meanwhile waits for at most one merge, never for a whole backlog. After
 * IDLE_MERGE_MS without a write, the partitions written since are folded
 * completely (late and last events of a day).
 */
import { partitionFileName } from '../sqlite/partition-name.js';
import type { PartitionPool } from '../sqlite/partition-pool.js';
import { buildMerge, commitMerge, pickMerge } from './block-merge.js';
import type { BlockPartition } from './block-partition.js';

export const IDLE_MERGE_MS = 1000;

export interface MergeSchedulerDeps {
  pool: PartitionPool<BlockPartition>;
  textFields: readonly string[];
  /** Writes are waiting: merges yield to them. */
  busy: () => boolean;
  /** Blocks a merge deleted (the writer's dedupe cache forgets them). */
  merged: (db: BlockPartition, sources: readonly number[]) => void;
  /** A merge failed (its sources are left as they were): the store notes a damaged file. */
  failed?: (partition: string, file: string, err: unknown) => void;
}

export class MergeScheduler {
  /** Partitions that may have something to merge, by name → whether to fold everything small. */
  private readonly dirty = new Map<string, boolean>();
  /** Partitions written since the last idle fold. */
  private readonly recent = new Set<string>();
  private scheduled = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private stopped = false;
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

  /** One merge in some dirty partition; false when there was nothing left to do. */
  private step(): boolean {
    for (const [name, fold] of this.dirty) {
      const handle = this.deps.pool.known.get(name);
      if (!handle) {
        this.dirty.delete(name);
        continue;
      }
      try {
        const db = handle.db;
        const sources = pickMerge(db.headers(), fold);
        if (!sources) {
          this.dirty.delete(name);
          continue;
        }
        const built = buildMerge(db, sources, this.deps.textFields);
        if (commitMerge(db, built, this.textFieldsJson)) {
          this.merges++;
          this.deps.merged(db, built.sources);
        }
        return true;
      } catch (err) {
        // A merge is an optimization: a failed one leaves the sources as they
        // were. Dropped silently, a damaged block went unnoticed until a
        // search happened to read it, its merges failing at every write.
        this.dirty.delete(name);
        this.deps.failed?.(name, handle.file, err);
      }
    }
    return false;
  }

  private knownNames(): string[] {
    return [...this.deps.pool.known.keys()];
  }
}

function fileName(db: BlockPartition): string {
  return partitionFileName(db.key);
}
