/**
 * A block of events stored column by column (docs/BLOCK_STORE.md, "Block
 * encoding"; design after VictoriaLogs' lib/logstorage): per column, which
 * rows have it, then its values by type (dictionary or plain strings,
 * zigzag/delta varint integers, float64, boolean bits), compressed. A
 * column with one value in every row is stored only in its meta. Metas
 * carry what lets a query skip the block: present rows, types, numeric
 * min/max, a bloom of tokens or exact values. Pure functions, no I/O.
 */
import { arrayElements, tokenize, type FieldValue, type LogEvent } from '@logship/query/core';
import { storeError } from '../store/store-error.js';
import { ARRAY_NUMBERS_KEY, bloomMayContain, buildValueBloom } from './bloom.js';
import { ByteReader, corrupt } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { compressColumn, decompressColumn, ENC_CONST, ENC_RAW, type BlockCompression } from './column-compression.js';
import { keepDictionary, MAX_KEPT_DICTIONARY } from './column-dictionary.js';
import { readValues, T_NULL, T_NUMBER, T_STRING, typeBit, writeValues } from './column-values.js';
import { gatherColumns, rowsOf, type Gathered } from './gather-columns.js';
import { isoMillis } from '../normalize/iso-millis.js';
import { presentPositions, readPresence, writePresence } from './presence.js';
import { MAX_SHAPES, shapeFromIds, type BlockShape } from './block-shape.js';

import type { ColumnMeta } from './column-metas.js';

export { encodeMetas, decodeMetas, type ColumnMeta } from './column-metas.js';

export interface EncodedColumn {
  meta: ColumnMeta;
  /** Compressed bytes. */
  data: Uint8Array;
}
export interface EncodeOptions {
  /** Fields whose blooms hold tokens (query package resolveTextFields). */
  textFields: readonly string[];
  /** Each event's @timestamp as epoch ms, known to the caller (block-prepare.ts): not parsed again. */
  times?: Float64Array;
  /**
   * The default is the best measured (docs/BLOCK_STORE.md); 'none' leaves
   * every column raw, for compressBlock to finish on another thread (block-prepare.ts).
   */
  compression?: BlockCompression;
  /**
   * Rows (flag 1) whose event.id is their content id (normalize/content-id.ts):
   * stored without it, computed again when read. The event.id meta's
   * contentIdBlooms hold them, so lookups and dedupe find them: built from
   * the rows' ids (each event then has its event.id), or, for a merge whose
   * rows have none, given here as the sources' lists.
   */
  contentIdRows?: Uint8Array;
  contentIdBlooms?: Uint8Array[];
  /** With contentIdRows: each row's contentIdTag (0 where the row keeps its id); kept when given. */
  contentIdTags?: Uint8Array;
}
export interface EncodedBlock {
  count: number;
  tsMin: number;
  tsMax: number;
  columns: EncodedColumn[];
  /** The rows' content-id tags (ColumnMeta.contentIdTags), stored beside the columns. */
  contentIdTags?: Uint8Array;
}

const TIMESTAMP = '@timestamp';
const EVENT_ID = 'event.id';

/**
 * events: sorted by (epoch ms of @timestamp, event.id) ascending by the
 * caller; every event has both. `gathered.columns` is given the events'
 * columns (gather-columns.ts; @timestamp's values as epoch ms), so a caller
 * that reads some fields of every row reads arrays rather than events
 * (block-rollup.ts rollupCodes).
 */
