/**
 * The write path of the block store, run on whichever thread writes:
 *
 *   write(prepared) ─► queue ─(next turn)─► flush: per partition touched,
 *     BEGIN IMMEDIATE ─► drop what is stored already (block-dedupe.ts,
 *     received_ids, the other partitions a retry may have landed in) ─►
 *     each write's block as encoded by block-prepare.ts (re-encoded without
 *     the dropped rows when some were, block-refilter.ts) ─► rollup counts,
 *     received ids ─► COMMIT (one fsync) ─► answer each
 *
 * Group commit as in the row store (sqlite/batch-writer.ts): writes that
 * arrive in the same turn of the event loop share one transaction per
 * partition, and each caller is answered only after the commit,
 * so an acknowledged event is on disk and readers see it at once
 * (read-your-writes). Small blocks are merged later (block-merge.ts).
 */
import path from 'node:path';
import type { WriteResult } from '../store/log-store.js';
import { DAY_MS } from '../retention/retention-config.js';
import { asWriteError, withCommitted } from '../store/store-error.js';
import { withFolderCause } from '../sqlite/partition-folder.js';
import { dayStartMs, utcDay, type PartitionKey } from '../sqlite/partition-name.js';
import { MAX_OPEN_TRANSACTIONS, type PartitionHandle, type PartitionPool } from '../sqlite/partition-pool.js';
import { damagedWriteError, isCorruption } from '../sqlite/partition-damage.js';
import { isLocked, lockedPartitionError } from '../sqlite/locked-partition.js';
import { deniedOr } from '../sqlite/denied-partition.js';
import { compressBlock } from './block-codec.js';
import { PairIndex, pairKey, type Pair } from './block-dedupe.js';
import type { BlockPartition } from './block-partition.js';
import type { PreparedBlockWrite, PreparedGroup } from './block-prepare.js';
import { refilterBlock } from './block-refilter.js';
import { addRollups } from './block-rollup.js';
import { WalCheckpoints } from '../sqlite/wal-checkpoints.js';
import type { CommitCount } from '../sqlite/commit-count.js';

interface PendingWrite {
  prepared: PreparedBlockWrite;
  resolve: (result: WriteResult) => void;
  reject: (err: unknown) => void;
}

export interface BlockWriterDeps {
  pool: PartitionPool<BlockPartition>;
  refresh: () => void;
  /** The text-field list blocks are encoded with. */
  textFields: readonly string[];
  /** Called after each group commit with the partitions it wrote (merges are scheduled there). */
  afterCommit?: (written: readonly BlockPartition[]) => void;
  /** WAL checkpoints under steady writes (sqlite/wal-checkpoints.ts; default CHECKPOINT_EVERY_MS). */
  checkpointEveryMs?: number;
  /** Whether another partition a probe could not read is damaged inside (noted so: ProbedDamage, sqlite/partition-damage.ts). */
  damagedNeighbour?: (p: PartitionHandle<BlockPartition>) => boolean;
  /** Told around each group commit's COMMITs, and how many events landed (sqlite/commit-count.ts). */
  commits?: CommitCount | undefined;
}

export class BlockWriter {
  private pending: PendingWrite[] = [];
  private batch: Set<BlockPartition> | null = null;
  private readonly checkpoints: WalCheckpoints<BlockPartition>;
  readonly pairs = new PairIndex();
  private readonly textFieldsJson: string;

  constructor(private readonly deps: BlockWriterDeps) {
    this.textFieldsJson = JSON.stringify(deps.textFields);
    this.checkpoints = new WalCheckpoints(() => this.pending.length > 0, deps.checkpointEveryMs);
  }

  /** True while `db` holds this writer's uncommitted transaction. */
  holds(db: BlockPartition): boolean {
    return this.batch !== null && this.batch.has(db);
  }

  get busy(): boolean {
    return this.pending.length > 0;
  }

