/** Go's single-character escapes (strconv.Quote writes these for their control characters). */
const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39 };

/** A Go-quoted string read: its value and the index just past its closing quote, or why it is not one. */
export type GoQuoted = { ok: true; value: string; end: number } | { ok: false; why: string };

/**
 * Reads the Go-quoted string whose opening `"` is at `text[start]`, as
 * strconv.Quote writes it (Promtail's and Alloy's label values, slog's
 * TextHandler, go-logfmt): every escape it makes is read, `\r`, `\x01`,
 * `\u200b` and a non-UTF-8 byte's `\xff` too. JSON's escapes are a subset,
 * bar `\/`, which is read as well.
 */
export function readGoQuoted(text: string, start: number): GoQuoted {
  let i = start + 1;
  // Bytes, not text: Go's \x and octal escapes are bytes, which may make up one UTF-8 character together.
  let bytes: number[] | null = null;
  let plainFrom = i;
  for (;;) {
    if (i >= text.length) return { ok: false, why: 'a value is not closed' };
    const ch = text.charCodeAt(i);
    if (ch === 0x22) break;
    if (ch !== 0x5c) {
      i++;
      continue;
    }
    bytes ??= [];
    if (i > plainFrom) for (const b of Buffer.from(text.slice(plainFrom, i), 'utf8')) bytes.push(b);
    const at = i;
    const next = text[i + 1] ?? '';
    const simple = next === '/' ? 47 : SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      bytes.push(simple);
      i += 2;
    } else if (next === 'x' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 2, i + 4))) {
      bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (/^[0-7]{3}$/.test(text.slice(i + 1, i + 4)) && parseInt(text.slice(i + 1, i + 4), 8) <= 255) {
      bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 4;
    } else if (next === 'u' || next === 'U') {
      const width = next === 'u' ? 4 : 8;
      const hex = text.slice(i + 2, i + 2 + width);
      const code = hex.length === width && /^[0-9A-Fa-f]+$/.test(hex) ? parseInt(hex, 16) : NaN;
      if (!(code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) return { ok: false, why: `escape at offset ${at} is not a Unicode character` };
      for (const b of Buffer.from(String.fromCodePoint(code), 'utf8')) bytes.push(b);
      i += 2 + width;
    } else {
      return { ok: false, why: `unknown escape at offset ${at}` };
    }
    plainFrom = i;
  }
  if (bytes === null) return { ok: true, value: text.slice(start + 1, i), end: i + 1 };
  if (i > plainFrom) for (const b of Buffer.from(text.slice(plainFrom, i), 'utf8')) bytes.push(b);
  return { ok: true, value: Buffer.from(bytes).toString('utf8'), end: i + 1 };
}
