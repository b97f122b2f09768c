/**
 * The write path of the SQLite store, run on whichever thread writes:
 *
 *   write(prepared rows) ─► queue ─(next turn)─► flush: for every queued
 *     batch, for each of its partitions: dedupe against stored events ─►
 *     insert into the partition's open transaction
 *   ─► commit each touched partition (one fsync each) ─► answer every batch
 *
 * Group commit: writes arriving in the same turn of the event loop (several
 * HTTP requests in flight) share one transaction and one fsync per
 * partition; each caller still gets its own result, and only once everything
 * is committed.
 *
 * Checking, classifying and building rows happen before (prepare-write.ts),
 * on the thread that received the events.
 */
import path from 'node:path';
import type { WriteResult } from '../store/log-store.js';
import { DAY_MS } from '../retention/retention-config.js';
import { asWriteError, withCommitted } from '../store/store-error.js';
import { withFolderCause } from './partition-folder.js';
import type { EventRow } from './event-row.js';
import type { PartitionDb } from './partition-db.js';
import { dayStartMs, utcDay, type PartitionKey } from './partition-name.js';
import { MAX_OPEN_TRANSACTIONS, type PartitionHandle, type PartitionPool } from './partition-pool.js';
import type { PreparedWrite } from './prepare-write.js';
import { WalCheckpoints } from './wal-checkpoints.js';
import { damagedWriteError, isCorruption } from './partition-damage.js';
import { isLocked, lockedPartitionError } from './locked-partition.js';
import { deniedOr } from './denied-partition.js';
import type { CommitCount } from './commit-count.js';

interface PendingWrite {
  prepared: PreparedWrite;
  resolve: (result: WriteResult) => void;
  reject: (err: unknown) => void;
  /** Its newly inserted rows per partition (indexes into its batch): what it committed if the group's commit is refused in part. */
  parts: { db: PartitionDb; indexes: number[] }[];
}

export interface BatchWriterDeps {
  pool: PartitionPool;
  /** Re-reads the partition folder. */
  refresh: () => void;
  /** WAL checkpoints under steady writes (wal-checkpoints.ts; default CHECKPOINT_EVERY_MS). */
  checkpointEveryMs?: number;
  /** Whether another partition a probe could not read is damaged inside (noted so: ProbedDamage, partition-damage.ts). */
  damagedNeighbour?: (p: PartitionHandle) => boolean;
  /** Told around each group commit's COMMITs, and how many events landed (commit-count.ts). */
  commits?: CommitCount | undefined;
}

export class BatchWriter {
  private pending: PendingWrite[] = [];
  /** Partitions with a transaction open during a group commit. */
  private batch: Set<PartitionDb> | null = null;
  /** Partitions of the flush under way already committed to make room (a batch over many days). */
  private committedEarly: PartitionDb[] = [];
  /**
   * Partitions of the flush under way whose transaction SQLite rolled back
   * whole when an insert failed, with the error to answer: the rows the
   * flush's other writes had put there are gone with it (lostTransaction).
   */
  private lost = new Map<PartitionDb, unknown>();
  private readonly checkpoints: WalCheckpoints<PartitionDb>;

  constructor(private readonly deps: BatchWriterDeps) {
    this.checkpoints = new WalCheckpoints(() => this.pending.length > 0, deps.checkpointEveryMs);
  }

  /** True while `db` holds this writer's uncommitted transaction. */
  holds(db: PartitionDb): boolean {
    return this.batch !== null && this.batch.has(db);
  }

