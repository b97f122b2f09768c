/**
 * The binary form of a block's column metas (the block's header): per
 * column its name, encoding, present count, types, numeric bounds, constant
 * value and bloom, and once per block the row shapes the columns share
 * (block-shape.ts). Every value keeps its type (-0, 500 vs "500").
 * Version 1 (no shapes) is still read.
 */
import type { FieldValue } from '@logship/query/core';
import { ByteReader, corrupt } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import type { BlockShape } from './block-shape.js';
import { storeError } from '../store/store-error.js';

/** What a block says of one column without decoding it: what queries prune by and how to decode the data. */
export interface ColumnMeta {
  /** Field name; '@timestamp' (as epoch-ms integers) and 'event.id' are columns too. */
  name: string;
  /** How data is stored (column-compression.ts ENC_*). */
  encoding: number;
  /** Rows where the field is present (value !== undefined). */
  present: number;
  /** Bitmask of value types present: 1 string, 2 number, 4 boolean, 8 null. */
  types: number;
  /** Over finite number values (range pruning); null when none. */
  min: number | null;
  max: number | null;
  /** Set when every row has the field with this same value (data then empty). */
  constValue?: FieldValue;
  /** Tokens (text fields) or typed exact values (valueKey); null when not worth it. */
  bloom: Uint8Array | null;
  /**
   * event.id of a block with content ids: `bloom` holds the stored ids
   * (null when none is stored), these the content ids, one bloom per block
   * as first written. A merge concatenates its sources' lists, so it never
   * hashes their content to rebuild one bloom (columnMayHold).
   */
  contentIdBlooms?: Uint8Array[];
  /**
   * event.id of a block with content ids: the block keeps a byte a row, the
   * first byte of each content id (contentIdTag; 0 for rows with a stored
   * id), as EncodedBlock.contentIdTags. Absent in blocks written before
   * them, and in merges of such blocks: a lookup then hashes every row.
   */
  contentIdTags?: boolean;
  /**
   * Codec-internal: the block's row shapes (block-shape.ts), one object
   * shared by the columns of a block, needed by decodeColumn. encodeMetas
   * writes it and decodeMetas restores it; keep metas whole (a spread copy
   * keeps it).
   */
  shape?: BlockShape;
}

const VERSION = 2;
const HAS_BOUNDS = 1;
const HAS_CONST = 2;
const HAS_BLOOM = 4;
const HAS_SHAPE = 8;
const HAS_CONTENT_ID_BLOOMS = 16;
const HAS_CONTENT_ID_TAGS = 32;

const V_NULL = 0;
const V_STRING = 1;
const V_NUMBER = 2;
const V_TRUE = 3;
const V_FALSE = 4;

export function encodeMetas(metas: readonly ColumnMeta[]): Uint8Array {
  const w = new ByteWriter(64 + metas.length * 32);
  w.byte(VERSION);
  const shape = metas.find((m) => m.shape !== undefined)?.shape;
  if (metas.some((m) => m.shape !== undefined && m.shape !== shape)) {
    throw storeError('LS_STORE_BAD_REQUEST', 'block codec: encodeMetas got the columns of several blocks');
  }
  w.byte(shape ? 1 : 0);
  if (shape) {
    w.uvarint(shape.count);
    w.uvarint(shape.encoding);
    w.blob(shape.packed);
  }
  w.uvarint(metas.length);
  for (const m of metas) {
    w.string(m.name);
    w.uvarint(m.encoding);
    w.uvarint(m.present);
    w.byte(m.types);
    const bounds = m.min !== null && m.max !== null;
    const flags =
      (bounds ? HAS_BOUNDS : 0) |
      (m.constValue !== undefined ? HAS_CONST : 0) |
      (m.bloom ? HAS_BLOOM : 0) |
      (m.shape ? HAS_SHAPE : 0) |
      (m.contentIdBlooms ? HAS_CONTENT_ID_BLOOMS : 0) |
      (m.contentIdTags ? HAS_CONTENT_ID_TAGS : 0);
    w.byte(flags);
    if (bounds) {
      w.f64(m.min!);
      w.f64(m.max!);
    }
    if (m.constValue !== undefined) writeValue(w, m.constValue);
    if (m.bloom) w.blob(m.bloom);
    if (m.contentIdBlooms) {
      w.uvarint(m.contentIdBlooms.length);
      for (const b of m.contentIdBlooms) w.blob(b);
    }
  }
  return w.finish();
}

/** only: keep no column's bloom but this one's (a store that only writes: block-partition.ts). */
export function decodeMetas(bytes: Uint8Array, only?: string): ColumnMeta[] {
  const r = new ByteReader(bytes);
  const version = r.byte();
  if (version !== VERSION && version !== 1) throw corrupt(`metas: unknown version ${version}`);
  let shape: BlockShape | undefined;
  if (version >= 2 && r.byte() === 1) {
    const count = r.uvarint();
    const encoding = r.uvarint();
    shape = { count, encoding, packed: r.blob().slice() };
  }
  const n = r.uvarint();
  const out: ColumnMeta[] = [];
  for (let i = 0; i < n; i++) {
    const name = r.string();
    const encoding = r.uvarint();
    const present = r.uvarint();
    const types = r.byte();
    const flags = r.byte();
    let min: number | null = null;
    let max: number | null = null;
    if (flags & HAS_BOUNDS) {
      min = r.f64();
      max = r.f64();
    }
    const meta: ColumnMeta = { name, encoding, present, types, min, max, bloom: null };
    if (flags & HAS_CONST) meta.constValue = readValue(r);
    if (flags & HAS_BLOOM) {
      const bloom = r.blob();
      if (only === undefined || name === only) meta.bloom = bloom.slice();
    }
    if (flags & HAS_SHAPE) {
      if (shape === undefined) throw corrupt('metas: a column refers to missing shapes');
      meta.shape = shape;
    }
    if (flags & HAS_CONTENT_ID_BLOOMS) {
      const blooms: Uint8Array[] = [];
      for (let k = r.uvarint(); k > 0; k--) blooms.push(r.blob().slice());
      meta.contentIdBlooms = blooms;
    }
    if (flags & HAS_CONTENT_ID_TAGS) meta.contentIdTags = true;
    out.push(meta);
  }
  if (!r.done) throw corrupt('metas: trailing bytes');
  return out;
}

function writeValue(w: ByteWriter, v: FieldValue): void {
  if (v === null) w.byte(V_NULL);
  else if (typeof v === 'string') {
    w.byte(V_STRING);
    w.string(v);
  } else if (typeof v === 'number') {
    w.byte(V_NUMBER);
    w.f64(v);
  } else w.byte(v ? V_TRUE : V_FALSE);
}

function readValue(r: ByteReader): FieldValue {
  const tag = r.byte();
  switch (tag) {
    case V_NULL:
      return null;
    case V_STRING:
      return r.string();
    case V_NUMBER:
      return r.f64();
    case V_TRUE:
      return true;
    case V_FALSE:
      return false;
    default:
      throw corrupt(`metas: unknown value tag ${tag}`);
  }
}