export function encodeBlock(events: readonly LogEvent[], opts: EncodeOptions, gathered?: { columns?: ReadonlyMap<string, Gathered> }): EncodedBlock {
  const count = events.length;
  const omit = opts.contentIdRows?.includes(1) ? { key: EVENT_ID, rows: opts.contentIdRows } : undefined;
  const { columns, rowShape, shapes } = gatherColumns(events, [TIMESTAMP, EVENT_ID], MAX_SHAPES - 1, omit);
  if (gathered !== undefined) gathered.columns = columns;
  const ts = columns.get(TIMESTAMP)!;
  if (ts.values.length !== count) throw storeError('LS_STORE_BAD_REQUEST', 'block codec: an event has no @timestamp');
  // Loops here, not map/forEach callbacks: a closure made per call loses its
  // optimized code at each major GC (sqlite/group-batch.ts ToItem).
  const times: number[] = [];
  const known = opts.times;
  if (known !== undefined && known.length !== count) throw storeError('LS_STORE_BAD_REQUEST', 'block codec: a time per row');
  for (let i = 0; i < ts.values.length; i++) {
    const v = ts.values[i];
    const ms = known !== undefined ? known[i]! : typeof v === 'string' ? isoMillis(v) : NaN;
    if (!Number.isFinite(ms)) throw storeError('LS_STORE_BAD_REQUEST', `block codec: bad @timestamp ${JSON.stringify(v)}`);
    times.push(ms);
  }
  ts.values = times;
  const text = new Set(opts.textFields);
  let tsMin = Infinity;
  let tsMax = -Infinity;
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    if (t < tsMin) tsMin = t;
    if (t > tsMax) tsMax = t;
  }
  const shape = shapes > 1 && shapes <= MAX_SHAPES ? shapeFromIds(rowShape, opts.compression) : null;
  const out: EncodedColumn[] = [];
  for (const [name, col] of columns) {
    if (name === EVENT_ID && omit !== undefined) {
      out.push(idColumn(events, col, count, shape, rowShape, opts));
      continue;
    }
    if (col.values.length === 0) continue;
    out.push(encodeColumn(name, col, count, name === TIMESTAMP ? null : text.has(name), shape, rowShape, opts.compression));
  }
  const block: EncodedBlock = { count, tsMin: count ? tsMin : 0, tsMax: count ? tsMax : 0, columns: out };
  if (omit !== undefined && opts.contentIdTags !== undefined) {
    if (opts.contentIdTags.length !== count) throw storeError('LS_STORE_BAD_REQUEST', 'block codec: a content-id tag per row');
    out.find((c) => c.meta.name === EVENT_ID)!.meta.contentIdTags = true;
    block.contentIdTags = opts.contentIdTags;
  }
  return block;
}

/**
 * Compresses in place what encodeBlock left raw (`compression: 'none'`):
 * the same bytes encodeBlock would have written, since a column stays raw
 * exactly when compressing it gains nothing (column-compression.ts). The
 * writer thread does this, so the receiving thread encodes and the writer
 * compresses (block-prepare.ts). Returns the block.
 */
export function compressBlock(block: EncodedBlock): EncodedBlock {
  const shapes = new Set<BlockShape>();
  for (const c of block.columns) {
    if (c.meta.shape !== undefined && !shapes.has(c.meta.shape)) {
      const shape = c.meta.shape;
      shapes.add(shape);
      if (shape.encoding === ENC_RAW) {
        const packed = compressColumn(shape.packed);
        shape.encoding = packed.encoding;
        shape.packed = packed.data;
      }
    }
    if (c.meta.encoding !== ENC_RAW) continue;
    const packed = compressColumn(c.data);
    c.meta.encoding = packed.encoding;
    c.data = packed.data;
  }
  return block;
}

/**
 * The event.id column of a block with content ids: the stored ids (maybe
 * none: then present 0 and no data) with a bloom of them, and the content
 * ids' blooms (EncodeOptions.contentIdBlooms).
 */
function idColumn(
  events: readonly LogEvent[],
  col: Gathered,
  count: number,
  shape: BlockShape | null,
  rowShape: Uint8Array,
  opts: EncodeOptions,
): EncodedColumn {
  let contentIdBlooms = opts.contentIdBlooms;
  if (contentIdBlooms === undefined) {
    const rows = opts.contentIdRows!;
    const ids: string[] = [];
    for (let i = 0; i < events.length; i++) if (rows[i] === 1) ids.push(events[i]![EVENT_ID]);
    contentIdBlooms = [buildValueBloom(ids, NO_TOKENS, ids.length, CONTENT_ID_BLOOM)];
  }
  if (col.values.length === 0) {
    const meta: ColumnMeta = { name: EVENT_ID, encoding: ENC_CONST, present: 0, types: T_STRING, min: null, max: null, bloom: null, contentIdBlooms };
    return { meta, data: new Uint8Array(0) };
  }
  const stored = encodeColumn(EVENT_ID, col, count, null, shape, rowShape, opts.compression);
  stored.meta.bloom = buildValueBloom(col.values as string[], NO_TOKENS, col.values.length);
  stored.meta.contentIdBlooms = contentIdBlooms;
  return stored;
}

/**
 * Whether a column may hold the value with this bloom key (bloom.ts
 * valueKey): its bloom (none: may), and for event.id the content ids'.
 */
export function columnMayHold(meta: ColumnMeta, key: string): boolean {
  if (meta.contentIdBlooms === undefined) return meta.bloom === null || bloomMayContain(meta.bloom, key);
  if (meta.present > 0 && (meta.bloom === null || bloomMayContain(meta.bloom, key))) return true;
  return meta.contentIdBlooms.some((b) => bloomMayContain(b, key));
}

const notNull = (v: FieldValue): v is string | number | boolean => v !== null;

