/**
 * A count flag (`search --limit`, `top`/`stats --size`) read as decimal
 * digits only, as the API reads the same parameters (http/integer-params.ts):
 * `Number()` took `--limit 0x10` as 16 and `--limit 1e2` as 100.
 */
const DIGITS = /^[0-9]+$/;

/** The flag's value as a number of 1 or more, or null when it is not written so. */
export function wholeNumberFlag(text: string): number | null {
  if (!DIGITS.test(text)) return null;
  const n = Number(text);
  return n >= 1 ? n : null;
}

/** The line that refuses it (exit 2). */
export function wholeNumberRefusal(flag: string, text: string): string {
  return `${flag} must be a positive whole number in decimal digits, not "${text}"`;
}
