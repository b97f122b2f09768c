/**
 * Events (rows) to columns: per field the rows that have it and their
 * values, plus each row's shape (its list of present fields, block-shape.ts).
 * Rows of one format share their field list, so a row's columns are found
 * by matching its Object.keys against the shapes seen so far (comparisons of
 * interned strings) rather than one Map lookup per field.
 */
import type { FieldValue, LogEvent } from '@logship/query';

export interface Gathered {
  rows: number[];
  values: FieldValue[];
}

interface Shape {
  id: number;
  keys: readonly string[];
  cols: Gathered[];
}

export interface GatheredBlock {
  columns: Map<string, Gathered>;
  /** Shape id per row; meaningful only while `shapes` ≤ maxShapes. */
  rowShape: Uint8Array;
  shapes: number;
}

/** Past this many shapes, rows go field by field through the column map (no shape ids either). */
const MAX_TRACKED = 1024;

/** omit: rows (flag 1) whose `omit.key` is not stored (content ids, block-codec.ts). */
export function gatherColumns(
  events: readonly LogEvent[],
  first: readonly string[],
  maxShapes: number,
  omit?: { key: string; rows: Uint8Array },
): GatheredBlock {
  const count = events.length;
  const columns = new Map<string, Gathered>();
  for (const name of first) columns.set(name, { rows: [], values: [] });
  const column = (name: string): Gathered => {
    let col = columns.get(name);
    if (col === undefined) columns.set(name, (col = { rows: [], values: [] }));
    return col;
  };
  const byLength = new Map<number, Shape[]>();
  let shapes = 0;
  const rowShape = new Uint8Array(count);
  for (let row = 0; row < count; row++) {
    const e = events[row]!;
    let keys = Object.keys(e);
    if (omit !== undefined && omit.rows[row] === 1) keys = keys.filter((x) => x !== omit.key);
    for (let k = 0; k < keys.length; k++) {
      if (e[keys[k]!] === undefined) {
        keys = keys.filter((x) => e[x] !== undefined);
        break;
      }
    }
    if (shapes > MAX_TRACKED) {
      for (const name of keys) {
        const col = column(name);
        col.rows.push(row);
        col.values.push(e[name]!);
      }
      continue;
    }
    let list = byLength.get(keys.length);
    if (list === undefined) byLength.set(keys.length, (list = []));
    let shape: Shape | undefined;
    for (const s of list) {
      if (sameKeys(s.keys, keys)) {
        shape = s;
        break;
      }
    }
    if (shape === undefined) {
      shape = { id: shapes++, keys, cols: keys.map(column) };
      list.push(shape);
    }
    if (shape.id <= maxShapes) rowShape[row] = shape.id;
    const cols = shape.cols;
    for (let k = 0; k < keys.length; k++) {
      const col = cols[k]!;
      col.rows.push(row);
      col.values.push(e[keys[k]!]!);
    }
  }
  return { columns, rowShape, shapes };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