  write(prepared: PreparedWrite): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      this.pending.push({ prepared, resolve, reject, parts: [] });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Applies and commits every queued write now (also called by close()). */
  flush(): void {
    const writes = this.pending.splice(0);
    if (writes.length === 0) return;
    const batch = new Set<PartitionDb>();
    const done: { write: PendingWrite; result: WriteResult }[] = [];
    const failed: { write: PendingWrite; err: unknown }[] = [];
    try {
      this.deps.refresh();
    } catch (err) {
      for (const w of writes) w.reject(asWriteError(err));
      return;
    }
    this.batch = batch;
    for (const write of writes) {
      try {
        done.push({ write, result: this.apply(write.prepared, write.parts) });
      } catch (err) {
        // Its rows for the partitions before the failing one sit in the open
        // transactions and are committed with the others: its refusal names
        // them (withCommitted), since a retry finds them as duplicates.
        failed.push({ write, err: asWriteError(withFolderCause(err, this.deps.pool.dir)) });
      }
    }
    this.batch = null;
    let failure: unknown = null;
    const lost = this.lost;
    this.lost = new Map();
    // Partitions commit one by one: those before a failing one stay committed.
    const committed = new Set<PartitionDb>(this.committedEarly);
    if (batch.size > 0) this.deps.commits?.opening();
    for (const db of batch) {
      try {
        // A lost transaction fails as its commit would have: its COMMIT would find none and do nothing.
        if (failure === null && lost.has(db)) failure = lost.get(db);
        if (failure === null) {
          db.commit();
          committed.add(db);
        } else db.rollback();
      } catch (err) {
        failure = isCorruption(err) ? damagedWriteError(path.basename(db.path), err) : isLocked(err) ? lockedPartitionError(db.path, err) : withFolderCause(deniedOr(db.path, err), this.deps.pool.dir);
        db.rollback();
      }
    }
    const early = this.committedEarly;
    this.committedEarly = [];
    for (const db of early) batch.add(db);
    // A batch may have held more partitions open than the pool allows.
    this.deps.pool.trim();
    const committedIndexes = (w: PendingWrite): number[] => w.parts.flatMap((p) => (committed.has(p.db) ? p.indexes : []));
    // Before any answer: what landed is what ingest numbers on the live feed (stored, or named committed in a refusal).
    if (this.deps.commits) this.deps.commits.closing(writes.reduce((n, w) => n + committedIndexes(w).length, 0));
    for (const { write, err } of failed) write.reject(withCommitted(err, committedIndexes(write)));
    for (const { write, result } of done) {
      if (failure === null) write.resolve(result);
      else write.reject(withCommitted(asWriteError(failure), committedIndexes(write)));
    }
    // After the answers have gone out: statistics are worth a pause of the
    // writer, not a delay of the batches that triggered them.
    if (failure === null) setImmediate(() => this.refreshStatistics(batch));
    this.checkpoints.committed(batch);
  }

  /** Commits the open transactions of the flush under way and lets the pool close their files. */
  private commitEarly(batch: Set<PartitionDb>): void {
    // Counted with the rest at the flush's end: reads cut until then try again.
    this.deps.commits?.opening();
    for (const db of batch) {
      if (this.lost.has(db)) throw this.lost.get(db);
      try {
        db.commit();
      } catch (err) {
        throw isCorruption(err) ? damagedWriteError(path.basename(db.path), err) : isLocked(err) ? lockedPartitionError(db.path, err) : deniedOr(db.path, err);
      }
      this.committedEarly.push(db);
      batch.delete(db);
    }
    this.deps.pool.trim();
  }

  /**
   * Whether a failed insert took the group's transaction on `db` with it.
   * insert() undoes only its own savepoint, but on SQLITE_FULL or an I/O
   * error while spilling a large write's pages to the WAL, SQLite rolls
   * back the whole transaction (disk-full-write.test.ts): the commit then
   * found none, did nothing, and the earlier writes of the flush with rows
   * there were answered stored, or named as committed, with those rows gone.
   */
  private lostTransaction(db: PartitionDb): boolean {
    if (this.batch === null || !this.batch.has(db) || db.inTransaction) return false;
    db.rollback();
    return true;
  }

  /** Stops the checkpoint timers (the store is closing). */
  stop(): void {
    this.checkpoints.stop();
  }

  private refreshStatistics(dbs: Set<PartitionDb>): void {
    for (const db of dbs) {
      try {
        db.analyzeIfGrown();
      } catch {
        // Statistics are an optimization: a busy or closed file keeps the old ones.
      }
    }
  }

