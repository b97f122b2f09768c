/**
 * The one order of field names on the page: `@timestamp` first, then
 * natural order (attr_2 before attr_10), as people number their fields. The
 * opened row and the field sidebar share it: the sidebar read field_0,
 * field_10, field_100, field_11 … (the API's plain text order) beside an
 * opened row reading field_0, field_1, field_2 ….
 */
const NATURAL = new Intl.Collator(undefined, { numeric: true });

export function compareFieldNames(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '@timestamp') return -1;
  if (b === '@timestamp') return 1;
  return NATURAL.compare(a, b);
}