/** isText: null = no bloom (timestamps), true = token bloom, false = value bloom. */
function encodeColumn(
  name: string,
  col: Gathered,
  count: number,
  isText: boolean | null,
  shape: BlockShape | null,
  rowShape: Uint8Array,
  compression?: BlockCompression,
): EncodedColumn {
  const values = col.values;
  const present = values.length;
  let types = 0;
  let min = Infinity;
  let max = -Infinity;
  let same = present === count;
  const first = values[0]!;
  // Indexed: for-of over arrays of every element kind allocated an iterator result per value.
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    types |= typeBit(v);
    if (typeof v === 'number' && Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (same && !Object.is(v, first)) same = false;
  }
  const bounds = min <= max;
  const meta: ColumnMeta = {
    name,
    encoding: ENC_CONST,
    present,
    types,
    min: bounds ? min : null,
    max: bounds ? max : null,
    bloom: null,
  };
  if (same) {
    meta.constValue = first;
    return { meta, data: new Uint8Array(0) };
  }
  if (isText !== null) meta.bloom = columnBloom(values, isText, types);
  let shapes: number[] | null = null;
  // Only a column missing from some rows needs its row list.
  const rows = present < count ? rowsOf(col) : null;
  if (shape !== null && rows !== null) {
    meta.shape = shape;
    const seen = new Uint8Array(256);
    for (let k = 0; k < rows.length; k++) seen[rowShape[rows[k]!]!] = 1;
    shapes = [];
    for (let s = 0; s < 256; s++) if (seen[s]) shapes.push(s);
  }
  const w = new ByteWriter(64 + values.length * 4);
  writePresence(w, rows, count, shapes);
  writeValues(w, values, types);
  const packed = compressColumn(w.finish(), compression);
  meta.encoding = packed.encoding;
  return { meta, data: packed.data };
}

/**
 * Content ids' blooms have 0.05 % false positives (16 bits a key, 11
 * probes) instead of ~1 %: a block a bloom lets through for `event.id:X`
 * has every row's content hashed (~2 µs a row), and a merged block carries
 * a bloom per block it was made of. At 1M events a lookup took 70-180 ms
 * with 1 %; the price is 0.75 bytes an event.
 */
const CONTENT_ID_BLOOM = { bitsPerKey: 16, probes: 11 };

const PROBE = 256;
const MAX_NUMBER_KEYS = 256;
const NO_TOKENS: ReadonlySet<string> = new Set();

function columnBloom(values: readonly FieldValue[], isText: boolean, types: number): Uint8Array | null {
  // Many different numbers (sizes, durations, pids) are searched by range,
  // which min/max prunes; their blooms were ~3% of the store on the bench corpus.
  const numbersOnly = !isText && (types & ~(T_NUMBER | T_NULL)) === 0;
  if (!isText && mostlyDistinct(values)) {
    if (numbersOnly) return null;
    // Ids and the like: a Set of them costs more than hashing each value,
    // repeats only set the same bits; the bloom is sized by the row count.
    const keys = types & T_NULL ? values.filter(notNull) : (values as readonly (string | number | boolean)[]);
    const elements = types & T_STRING ? arrayKeys(new Set(keys)) : null;
    if (elements) return buildValueBloom([...keys, ...elements.values], elements.tokens, keys.length + elements.values.length + 1);
    return keys.length ? buildValueBloom(keys, NO_TOKENS, keys.length) : null;
  }
  // Distinct values first (a native Set): most columns repeat a few values,
  // and text fields are tokenized once per distinct string.
  const distinct = new Set<string | number | boolean>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== null) distinct.add(v);
  }
  if (numbersOnly && distinct.size > MAX_NUMBER_KEYS) return null;
  let tokens = new Set<string>();
  // An array's JSON text: its elements are values of the column too (query package array-values.ts).
  const elements = !isText && types & T_STRING ? arrayKeys(distinct) : null;
  if (elements) {
    for (const v of elements.values) distinct.add(v);
    tokens = new Set(elements.tokens);
  }
  if (isText) {
    for (const v of distinct) {
      if (typeof v !== 'string') continue;
      distinct.delete(v);
      for (const t of tokenize(v)) tokens.add(t);
    }
  }
  return distinct.size + tokens.size ? buildValueBloom(distinct, tokens, distinct.size + tokens.size) : null;
}

/**
 * The elements of the values that are arrays' JSON text (null when none
 * is), and ARRAY_NUMBERS_KEY as a token when one of them is a number.
 */
function arrayKeys(values: ReadonlySet<FieldValue>): { values: (string | number | boolean)[]; tokens: string[] } | null {
  let out: (string | number | boolean)[] | null = null;
  let numbers = false;
  for (const v of values) {
    const elements = arrayElements(v);
    if (elements === null) continue;
    out ??= [];
    for (const e of elements) {
      out.push(e);
      if (typeof e === 'number') numbers = true;
    }
  }
  return out === null ? null : { values: out, tokens: numbers ? [ARRAY_NUMBERS_KEY] : [] };
}

