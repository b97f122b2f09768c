/**
 * Reading a few rows of a column (a page of hits) rather than all of them:
 * the readers take `pick`, the ascending positions of the values wanted
 * among a run's values, read the run through (the next run starts after
 * it) and build only the picked values (a string built per row was most of
 * the cost of rebuilding hits).
 */
import { corrupt } from './byte-reader.js';

/** The values at `pick` (ascending positions inside `values`), for readers that read every value anyway. */
export function pickValues<T>(values: readonly T[], pick: Int32Array): T[] {
  const out = new Array<T>(pick.length);
  for (let k = 0; k < pick.length; k++) {
    const i = pick[k]!;
    if (i >= values.length) throw corrupt('values: row outside the run');
    out[k] = values[i]!;
  }
  return out;
}
