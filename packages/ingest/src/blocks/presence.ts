/**
 * Which rows of a block have a column: all of them (nothing written), the
 * ids of the row shapes that hold it (block-shape.ts), or, in blocks with
 * too many shapes, a bitmap (one bit per row) or, for a column in few rows,
 * the ascending row numbers as delta varints — whichever is smaller.
 */
import type { ByteReader } from './byte-reader.js';
import { corrupt } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { rowShapes, type BlockShape } from './block-shape.js';

const ALL = 0;
const BITMAP = 1;
const SPARSE = 2;
const SHAPES = 3;

/** shapes: the ids of the row shapes holding the column, when the block has shapes. */
/** rows: null when every row has the field. */
export function writePresence(w: ByteWriter, rows: readonly number[] | null, count: number, shapes: readonly number[] | null): void {
  if (rows === null || rows.length === count) {
    w.byte(ALL);
    return;
  }
  if (shapes !== null) {
    w.byte(SHAPES);
    w.uvarint(shapes.length);
    for (const s of shapes) w.byte(s);
    return;
  }
  // A sparse row costs 1–3 bytes of delta; a bitmap count/8 in total.
  if (rows.length * 2 < count / 8) {
    w.byte(SPARSE);
    let prev = -1;
    for (const r of rows) {
      w.uvarint(r - prev - 1);
      prev = r;
    }
    return;
  }
  w.byte(BITMAP);
  const bits = new Uint8Array((count + 7) >>> 3);
  for (const r of rows) bits[r >>> 3]! |= 1 << (r & 7);
  w.bytes(bits);
}

/** The present row numbers, ascending; `present` of them. */
export function readPresence(r: ByteReader, present: number, count: number, shape: BlockShape | undefined): Int32Array | null {
  const kind = r.byte();
  if (kind === ALL) {
    if (present !== count) throw corrupt('presence: all rows but present < count');
    return null;
  }
  const rows = new Int32Array(present);
  if (kind === SHAPES) {
    const { holds, ids } = shapeHolds(r, count, shape);
    let n = 0;
    for (let i = 0; i < count; i++) {
      if (holds[ids[i]!] === 0) continue;
      if (n === present) throw corrupt('presence: more rows than present');
      rows[n++] = i;
    }
    if (n !== present) throw corrupt('presence: fewer rows than present');
    return rows;
  }
  if (kind === SPARSE) {
    let prev = -1;
    for (let i = 0; i < present; i++) {
      prev += r.uvarint() + 1;
      if (prev >= count) throw corrupt('presence: row out of range');
      rows[i] = prev;
    }
    return rows;
  }
  if (kind !== BITMAP) throw corrupt(`presence: unknown kind ${kind}`);
  const bits = r.bytes((count + 7) >>> 3);
  let n = 0;
  for (let i = 0; i < count && n <= present; i++) {
    if ((bits[i >>> 3]! >> (i & 7)) & 1) {
      if (n === present) throw corrupt('presence: more rows than present');
      rows[n++] = i;
    }
  }
  if (n !== present) throw corrupt('presence: fewer rows than present');
  return rows;
}

/**
 * For each of `rows` (ascending row numbers), its position among the
 * column's present rows, or -1 where the column is absent: what readPresence
 * tells, without listing every present row (rebuilding a page of hits).
 * Reads the presence through, as readPresence does.
 */
export function presentPositions(r: ByteReader, present: number, count: number, shape: BlockShape | undefined, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  const kind = r.byte();
  if (kind === ALL) {
    if (present !== count) throw corrupt('presence: all rows but present < count');
    out.set(rows);
    return out;
  }
  if (kind === SHAPES) {
    const { holds, ids } = shapeHolds(r, count, shape);
    // Present rows before each wanted row: one pass up to the last of them.
    let n = 0;
    let i = 0;
    for (let k = 0; k < rows.length; k++) {
      const want = rows[k]!;
      for (; i < want; i++) n += holds[ids[i]!]!;
      out[k] = holds[ids[want]!] === 1 ? n : -1;
    }
    if (n > present) throw corrupt('presence: more rows than present');
    return out;
  }
  // Bitmaps and sparse lists (blocks of too many shapes) are rare: list them.
  r.pos--;
  const all = readPresence(r, present, count, shape)!;
  let j = 0;
  for (let k = 0; k < rows.length; k++) {
    const want = rows[k]!;
    while (j < all.length && all[j]! < want) j++;
    out[k] = j < all.length && all[j] === want ? j : -1;
  }
  return out;
}

/**
 * Whether any of `rows` may have the column, from the first bytes of its
 * decompressed data (column-compression.ts columnPrefix): false only when
 * the presence lists the shapes holding it and none of the rows has one
 * of them. Rebuilding a hit then skips the columns of the block's other
 * formats without decompressing them (a django row has 12 of a mixed
 * block's ~37 columns).
 */
export function shapesMayHold(prefix: Uint8Array, shape: BlockShape | undefined, count: number, rows: Int32Array): boolean {
  if (shape === undefined || shape.count !== count || prefix.length < 2 || prefix[0] !== SHAPES) return true;
  const n = prefix[1]!;
  // A count of 128 or more takes two varint bytes; such a column is in most shapes anyway.
  if (n >= 0x80 || prefix.length < 2 + n) return true;
  const holds = new Uint8Array(256);
  for (let k = 0; k < n; k++) holds[prefix[2 + k]!] = 1;
  const ids = rowShapes(shape);
  for (let k = 0; k < rows.length; k++) if (holds[ids[rows[k]!]!] === 1) return true;
  return false;
}

/** A SHAPES presence after its kind byte: which shape ids hold the column (holds[id] = 1), and every row's shape id. */
function shapeHolds(r: ByteReader, count: number, shape: BlockShape | undefined): { holds: Uint8Array; ids: Uint8Array } {
  if (shape === undefined || shape.count !== count) throw corrupt('presence: the block\'s shape ids are missing');
  const holds = new Uint8Array(256);
  for (let n = r.uvarint(); n > 0; n--) holds[r.byte()] = 1;
  return { holds, ids: rowShapes(shape) };
}