/** Whether the first values are all different (ids; random numbers from a range repeat sooner). */
function mostlyDistinct(values: readonly FieldValue[]): boolean {
  if (values.length < PROBE * 2) return false;
  const seen = new Set<FieldValue>();
  for (let i = 0; i < PROBE; i++) seen.add(values[i]!);
  return seen.size === PROBE;
}

/** One column back: index i = row i; undefined where the field is absent. '@timestamp' comes back as epoch-ms numbers. */
/**
 * dictionary: keep a string column's dictionary beside it (column-dictionary.ts)
 * for the filters of a query; merges, which only re-encode, skip building it.
 */
export function decodeColumn(meta: ColumnMeta, data: Uint8Array, count: number, dictionary = false): (FieldValue | undefined)[] {
  const out = new Array<FieldValue | undefined>(count);
  if (meta.constValue !== undefined) {
    if (meta.present !== count) throw corrupt(`column ${meta.name}: constant but not in every row`);
    return out.fill(meta.constValue);
  }
  if (meta.present > count) throw corrupt(`column ${meta.name}: more present rows than the block has`);
  // An event.id column of content ids only (idColumn): nothing stored.
  if (meta.present === 0) return out;
  const r = new ByteReader(decompressColumn(meta.encoding, data));
  const rows = readPresence(r, meta.present, count, meta.shape);
  let dict: string[] | null = null;
  let indexes: Uint8Array | Uint16Array | null = null;
  const values = readValues(
    r,
    meta.present,
    meta.types,
    undefined,
    dictionary
      ? (d, i) => {
          dict = d;
          indexes = i;
        }
      : undefined,
  );
  if (!r.done) throw corrupt(`column ${meta.name}: trailing bytes`);
  const column = rows === null ? values : out;
  if (rows !== null) for (let i = 0; i < rows.length; i++) out[rows[i]!] = values[i];
  if (dict !== null && indexes !== null) keepCodes(column, dict, indexes, rows, count);
  return column;
}

/** Keeps a string column's dictionary beside it (column-dictionary.ts); `rows`: the present rows, null when all are. */
function keepCodes(column: readonly unknown[], dict: string[], indexes: Uint8Array | Uint16Array, rows: Int32Array | null, count: number): void {
  if (dict.length > MAX_KEPT_DICTIONARY) return;
  const codes = dict.length < 256 ? new Uint8Array(count) : new Uint16Array(count);
  if (rows === null) for (let i = 0; i < count; i++) codes[i] = indexes[i]! + 1;
  else for (let i = 0; i < rows.length; i++) codes[rows[i]!] = indexes[i]! + 1;
  keepDictionary(column, { values: dict, codes });
}

/**
 * Rows `rows` (ascending row numbers) of one column: value k is row
 * rows[k]'s (undefined where absent); null when none of them has the
 * column. Builds only those values (a page of hits out of a block of 16k
 * rows), reading the rest of the column through without building it.
 * `data` as stored, or already decompressed (`unpacked`: a reader's cache).
 */
export function decodeColumnRows(
  meta: ColumnMeta,
  data: Uint8Array | { unpacked: Uint8Array },
  count: number,
  rows: Int32Array,
): (FieldValue | undefined)[] | null {
  if (rows.length === 0) return null;
  if (rows[rows.length - 1]! >= count) throw corrupt(`column ${meta.name}: row outside the block`);
  if (meta.constValue !== undefined) {
    if (meta.present !== count) throw corrupt(`column ${meta.name}: constant but not in every row`);
    return new Array<FieldValue>(rows.length).fill(meta.constValue);
  }
  if (meta.present > count) throw corrupt(`column ${meta.name}: more present rows than the block has`);
  if (meta.present === 0) return null;
  const r = new ByteReader(data instanceof Uint8Array ? decompressColumn(meta.encoding, data) : data.unpacked);
  const at = presentPositions(r, meta.present, count, meta.shape, rows);
  let have = 0;
  for (let k = 0; k < at.length; k++) if (at[k]! >= 0) have++;
  if (have === 0) return null;
  const pick = new Int32Array(have);
  have = 0;
  for (let k = 0; k < at.length; k++) if (at[k]! >= 0) pick[have++] = at[k]!;
  const values = readValues(r, meta.present, meta.types, pick);
  if (!r.done) throw corrupt(`column ${meta.name}: trailing bytes`);
  const out = new Array<FieldValue | undefined>(rows.length);
  have = 0;
  for (let k = 0; k < at.length; k++) if (at[k]! >= 0) out[k] = values[have++];
  return out;
}
