/**
 * A cheap necessary condition for text terms and phrases, tried on a value
 * before the matcher: every token is a substring of the lower-cased value
 * (tokenize() lower-cases, then takes runs of letters and digits).
 *
 * An ASCII token is looked for with a case-insensitive regex, without
 * lower-casing the value. Two non-ASCII characters lower-case to ASCII
 * (U+0130 to "i̇", U+212A KELVIN SIGN to "k"), which the regex would not
 * see: a value holding one is lower-cased as tokenize does. The first
 * token and those two characters are one regex, so the usual value (no
 * token in it) costs one scan; it was two (the token, then a scan for any
 * non-ASCII character), a tenth of a phrase search at 1M events.
 */
import type { FieldValue } from '@logship/query/core';

const NON_ASCII = /[^\x00-\x7f]/;
const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/** The characters outside ASCII whose toLowerCase() holds ASCII (text-precheck.test.ts derives them again). */
export const LOWER_TO_ASCII = '\u0130\u212a';
const LOWERS_TO_ASCII = new RegExp(`[${LOWER_TO_ASCII}]`);

const escape = (t: string): string => t.replace(ESCAPE, '\\$&');

export function textPrecheck(tokens: readonly string[]): (v: FieldValue | undefined) => boolean {
  const lowered = (v: string): boolean => {
    const lower = v.toLowerCase();
    return tokens.every((t) => lower.includes(t));
  };
  if (tokens.length === 0 || tokens.some((t) => NON_ASCII.test(t))) return (v) => typeof v === 'string' && lowered(v);
  const first = new RegExp(`${escape(tokens[0]!)}|[${LOWER_TO_ASCII}]`, 'i');
  const res = tokens.map((t) => new RegExp(escape(t), 'i'));
  return (v) => {
    if (typeof v !== 'string' || !first.test(v)) return false;
    if (res.every((re) => re.test(v))) return true;
    return LOWERS_TO_ASCII.test(v) && lowered(v);
  };
}
