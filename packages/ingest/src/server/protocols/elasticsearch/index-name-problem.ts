/**
 * What Elasticsearch says is wrong with an index name a `_bulk` item or a
 * single-document write names, or null when it would take it: its
 * `invalid_index_name_exception` reasons, in its order (8.x
 * MetadataCreateIndexService.validateIndexOrAliasName, then the lower-case
 * check), checked against a real 8.19 node. logship keeps the name as the
 * event's `es.index` only, but a shipper that works here must work when
 * pointed at Elasticsearch, and one misconfigured (`Logs-App`, `logs app`)
 * should hear so from its first bulk, not after a move. `.` and `..` never
 * get here: Elasticsearch, and the path routing, read them as no index.
 */
export function indexNameProblem(index: string): string | null {
  // A date math name (`<logs-{now/d}>`, `<logs-{now/M{yyyy.MM}}>`): Elasticsearch resolves it
  // first and checks the name it makes (logs-2026.12.08), which its `<`, `>` and `{` are not in.
  // Taken as before these checks (stored as given): its resolution is not done here.
  if (DATE_MATH.test(index)) return null;
  if (INVALID_CHARS.test(index)) return `must not contain the following characters [${LISTED}]`;
  if (index.includes('#')) return "must not contain '#'";
  if (index.includes(':')) return "must not contain ':'";
  if (/^[_\-+]/.test(index)) return "must not start with '_', '-', or '+'";
  const bytes = Buffer.byteLength(index);
  if (bytes > MAX_BYTES) return `index name is too long, (${bytes} > ${MAX_BYTES})`;
  if (index === '.' || index === '..') return "must not be '.' or '..'";
  // Locale.ROOT lower-casing, as Java's: JavaScript's toLowerCase is locale-independent too.
  if (index.toLowerCase() !== index) return 'must be lowercase';
  return null;
}

const MAX_BYTES = 255;
/** Elasticsearch's date math index name: in angle brackets, with a `{…}` expression. */
const DATE_MATH = /^<[^{}]*\{.*\}[^{}]*>$/s;
/** Elasticsearch's Strings.INVALID_FILENAME_CHARS, as its message lists them. */
const LISTED = `' ','"','*',',','/','<','>','?','\\','|'`;
const INVALID_CHARS = /[ "*,/<>?\\|]/;
