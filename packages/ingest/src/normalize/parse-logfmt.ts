import { putField, type FlatRecord } from './flatten-fields.js';
import { readGoQuoted } from './go-quoted.js';

/**
 * The pairs of a logfmt line (`ts=… level=error msg="login failed"
 * user=bob duration_ms=12`, as go-kit, logrus, zerolog's console writer,
 * slog's TextHandler and Grafana, Loki and Prometheus themselves write), or
 * null when the line is not logfmt through and through: two pairs at
 * least, nothing but `key=value` separated by blanks. A bare word anywhere
 * (`user=bob logged in`) makes it prose, left to plain-text sniffing.
 *
 * A key is any run of characters above space but `=` and `"`; a value is
 * bare (up to the next blank; `=` inside it is kept, as in a URL's query)
 * or Go-quoted (strconv.Quote's escapes, readGoQuoted). A bare value that
 * is a number in its own canonical form (`200`, `-3`, `0.25`, not `007`
 * or `1.10`) is that number, so `status:>=500` and `duration_ms:>1000`
 * find it as in a JSON line; everything else, quoted numbers included, is
 * text. The first of a repeated key wins; the others are kept as
 * `<key>_original` (`_original_2`, …).
 */
export function parseLogfmt(line: string): FlatRecord | null {
  const pairs: FlatRecord = {};
  let count = 0;
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (c <= 0x20 || c === 0x3d || c === 0x22) break;
      i++;
    }
    // No key, or a key with no `=`: not logfmt (checked first, so prose is given up on at its first word).
    if (i === keyStart || line.charCodeAt(i) !== 0x3d) return null;
    const key = line.slice(keyStart, i);
    i++;
    let value: string | number;
    if (line.charCodeAt(i) === 0x22) {
      const quoted = readGoQuoted(line, i);
      if (!quoted.ok) return null;
      value = quoted.value;
      i = quoted.end;
      if (i < n && !isBlank(line.charCodeAt(i))) return null;
    } else {
      const valueStart = i;
      while (i < n) {
        const c = line.charCodeAt(i);
        if (isBlank(c)) break;
        if (c === 0x22) return null;
        i++;
      }
      value = bareValue(line.slice(valueStart, i));
    }
    // A repeated key's later values go to `<key>_original` (nothing sent is
    // lost); `__proto__=x` is a key like any other, as JSON.parse makes it.
    putField(pairs, key, value);
    count++;
  }
  return count >= 2 ? pairs : null;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

function bareValue(text: string): string | number {
  if (!NUMBER.test(text)) return text;
  const n = Number(text);
  return Number.isFinite(n) && String(n) === text ? n : text;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}