  private apply(prepared: PreparedWrite, parts: PendingWrite['parts']): WriteResult {
    const result: WriteResult = { ...prepared.result, errors: [...prepared.result.errors] };
    const storedIndexes: number[] = [];
    for (const group of prepared.groups) {
      const fresh = this.dropKnownElsewhere(group.name, group.key, group.items, prepared.classFingerprint);
      result.duplicates += group.items.length - fresh.length;
      if (fresh.length === 0) continue;
      let db: PartitionDb | undefined;
      let stored: number[];
      try {
        // Opened inside: a file whose damaged pages fail the open (its text index's
        // tables) is named damaged as one failing the insert is (partitioned-store.ts checkedWrite).
        db = this.deps.pool.get(group.key).open(true);
        // Not inserted outside the group's transaction: with none open, insert() would commit on its own.
        if (this.lost.has(db)) throw this.lost.get(db);
        if (this.batch && !this.batch.has(db)) {
          // A flush spanning a year of days held a transaction, so a
          // connection and three descriptors, on every day at once: past
          // ~300 days the process ran out of descriptors and the batch
          // failed on every retry. The partitions written so far are
          // committed first (a failure later rejects the writes; a retry
          // finds these rows stored, as after any failed group commit).
          if (this.batch.size >= MAX_OPEN_TRANSACTIONS) this.commitEarly(this.batch);
          db.begin();
          this.batch.add(db);
        }
        db.noteClassFingerprint(prepared.classFingerprint);
        db.noteTextFields(prepared.otherTextFields);
        stored = db.insert(fresh);
      } catch (err) {
        if (db !== undefined && this.lost.has(db)) throw err;
        // Named, with what to do, as the block store's writer does: SQLite's
        // "database disk image is malformed" says neither which file nor that,
        // nor does "database is locked" (another process's write transaction
        // met by this one's BEGIN IMMEDIATE) say which file or whose lock.
        const named = isCorruption(err) ? damagedWriteError(group.name, err) : isLocked(err) ? lockedPartitionError(path.join(this.deps.pool.dir, group.name), err) : deniedOr(path.join(this.deps.pool.dir, group.name), err);
        if (db !== undefined && this.lostTransaction(db)) this.lost.set(db, asWriteError(withFolderCause(named, this.deps.pool.dir)));
        throw named;
      }
      const indexes: number[] = [];
      for (const i of stored) indexes.push((fresh[i] as EventRow).index);
      parts.push({ db, indexes });
      for (const i of indexes) storedIndexes.push(i);
      result.stored += stored.length;
      result.duplicates += fresh.length - stored.length;
    }
    result.storedIndexes = storedIndexes.sort((a, b) => a - b);
    return result;
  }

  /**
   * An event's partition follows from its timestamp and class, so a retried
   * event normally lands where its first copy is and the UNIQUE (ts, eid)
   * index drops it. Two things break that reasoning, and only those
   * partitions are probed (probes cost about as much as inserts):
   *   - events stamped with the receive time (no time of their own) get a
   *     new @timestamp on retry, possibly after UTC midnight: they are
   *     checked by event.id in the same class's partition of the previous
   *     day (the same day's `received_ids` catches the rest on insert);
   *   - a changed retention class list can classify the retry differently:
   *     other classes' partitions of the same day (and of the previous day,
   *     for receive-stamped events) are checked unless they were written
   *     with exactly the current class list.
   */
  private dropKnownElsewhere(name: string, key: PartitionKey, rows: EventRow[], classFingerprint: string): EventRow[] {
    const previous = utcDay(dayStartMs(key.day) - DAY_MS);
    const known = new Set<string>();
    let received: EventRow[] | null = null;
    for (const p of this.deps.pool.known.values()) {
      if (p.name === name || (p.key.day !== key.day && p.key.day !== previous)) continue;
      const sameClassDayBefore = p.key.className === key.className;
      try {
        if (!sameClassDayBefore && p.db.classifiedOnlyWith(classFingerprint)) continue;
        // A retry with its own timestamp lands on the same day.
        const probe = p.key.day === key.day ? rows : (received ??= rows.filter((r) => r.received));
        if (probe.length === 0) continue;
        for (const id of p.db.existingIds(probe)) known.add(id);
      } catch (err) {
        // A neighbour damaged inside is left out of the probe: its events are
        // out of every read, so a retry's copy stored here loses nothing, where
        // failing made the day's writes 503 until it was replaced.
        if (!isCorruption(err) || !this.deps.damagedNeighbour?.(p)) throw err;
      }
    }
    return known.size === 0 ? rows : rows.filter((r) => !known.has(r.eid));
  }
}
