/**
 * Which fields each row of a block has, once for the whole block: a row's
 * "shape" is its list of field names, and a block keeps one shape id per
 * row (compressed) in its metas. A column then says only which shapes hold
 * it. Blocks mix formats (nginx, journald, django rows interleaved in time),
 * and a presence bitmap per column paid for that mix once per column:
 * ~10% of the store on the bench corpus; the shared shape ids cost ~1%.
 *
 * Carried from encodeBlock to decodeColumn by ColumnMeta.shape (every
 * column of a block shares one BlockShape), and written once per block by
 * encodeMetas. Decompressed lazily, once per block, by the first column
 * that needs it (memoized in the shared object).
 */
import { corrupt } from './byte-reader.js';
import { compressColumn, decompressColumn, type BlockCompression } from './column-compression.js';

/** Up to this many distinct shapes a block uses shape ids (a byte per row); beyond, bitmaps per column. */
export const MAX_SHAPES = 255;

/** Plain data (no methods), so metas survive structured cloning to reader threads. */
export interface BlockShape {
  count: number;
  /** How `packed` is compressed (column-compression.ts). */
  encoding: number;
  packed: Uint8Array;
  /** The decompressed ids, memoized by rowShapes. */
  ids?: Uint8Array;
}

export function shapeFromIds(ids: Uint8Array, compression?: BlockCompression): BlockShape {
  const { encoding, data } = compressColumn(ids, compression);
  return { count: ids.length, encoding, packed: data, ids };
}

/** The shape id of every row. */
export function rowShapes(shape: BlockShape): Uint8Array {
  if (shape.ids === undefined) {
    const ids = decompressColumn(shape.encoding, shape.packed);
    if (ids.length !== shape.count) throw corrupt('shape ids: wrong row count');
    shape.ids = new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength);
  }
  return shape.ids;
}
