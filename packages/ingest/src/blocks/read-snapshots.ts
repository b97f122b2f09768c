/**
 * A block query's read transactions: one a partition, begun when the query
 * first reads it and ended with the query (block-store.ts), so a
 * partition's headers and the columns decoded from them later are one
 * state of the file though a merge on the writer deletes blocks meanwhile.
 *
 *   slice.db ─► open (the pool closes its least recently used connection
 *               that no query holds, past its cap) ─► begin the read ─► held
 *   slice.done() ─► not held: the snapshot stays while the connection does
 *   end() ─► every read ended
 *
 * Until 2026-12-06 a query began a read on every partition of its range
 * before reading any, and a connection in a transaction is never closed:
 * a range of ~300+ days held three descriptors a day on each reader
 * thread and failed under the usual limit of 1024 (LS_STORE_NO_DESCRIPTORS).
 * Now only the partitions a query is reading (a search walk's day, a slice
 * being counted or aggregated, the last day of a fields sample, whose rows
 * it reads after the walk) are held; the others keep their snapshot until
 * the pool needs their place. A range within the cap closes nothing, as
 * before; a wider one would reopen a partition it came back to in a newer
 * state of the file, which holds the same events (merges keep them) and
 * any written since: so a search or the fields API counts a day the walk
 * read as the walk leaves it (day-totals.ts), and a day it did not reach
 * is read once, by the count.
 */
import type { PartitionHandle } from '../sqlite/partition-pool.js';
import type { BlockPartition } from './block-partition.js';

/** A partition as a query's slice reads it. */
export interface SlicePartition {
  /** The connection, opened if the pool closed it, with the query's read begun; held until done(). */
  readonly db: BlockPartition;
  /** The query reads nothing more of it for now: the pool may close it. */
  done(): void;
}

export class ReadSnapshots {
  /** Reads this query began (it ends them; one begun by someone else is theirs). */
  private readonly began: BlockPartition[] = [];
  private readonly held = new Set<BlockPartition>();

  /** Whether the query is reading `db` (the pool must not close it). */
  holds(db: BlockPartition): boolean {
    return this.held.has(db);
  }

  partition(h: PartitionHandle<BlockPartition>): SlicePartition {
    let current: BlockPartition | null = null;
    const { began, held } = this;
    return {
      get db(): BlockPartition {
        const db = h.db;
        if (db !== current) {
          // First read here, or the pool closed the connection since.
          if (current) held.delete(current);
          if (db.beginRead()) began.push(db);
          current = db;
        }
        held.add(db);
        return db;
      },
      done(): void {
        if (current) held.delete(current);
      },
    };
  }

  end(): void {
    this.held.clear();
    for (const db of this.began) db.endRead();
    this.began.length = 0;
  }
}
