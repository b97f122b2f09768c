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
  /** The rows' Object.keys, as matched. */
  match: readonly string[];
  /** The fields stored: `match` less the omitted key, or less keys whose value is undefined. */
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
  // Keyed by key count, twice over: rows that omit a key match other shapes than rows that keep it.
  const byLength = new Map<number, Shape[]>();
  let shapes = 0;
  const rowShape = new Uint8Array(count);
  for (let row = 0; row < count; row++) {
    const e = events[row]!;
    const all = Object.keys(e);
    const omitting = omit !== undefined && omit.rows[row] === 1;
    let holed = false;
    for (let k = 0; k < all.length; k++) {
      if (e[all[k]!] === undefined) {
        holed = true;
        break;
      }
    }
    if (shapes > MAX_TRACKED || holed) {
      const keys = storedKeys(e, all, omitting ? omit.key : undefined);
      if (shapes > MAX_TRACKED) {
        for (const name of keys) {
          const col = column(name);
          col.rows.push(row);
          col.values.push(e[name]!);
        }
        continue;
      }
      // A row with an undefined value is its own kind of row: matched by its stored keys.
      addRow(row, e, keys, keys, omitting);
      continue;
    }
    addRow(row, e, all, null, omitting);
  }

  function addRow(row: number, e: LogEvent, match: readonly string[], stored: readonly string[] | null, omitting: boolean): void {
    const slot = match.length * 2 + (omitting ? 1 : 0);
    let list = byLength.get(slot);
    if (list === undefined) byLength.set(slot, (list = []));
    let shape: Shape | undefined;
    for (const s of list) {
      if (sameKeys(s.match, match)) {
        shape = s;
        break;
      }
    }
    if (shape === undefined) {
      const keys = stored ?? storedKeys(e, match, omitting ? omit!.key : undefined);
      shape = { id: shapes++, match, keys, cols: keys.map(column) };
      list.push(shape);
    }
    if (shape.id <= maxShapes) rowShape[row] = shape.id;
    const { keys, cols } = shape;
    for (let k = 0; k < keys.length; k++) {
      const col = cols[k]!;
      col.rows.push(row);
      col.values.push(e[keys[k]!]!);
    }
  }
  return { columns, rowShape, shapes };
}

/** `all` less `omitted` and less the keys whose value is undefined. */
function storedKeys(e: LogEvent, all: readonly string[], omitted: string | undefined): string[] {
  return all.filter((x) => x !== omitted && e[x] !== undefined);
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
