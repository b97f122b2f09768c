/**
 * A walk's total (a search's, the fields API's) counted day by day, each
 * day in the same read of its partitions as the candidates the walk took
 * from it.
 *
 *   walk: day d ─► candidates ─► settle ─► leave(d): count d while held ─► done
 *   after the walk: rest() counts the days it did not reach, each in one read
 *
 * Until 2026-12-07 the total was counted after the walk, over every day of
 * the range. A range wider than the pool's cap (read-snapshots.ts) closed
 * the days the walk had left, and the count reopened them in a newer state
 * of the file: events committed meanwhile were in the total but could not
 * be in the page (a search newest first, 30 days, 5 hits: total 61, pages
 * 60 events). Now a day the walk read is counted before the walk lets it
 * go; a day it did not reach is read once, by the count. The trailing lane
 * of a split search counts first and walks after (query-lanes.ts): a day
 * whose connection was closed between the two is counted again as the walk
 * leaves it, in the read the walk had.
 */
import type { BlockHeader } from './block-header.js';
import type { BlockPartition } from './block-partition.js';
import type { CompiledQuery } from './block-scan.js';
import { countBlocks, type BlockSlice } from './block-search.js';
import { countedSoFar, type ScanShare } from './scan-share.js';
import { TOTAL_COUNT_LIMIT } from '../sqlite/store-limits.js';

interface DayCount {
  n: number;
  /** The connections the day was counted through: the same ones are the same read. */
  dbs: readonly BlockPartition[];
}

export class DayTotals {
  private readonly counts: (DayCount | undefined)[];
  private sum = 0;

  constructor(
    private readonly days: readonly (readonly BlockSlice[])[],
    private readonly q: CompiledQuery,
    /** TOTAL_COUNT_LIMIT for a search's total, Infinity for an exact count. */
    private readonly cap: number,
    private readonly signal: AbortSignal | undefined,
    /** A lane of a split search: the lanes' common count (scan-share.ts). */
    private readonly share?: ScanShare,
  ) {
    this.counts = new Array<DayCount | undefined>(days.length);
  }

  /** Matches counted so far, up to the cap. */
  get total(): number {
    return Math.min(this.sum, this.cap);
  }

  /** Whether counting more would change nothing: the cap, or the lanes' common count, is reached. */
  get full(): boolean {
    return this.sum >= this.cap || (this.share !== undefined && countedSoFar(this.share) >= TOTAL_COUNT_LIMIT);
  }

  counted(d: number): boolean {
    return this.counts[d] !== undefined;
  }

  /**
   * The walk leaves day `d`, read through `dbs`: counts it now, while the
   * walk holds it, unless it was counted in this same read. A day counted
   * in an earlier read (the pool closed it since) is counted again, not
   * added to the lanes' common count twice.
   */
  leave(d: number, dbs: readonly BlockPartition[], known: ReadonlyMap<BlockHeader, number>): void {
    const prior = this.counts[d];
    if (prior && prior.dbs.length === dbs.length && prior.dbs.every((db, k) => db === dbs[k])) return;
    if (!prior && this.full) return;
    if (prior) this.sum -= prior.n;
    this.countDay(d, { known, release: false, share: prior ? undefined : this.share });
  }

  /** Counts day `d` if it is not counted yet, letting its partitions go after. */
  count(d: number, record?: Map<BlockHeader, number>): void {
    if (this.counts[d] !== undefined || this.full) return;
    this.countDay(d, { record, share: this.share });
  }

  /** Counts the days not counted yet, in order, until the cap; the total. */
  rest(): number {
    for (let d = 0; d < this.days.length && !this.full; d++) this.count(d);
    return this.total;
  }

  private countDay(d: number, opts: { known?: ReadonlyMap<BlockHeader, number>; record?: Map<BlockHeader, number> | undefined; release?: boolean; share?: ScanShare | undefined }): void {
    const day = this.days[d]!;
    const dbs = day.map((s) => s.partition.db);
    const n = countBlocks(day, this.q, this.cap === Infinity ? Infinity : Math.max(0, this.cap - this.sum), { ...opts, signal: this.signal });
    this.counts[d] = { n, dbs };
    this.sum += n;
  }
}
