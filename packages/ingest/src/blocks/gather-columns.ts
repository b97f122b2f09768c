/**
 * Events (rows) to columns: per field the rows that have it and their
 * values, plus each row's shape (its list of present fields, block-shape.ts).
 * Rows of one format share their field list, so a row's columns are found
 * by matching its keys against the shapes seen so far (comparisons of
 * interned strings) rather than one Map lookup per field.
 *
 * Two passes: the first finds each row's shape and so each column's size,
 * the second fills arrays made at that size. Arrays grown a value at a time
 * were the largest garbage of a write (each growth a copy).
 */
import type { FieldValue, LogEvent } from '@logship/query/core';

export interface Gathered {
  /** The rows that have the field, ascending; null when every row has it (rowsOf gives them). */
  rows: number[] | null;
  values: FieldValue[];
}

/** The rows that have the field, ascending. */
export function rowsOf(col: Gathered): readonly number[] {
  if (col.rows !== null) return col.rows;
  const rows = new Array<number>(col.values.length);
  for (let r = 0; r < rows.length; r++) rows[r] = r;
  return rows;
}

/** A column while it is gathered: its size counted in the first pass, filled to it in the second. */
interface Building extends Gathered {
  size: number;
  filled: number;
}

interface Shape {
  id: number;
  /** The rows' keys, as matched. */
  match: readonly string[];
  /** The fields stored: `match` less the omitted key, or less keys whose value is undefined. */
  keys: readonly string[];
  cols: Building[];
  /** Rows of this shape. */
  rows: number;
}

export interface GatheredBlock {
  columns: Map<string, Gathered>;
  /** Shape id per row; meaningful only while `shapes` ≤ maxShapes. */
  rowShape: Uint8Array;
  shapes: number;
}

/** Past this many shapes, rows go field by field through the column map (no shape ids either). */
const MAX_TRACKED = 1024;

/** What one gatherColumns call builds, passed to its helpers (module-level, not closures: sqlite/group-batch.ts ToItem). */
interface Gathering {
  columns: Map<string, Building>;
  /** Keyed by key count, twice over: rows that omit a key match other shapes than rows that keep it. */
  byLength: Map<number, Shape[]>;
  shapes: number;
  rowShape: Uint8Array;
  maxShapes: number;
  omitKey: string | undefined;
}

/** omit: rows (flag 1) whose `omit.key` is not stored (content ids, block-codec.ts). */
export function gatherColumns(
  events: readonly LogEvent[],
  first: readonly string[],
  maxShapes: number,
  omit?: { key: string; rows: Uint8Array },
): GatheredBlock {
  const count = events.length;
  const g: Gathering = { columns: new Map(), byLength: new Map(), shapes: 0, rowShape: new Uint8Array(count), maxShapes, omitKey: omit?.key };
  for (const name of first) column(g, name);
  // Per row, its shape, or (past MAX_TRACKED shapes) its stored keys.
  const rowShapes = new Array<Shape | readonly string[]>(count);
  for (let row = 0; row < count; row++) {
    const e = events[row]!;
    const omitting = omit !== undefined && omit.rows[row] === 1;
    // Counted and checked by for-in, which walks V8's cached key list of the
    // row's shape: Object.keys made an array a row.
    let n = 0;
    let holed = false;
    for (const k in e) {
      n++;
      if (e[k] === undefined) holed = true;
    }
    if (g.shapes <= MAX_TRACKED && !holed) {
      rowShapes[row] = shapeOf(g, row, e, n, null, null, omitting);
      continue;
    }
    const keys = storedKeys(e, Object.keys(e), omitting ? g.omitKey : undefined);
    if (g.shapes > MAX_TRACKED) {
      for (const name of keys) column(g, name).size++;
      rowShapes[row] = keys;
      continue;
    }
    // A row with an undefined value is its own kind of row: matched by its stored keys.
    rowShapes[row] = shapeOf(g, row, e, keys.length, keys, keys, omitting);
  }
  for (const list of g.byLength.values()) for (const s of list) for (const col of s.cols) col.size += s.rows;
  for (const col of g.columns.values()) {
    col.values = new Array<FieldValue>(col.size);
    col.rows = col.size === count ? null : new Array<number>(col.size);
  }
  for (let row = 0; row < count; row++) {
    const e = events[row]!;
    const s = rowShapes[row]!;
    if (isShape(s)) {
      const { keys, cols } = s;
      for (let k = 0; k < keys.length; k++) put(cols[k]!, row, e[keys[k]!]!);
    } else {
      for (const name of s) put(g.columns.get(name)!, row, e[name]!);
    }
  }
  return { columns: g.columns, rowShape: g.rowShape, shapes: g.shapes };
}

function isShape(s: Shape | readonly string[]): s is Shape {
  return !Array.isArray(s);
}

function put(col: Building, row: number, value: FieldValue): void {
  const at = col.filled++;
  col.values[at] = value;
  if (col.rows !== null) col.rows[at] = row;
}

function column(g: Gathering, name: string): Building {
  let col = g.columns.get(name);
  if (col === undefined) g.columns.set(name, (col = { rows: null, values: [], size: 0, filled: 0 }));
  return col;
}

/**
 * The row's shape, counted: found among those of its key count, else made.
 * match: the keys the row is matched by, `length` of them; null for the
 * row's own keys (its for-in order), read only when no shape has them.
 */
function shapeOf(g: Gathering, row: number, e: LogEvent, length: number, match: readonly string[] | null, stored: readonly string[] | null, omitting: boolean): Shape {
  const slot = length * 2 + (omitting ? 1 : 0);
  let list = g.byLength.get(slot);
  if (list === undefined) g.byLength.set(slot, (list = []));
  let shape: Shape | undefined;
  for (const s of list) {
    if (match !== null ? sameKeys(s.match, match) : hasKeys(e, s.match)) {
      shape = s;
      break;
    }
  }
  if (shape === undefined) {
    match ??= Object.keys(e);
    const keys = stored ?? storedKeys(e, match, omitting ? g.omitKey : undefined);
    const cols = new Array<Building>(keys.length);
    for (let k = 0; k < keys.length; k++) cols[k] = column(g, keys[k]!);
    shape = { id: g.shapes++, match, keys, cols, rows: 0 };
    list.push(shape);
  }
  if (shape.id <= g.maxShapes) g.rowShape[row] = shape.id;
  shape.rows++;
  return shape;
}

/** `all` less `omitted` and less the keys whose value is undefined. */
function storedKeys(e: LogEvent, all: readonly string[], omitted: string | undefined): string[] {
  const keys: string[] = [];
  for (let k = 0; k < all.length; k++) {
    const x = all[k]!;
    if (x !== omitted && e[x] !== undefined) keys.push(x);
  }
  return keys;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether the row's keys are `keys`, in order (the caller checked the count). */
function hasKeys(e: LogEvent, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in e) if (k !== keys[i++]) return false;
  return true;
}
