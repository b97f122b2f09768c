/**
 * `ingest.redact` from the config file: each entry a pattern, or a rule
 * with its options; every pattern is compiled here, so one V8's linear
 * engine cannot run (normalize/linear-regex.ts) stops the server at start
 * with the entry it is, not at the first line it meets.
 */
import { DEFAULT_REPLACEMENT, RESERVED_FIELDS, type RedactRule } from '../normalize/redactor.js';
import { linearRegex, LinearRegexError } from '../normalize/linear-regex.js';
import { configErrors as errors } from './config-errors.js';

export type RawRedactRule = string | { name?: string; pattern: string; replacement?: string; fields?: string[]; ignore_case?: boolean };

export function redactRules(raw: readonly RawRedactRule[]): RedactRule[] {
  const names = new Set<string>();
  return raw.map((entry, i) => {
    const r = typeof entry === 'string' ? { pattern: entry } : entry;
    const at = typeof entry === 'string' ? `ingest.redact[${i}]` : `ingest.redact[${i}].pattern`;
    try {
      linearRegex(r.pattern, r.ignore_case ?? false);
    } catch (err) {
      if (err instanceof LinearRegexError) throw errors.configInvalid(at, err.message);
      throw err;
    }
    const reserved = r.fields?.find((f) => RESERVED_FIELDS.has(f));
    if (reserved !== undefined) throw errors.configInvalid(`ingest.redact[${i}].fields`, `names ${reserved}, which the store keeps as it is (it is never redacted)`);
    // `$\`` and `$'` put the text before or after the match in its place: a value with many matches grows as its square.
    if (r.replacement !== undefined && /\$[`']/.test(r.replacement.replaceAll('$$', ''))) {
      throw errors.configInvalid(`ingest.redact[${i}].replacement`, "uses $` or $', which are not supported ($1, $<name> and $& are)");
    }
    const name = r.name ?? r.pattern;
    // The metric's label: two rules under one name would add up unseen.
    if (names.has(name)) throw errors.configInvalid(`ingest.redact[${i}]`, `has the name "${name}" an earlier rule has`);
    names.add(name);
    return {
      name,
      pattern: r.pattern,
      replacement: r.replacement ?? DEFAULT_REPLACEMENT,
      ...(r.fields !== undefined ? { fields: r.fields } : {}),
      ...(r.ignore_case !== undefined ? { ignore_case: r.ignore_case } : {}),
    };
  });
}
