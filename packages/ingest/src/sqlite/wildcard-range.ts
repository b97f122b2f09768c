/**
 * A wildcard clause's index prefilter on the row store: the literal text
 * its pattern starts with, as a range of strings an index can seek
 * (compile-sql.ts leafSql; the exact match, ls_wildcard, follows it).
 */

/** The literal text a wildcard pattern starts with (escapes removed). */
export function wildcardPrefix(pattern: string): string {
  const cps = Array.from(pattern);
  let out = '';
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i] as string;
    if (c === '\\' && i + 1 < cps.length) out += cps[++i] as string;
    else if (c === '*' || c === '?') break;
    else out += c;
  }
  return out;
}

/**
 * Strings starting with `prefix` as an index range: [prefix, prefix with
 * its last code point + 1). Only a prefilter (the exact match follows), so
 * it is left open above when incrementing is not clean (surrogates, the
 * last code point), and is just `>= ''` (strings only) without a prefix.
 */
export function prefixRange(value: string, prefix: string, bind: (value: string) => string): string {
  if (prefix === '' || /[\uD800-\uDFFF]/.test(prefix)) return `${value} >= ''`;
  const cps = Array.from(prefix);
  const last = (cps.pop() as string).codePointAt(0) as number;
  if (last === 0xd7ff || last >= 0x10ffff) return `${value} >= ${bind(prefix)}`;
  const next = cps.join('') + String.fromCodePoint(last + 1);
  return `${value} >= ${bind(prefix)} AND ${value} < ${bind(next)}`;
}
