/**
 * A block's header: its row of `blocks` (block-schema.ts) with its column
 * metas decoded, what queries prune by and merges and dedupe plan from.
 * BlockPartition reads and caches them.
 */
import { decodeMetas, type ColumnMeta } from './block-codec.js';

export interface BlockHeader {
  id: number;
  level: number;
  tsMin: number;
  tsMax: number;
  n: number;
  /** The text-field list (JSON) the block's blooms were built with. */
  textFields: string;
  metas: readonly ColumnMeta[];
  /** Fields holding ±Infinity in this block (their min/max leave those out). */
  nonFinite: ReadonlySet<string>;
  /** Column name → position in metas (= `cols.i`). */
  at: ReadonlyMap<string, number>;
  /**
   * Whether its value blooms hold array elements (and the key of numeric
   * ones): false for a block written before they did (block-partition.ts
   * elementBloomsFrom), which a clause on an element must read, not prune.
   */
  elementBlooms: boolean;
}

/** A `blocks` row without its metas. */
export interface BlockRow {
  id: number;
  level: number;
  ts_min: number;
  ts_max: number;
  n: number;
  text_fields: string;
  nonfinite: string | null;
}

const EVENT_ID = 'event.id';

/** Whether some rows of the block are stored without their event.id (it is their content id). */
export function hasContentIds(block: BlockHeader): boolean {
  const i = block.at.get(EVENT_ID);
  return i === undefined || (block.metas[i] as ColumnMeta).present < block.n;
}

/**
 * The header of a block from its row and its metas' bytes. writeOnly: keep
 * event.id's bloom (dedupe reads it) and no other column's (a store that
 * never queries: BlockStoreOptions.writeOnly).
 */
export function blockHeader(r: BlockRow, metasBytes: Uint8Array, writeOnly: boolean, elementBlooms = true): BlockHeader {
  const metas = decodeMetas(metasBytes, writeOnly ? EVENT_ID : undefined);
  return {
    id: r.id,
    level: r.level,
    tsMin: r.ts_min,
    tsMax: r.ts_max,
    n: r.n,
    textFields: r.text_fields,
    metas,
    nonFinite: new Set(r.nonfinite === null ? [] : (JSON.parse(r.nonfinite) as string[])),
    at: new Map(metas.map((m, i) => [m.name, i])),
    elementBlooms,
  };
}
