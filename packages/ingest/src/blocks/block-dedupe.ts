/**
 * Which (ts, event.id) pairs a block partition already holds: the exact
 * check behind exactly-once (docs/BLOCK_STORE.md "Dedupe").
 *
 *   pairs ─► blocks whose [ts_min, ts_max] holds the pair's ts ─► whose
 *   event.id bloom may hold the id ─► decode those blocks' ts and id
 *   columns (cached) ─► exact look-up; in a block with content ids, the
 *   ids of the rows at the candidates' times only
 *
 * Fresh events are mostly later than every stored block, so the time
 * bounds alone leave nothing to decode; a retry finds its block through
 * the bloom. The decoded pairs of recent blocks are cached per connection
 * (blocks never change, so the cache is keyed by block id).
 */
import { valueKey } from './bloom.js';
import { columnMayHold } from './block-codec.js';
import type { BlockPartition } from './block-partition.js';
import { hasContentIds, type BlockHeader } from './block-header.js';
import { readBlockRows } from './block-rows.js';

/** Pairs kept decoded across writes (~80 bytes each): recent small blocks, mostly. */
const CACHED_PAIRS = 500_000;

export interface Pair {
  ts: number;
  eid: string;
}

export function pairKey(ts: number, eid: string): string {
  return `${ts} ${eid}`;
}

// Made once: a comparator closure made per call loses its optimized code at each major GC (sqlite/group-batch.ts ToItem).
const byTs = (a: Pair, b: Pair): number => a.ts - b.ts;

export class PairIndex {
  /** By partition file and block id (ids are per file). */
  private readonly cache = new Map<string, Set<string>>();
  private cachedPairs = 0;

  /** Of `pairs`, the keys (pairKey) already stored in `db`. */
  known(db: BlockPartition, pairs: readonly Pair[]): Set<string> {
    const found = new Set<string>();
    if (pairs.length === 0) return found;
    const sorted = [...pairs].sort(byTs);
    for (const h of db.headers()) {
      let lo = lowerBound(sorted, h.tsMin);
      const candidates: Pair[] = [];
      for (; lo < sorted.length && (sorted[lo] as Pair).ts <= h.tsMax; lo++) {
        const p = sorted[lo] as Pair;
        if (mayHoldId(h, p.eid)) candidates.push(p);
      }
      if (candidates.length === 0) continue;
      const stored = hasContentIds(h) ? pairsAt(db, h, candidates) : this.pairsOf(db, h);
      for (const p of candidates) {
        const k = pairKey(p.ts, p.eid);
        if (stored.has(k)) found.add(k);
      }
    }
    return found;
  }

  /**
   * Forgets everything (after a rollback: a block of the rolled-back
   * transaction may have been cached, and its id is handed out again).
   */
  clear(): void {
    this.cache.clear();
    this.cachedPairs = 0;
  }

  /** Forgets blocks (a merge deleted them); ids are never reused, so this only frees memory. */
  forget(db: BlockPartition, ids: readonly number[]): void {
    for (const id of ids) {
      const k = `${db.path}\0${id}`;
      this.cachedPairs -= this.cache.get(k)?.size ?? 0;
      this.cache.delete(k);
    }
  }

  private pairsOf(db: BlockPartition, h: BlockHeader): Set<string> {
    const key = `${db.path}\0${h.id}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const cols = db.columns(h, ['@timestamp', 'event.id']);
    const ts = cols.get('@timestamp') ?? [];
    const ids = cols.get('event.id') ?? [];
    const set = new Set<string>();
    for (let i = 0; i < h.n; i++) set.add(pairKey(ts[i] as number, ids[i] as string));
    this.cache.set(key, set);
    this.cachedPairs += set.size;
    while (this.cachedPairs > CACHED_PAIRS && this.cache.size > 1) {
      const [oldest, pairs] = this.cache.entries().next().value as [string, Set<string>];
      this.cache.delete(oldest);
      this.cachedPairs -= pairs.size;
    }
    return set;
  }
}

/**
 * The pairs of a block with content ids at the candidates' times only:
 * those rows' ids cost a hash each (and their rows' values), the rest of
 * the block none. Not cached: a retry or a bloom's false positive.
 */
function pairsAt(db: BlockPartition, h: BlockHeader, candidates: readonly Pair[]): Set<string> {
  const times = new Set(candidates.map((p) => p.ts));
  const ts = db.columns(h, ['@timestamp']).get('@timestamp') ?? [];
  const rows: number[] = [];
  for (let i = 0; i < h.n; i++) if (times.has(ts[i] as number)) rows.push(i);
  const { ids } = readBlockRows(db, h, rows, []);
  return new Set(rows.map((r, i) => pairKey(ts[r] as number, ids[i]!)));
}

function mayHoldId(h: BlockHeader, eid: string): boolean {
  const i = h.at.get('event.id');
  const meta = i === undefined ? undefined : h.metas[i];
  if (!meta) return false;
  if (meta.constValue !== undefined) return meta.constValue === eid;
  return columnMayHold(meta, valueKey(eid));
}

function lowerBound(sorted: readonly Pair[], ts: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as Pair).ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