  write(prepared: PreparedBlockWrite): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      this.pending.push({ prepared, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Applies and commits every queued write now (also called by close()). */
  flush(): void {
    const writes = this.pending.splice(0);
    if (writes.length === 0) return;
    try {
      this.deps.refresh();
    } catch (err) {
      for (const w of writes) w.reject(asWriteError(err));
      return;
    }
    const results = writes.map(({ prepared }) => ({
      ...prepared.result,
      errors: [...prepared.result.errors],
      storedIndexes: [] as number[],
    }));
    // Per partition, every write's group in arrival order (the first copy wins).
    const byPartition = new Map<string, { key: PartitionKey; fingerprint: string; groups: { w: number; g: PreparedGroup }[] }>();
    writes.forEach(({ prepared }, w) => {
      for (const g of prepared.groups) {
        let entry = byPartition.get(g.name);
        if (!entry) byPartition.set(g.name, (entry = { key: g.key, fingerprint: prepared.classFingerprint, groups: [] }));
        entry.groups.push({ w, g });
      }
    });
    const batch = new Set<BlockPartition>();
    const committed: BlockPartition[] = [];
    // Partitions commit one by one (early, and at the end): a failure after
    // the first leaves those before it committed, which the refusal names
    // (withCommitted), since the batch's resend finds them as duplicates.
    const landed = new Set<BlockPartition>();
    const parts = writes.map(() => [] as { db: BlockPartition; indexes: number[] }[]);
    this.batch = batch;
    let failure: unknown = null;
    let writing = '';
    try {
      for (const [name, entry] of byPartition) {
        // A batch spanning a year of days held a transaction, so a
        // connection and three descriptors, on every day at once: past
        // ~300 days the process ran out of descriptors and the batch failed
        // on every retry. The partitions written so far are committed first
        // (a failure later rejects the batch; its retry finds these events
        // stored, as after a failed commit of any partition but the first).
        if (batch.size >= MAX_OPEN_TRANSACTIONS) {
          // Counted with the rest at the flush's end: reads cut until then try again.
          this.deps.commits?.opening();
          for (const db of batch) {
            writing = path.basename(db.path);
            db.commit();
            landed.add(db);
          }
          committed.push(...batch);
          batch.clear();
          this.deps.pool.trim();
        }
        writing = name;
        const db = this.deps.pool.get(entry.key).open(true);
        db.begin();
        batch.add(db);
        const keeps = this.fresh(name, entry.key, db, entry.groups, entry.fingerprint);
        let noted = false;
        // Loops, not forEach/map callbacks, on every per-row path here: a closure made per
        // call loses its optimized code at each major GC (sqlite/group-batch.ts ToItem).
        for (let k = 0; k < entry.groups.length; k++) {
          const { w, g } = entry.groups[k]!;
          const keep = keeps[k]!;
          const r = results[w] as (typeof results)[number];
          const received: string[] = [];
          const indexes: number[] = [];
          let kept = 0;
          for (let i = 0; i < keep.length; i++) {
            if (keep[i] !== 1) {
              r.duplicates++;
              continue;
            }
            kept++;
            r.stored++;
            r.storedIndexes.push(g.index[i]!);
            indexes.push(g.index[i]!);
            if (g.received[i] === 1) received.push(g.eids[i]!);
          }
          if (kept === 0) continue;
          (parts[w] as (typeof parts)[number]).push({ db, indexes });
          if (!noted) db.noteClassFingerprint(entry.fingerprint);
          noted = true;
          const whole = kept === keep.length;
          const { block, nonFinite } = whole ? g : refilterBlock(g, keep, this.deps.textFields);
          db.insertBlock(compressBlock(block), nonFinite, 0, this.textFieldsJson);
          db.addReceived(received);
          addRollups(db, g.ts, g.rollups, whole ? undefined : keep);
        }
      }
      // A commit failing on damage names its own partition, not the last one written
      // (checkedWrite checks the partition named: the damaged one went unnoticed).
      if (batch.size > 0) this.deps.commits?.opening();
      for (const db of batch) {
        writing = path.basename(db.path);
        db.commit();
        landed.add(db);
      }
    } catch (err) {
      // Another process's lock (met by a BEGIN IMMEDIATE or a commit) named as the open's is (sqlite/locked-partition.ts).
      failure = isCorruption(err) ? damagedWriteError(writing, err) : isLocked(err) ? lockedPartitionError(path.join(this.deps.pool.dir, writing), err) : withFolderCause(deniedOr(path.join(this.deps.pool.dir, writing), err), this.deps.pool.dir);
      this.pairs.clear();
      for (const db of batch) {
        try {
          db.rollback();
        } catch {
          // the connection is gone; nothing of it was acknowledged
        }
      }
    }
    this.batch = null;
    // Before any answer: what landed is what ingest numbers on the live feed (stored, or named committed in a refusal).
    if (this.deps.commits) this.deps.commits.closing(parts.reduce((n, ps) => n + ps.reduce((m, p) => m + (landed.has(p.db) ? p.indexes.length : 0), 0), 0));
    this.deps.pool.trim();
    writes.forEach((w, i) => {
      if (failure !== null) return w.reject(withCommitted(asWriteError(failure), (parts[i] ?? []).flatMap((p) => (landed.has(p.db) ? p.indexes : []))));
      const r = results[i] as (typeof results)[number];
      r.storedIndexes.sort((a, b) => a - b);
      w.resolve(r);
    });
    if (failure !== null) return;
    const written = [...committed, ...batch];
    this.deps.afterCommit?.(written);
    this.checkpoints.committed(written);
  }

  stop(): void {
    this.checkpoints.stop();
  }

  /**
   * The items not stored yet, in their partition or where a retry of them
   * may have landed (the row store's reasoning, sqlite/batch-writer.ts
   * dropKnownElsewhere): the same class's partition of the previous day for
   * receive-stamped events; other classes' partitions of the same day (and
   * the previous one, for receive-stamped events) unless written with
   * exactly the current class list.
   */
  private fresh(name: string, key: PartitionKey, db: BlockPartition, groups: readonly { g: PreparedGroup }[], fingerprint: string): Uint8Array[] {
    const pairs: Pair[] = [];
    const receivedIds: string[] = [];
    for (const { g } of groups) {
      for (let i = 0; i < g.eids.length; i++) {
        pairs.push({ ts: g.ts[i]!, eid: g.eids[i]! });
        if (g.received[i] === 1) receivedIds.push(g.eids[i]!);
      }
    }
    const knownPairs = this.pairs.known(db, pairs);
    const knownIds = db.receivedKnown(receivedIds);
    const previous = utcDay(dayStartMs(key.day) - DAY_MS);
    for (const p of this.deps.pool.known.values()) {
      if (p.name === name || (p.key.day !== key.day && p.key.day !== previous)) continue;
      // The day before holds only receive-stamped retries: not opened without them. It was opened for every
      // write, so the day after a file locked or denied to this user answered 503 for every batch of its own.
      if (p.key.day !== key.day && receivedIds.length === 0) continue;
      try {
        const other = p.db;
        if (p.key.className !== key.className && other.classifiedOnlyWith(fingerprint)) continue;
        if (p.key.day === key.day) for (const k of this.pairs.known(other, pairs)) knownPairs.add(k);
        for (const id of other.receivedKnown(receivedIds)) knownIds.add(id);
      } catch (err) {
        // A neighbour damaged inside is left out of the probe: its events are
        // out of every read, so a retry's copy stored here loses nothing, where
        // failing made every write of the day after 503 until it was replaced.
        if (!isCorruption(err) || !this.deps.damagedNeighbour?.(p)) throw err;
      }
    }
    // Within one write the batch's own duplicates are gone already (group-batch.ts):
    // only a later write of the same turn can repeat an earlier one's pair.
    const taken = new Set<string>();
    const takenIds = new Set<string>();
    const keyed = knownPairs.size > 0 || groups.length > 1;
    const keeps = new Array<Uint8Array>(groups.length);
    for (let k = 0; k < groups.length; k++) {
      const { g } = groups[k]!;
      const keep = new Uint8Array(g.eids.length);
      const last = k === groups.length - 1;
      const checkTaken = k > 0;
      for (let i = 0; i < keep.length; i++) {
        const eid = g.eids[i]!;
        const received = g.received[i] === 1;
        // The pair's key only when something compares it (a stored pair, or another write of this turn).
        const pk = keyed ? pairKey(g.ts[i]!, eid) : '';
        if (knownPairs.size > 0 && knownPairs.has(pk)) continue;
        if (checkTaken && taken.has(pk)) continue;
        if (received && (knownIds.has(eid) || (checkTaken && takenIds.has(eid)))) continue;
        if (!last) {
          taken.add(pk);
          if (received) takenIds.add(eid);
        }
        keep[i] = 1;
      }
      keeps[k] = keep;
    }
    return keeps;
  }
}
