/**
 * Reading the stored columns of a block (`cols` rows, block-schema.ts) by
 * their positions in its metas, for BlockPartition.
 */
import type { BlockHeader } from './block-header.js';

/** Bound values per `IN (…)` of column positions, well under SQLite's 32,766. */
const MAX_IN = 10_000;

export interface ColsRow {
  i: number;
  data: Buffer;
}

/** Runs a statement of the partition's connection, its rows as objects. */
export type ColsQuery = (sql: string, args: readonly unknown[]) => ColsRow[];

/**
 * The `cols` rows of `block` at `indexes` (distinct positions), ascending
 * by position. Asked for every column the block stores (a whole event
 * rebuilt, a content id hashed, a merge), one range of the (block, i)
 * index is read instead of a probe per position: 111 blocks of ~26 stored
 * columns (the differential tests' corpus) ~7 ms rather than ~13. Else
 * MAX_IN positions a statement: a block of events with many distinct
 * field names (2,000 events of 50 names each) has 100,000 columns, which
 * made every search of its partition, and its merges, fail with "too many
 * SQL variables".
 */
export function colsRows(all: ColsQuery, block: BlockHeader, indexes: readonly number[]): ColsRow[] {
  if (indexes.length === 0) return [];
  if (indexes.length >= storedColumns(block)) {
    // Filtered all the same, so the answer is the positions asked for, whatever the file holds.
    const wanted = new Set(indexes);
    return all('SELECT i, data FROM cols WHERE block = ? AND i >= 0 ORDER BY i', [block.id]).filter((r) => wanted.has(r.i));
  }
  const out: ColsRow[] = [];
  for (let at = 0; at < indexes.length; at += MAX_IN) {
    const part = indexes.slice(at, at + MAX_IN);
    for (const r of all(`SELECT i, data FROM cols WHERE block = ? AND i IN (${part.map(() => '?').join(', ')}) ORDER BY i`, [block.id, ...part])) out.push(r);
  }
  return out.length > 1 && indexes.length > MAX_IN ? out.sort((a, b) => a.i - b.i) : out;
}

/** How many columns of the block have a `cols` row: those neither constant (all in the meta) nor absent from every row. */
function storedColumns(block: BlockHeader): number {
  let n = 0;
  for (const m of block.metas) if (m.present > 0 && m.constValue === undefined) n++;
  return n;
}
