/**
 * A syntax error inside a range that was opened and not closed
 * (`status:[500 TO`, `status:[500`, `ts:{now-1h TO`), said as what the range
 * still lacks, where it was opened and how it is written whole. Peggy only
 * knew its last alternative there: `expected whitespace but end of query
 * found` named neither the range nor the bracket.
 */
import { positionOf } from './errors.js';

export interface UnclosedRange {
  /** The sentence for the error at the parser's offset (what is missing, the opening column, the range written whole). */
  reason: string;
}

/**
 * The bracket (`[` or `{`) opening a range that is still open at `offset`,
 * skipping phrases and escapes; -1 when none is. A regex's character class
 * (`/[0-9]+/`) closes before its end, so it is not taken for a range.
 */
function openBracketBefore(query: string, offset: number): number {
  let open = -1;
  let phrase = false;
  for (let i = 0; i < offset && i < query.length; i++) {
    const c = query.charAt(i);
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"') phrase = !phrase;
    else if (phrase) continue;
    else if (c === '[' || c === '{') open = i;
    else if (c === ']' || c === '}') open = -1;
  }
  return phrase ? -1 : open;
}

/** A bound as the grammar reads one: a phrase or characters up to whitespace or a bracket. */
const BOUND = String.raw`(?:"(?:[^"\\]|\\.)*"|(?:[^\s[\]{}"\\]|\\.)+)`;
const INSIDE = new RegExp(String.raw`^\s*(${BOUND})?(?:\s+(TO)\b)?(?:\s+(${BOUND}))?\s*$`);

/** The syntax error's sentence when `offset` lies in a range left open, else null. */
export function unclosedRange(query: string, offset: number, found: string): UnclosedRange | null {
  const open = openBracketBefore(query, offset);
  if (open === -1) return null;
  // A range has a field (`status:[`); a bare `{` is more often Loki's `{job="x"}` (syntax-habits.ts says that one).
  const field = /([^\s():"[\]{}]+):\s*$/.exec(query.slice(0, open))?.[1];
  if (field === undefined || field === '_exists_') return null;
  const inside = INSIDE.exec(query.slice(open + 1, offset));
  if (!inside) return null;
  let [, lower, to, upper] = inside;
  // `status:[500..599]` (GitHub's, Kotlin's), `status:[500, 599]`: two bounds without "TO".
  let next: string | undefined;
  const pair = to === undefined && lower !== undefined ? /^(.+?)(?:\.\.|,)(.*)$/.exec(lower) : null;
  if (pair) [lower, next] = [pair[1]!, pair[2] || undefined];
  // `status:[ TO 5]`: "TO" read as the lower bound.
  if (lower === 'TO' && to === undefined) [lower, to] = [undefined, 'TO'];
  // `status:[500 TO 600)`: ")" is a bound's character, and the range ends at ")" for the user.
  const paren = upper?.endsWith(')') === true && upper.length > 1;
  if (paren) upper = upper!.slice(0, -1);
  // `status:[500 600]`: the next word would be the upper bound.
  next ??= /^\s*([^\s[\]{}()]+)\s*[\]}]/.exec(query.slice(offset))?.[1];
  const bracket = query.charAt(open);
  const close = bracket === '[' ? ']' : '}';
  const closing = `a closing "${close}"`;
  let missing: string;
  if (lower === undefined && to === undefined) missing = `its bounds (LOWER TO UPPER, * for an open end) and ${closing}`;
  else if (lower === undefined) missing = 'a lower bound before "TO" (* for none)';
  else if (to === undefined && next !== undefined) missing = '"TO" between its bounds';
  else if (to === undefined) missing = `"TO", an upper bound and ${closing}`;
  else if (upper === undefined) missing = `an upper bound and ${closing}`;
  else missing = paren ? `${closing} (")" does not close a range)` : closing;
  const example = `${field}:${bracket}${lower ?? (to === undefined ? 'LOWER' : '*')} TO ${upper ?? next ?? '*'}${close}`;
  const at = positionOf(query, open);
  const where = at.line > 1 ? `line ${at.line}, column ${at.column}` : `column ${at.column}`;
  return { reason: `the range opened at ${where} lacks ${missing} but ${found} found; write it whole: ${example}` };
}
