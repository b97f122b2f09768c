import { errors } from '../../errors.js';

/** Go's single-character escapes (strconv.Quote writes these for their control characters). */
const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39 };

/**
 * Parses a Prometheus label set as Loki's protobuf push carries it:
 * `{job="varlogs", filename="/var/log/syslog"}`, values as Go-quoted strings
 * (Promtail and Alloy write them with strconv.Quote: every escape it makes
 * is read, `\r`, `\x01`, `\u200b` and a non-UTF-8 byte's `\xff` too, since a
 * label it cannot read costs the whole push).
 * Throws LS_INGEST_BAD_PAYLOAD on anything else.
 */
export function parseLabelSet(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = skipSpace(text, 0);
  if (text[i] !== '{') throw bad(text, 'it does not start with "{"');
  i = skipSpace(text, i + 1);
  if (text[i] === '}') return finishAt(text, i + 1, out);
  for (;;) {
    const nameStart = i;
    while (i < text.length && /[A-Za-z0-9_.:]/.test(text[i]!)) i++;
    if (i === nameStart) throw bad(text, `a label name was expected at offset ${i}`);
    const name = text.slice(nameStart, i);
    i = skipSpace(text, i);
    if (text[i] !== '=') throw bad(text, `"=" was expected at offset ${i}`);
    i = skipSpace(text, i + 1);
    if (text[i] !== '"') throw bad(text, `a quoted value was expected at offset ${i}`);
    i++;
    // Bytes, not text: Go's \x and octal escapes are bytes, which may make up one UTF-8 character together.
    const bytes: number[] = [];
    const valueStart = i;
    let escaped = false;
    let plainFrom = i;
    const flushPlain = (to: number): void => {
      if (to > plainFrom) for (const b of Buffer.from(text.slice(plainFrom, to), 'utf8')) bytes.push(b);
    };
    for (;;) {
      if (i >= text.length) throw bad(text, 'a value is not closed');
      const ch = text[i]!;
      if (ch === '"') break;
      if (ch !== '\\') {
        i++;
        continue;
      }
      escaped = true;
      flushPlain(i);
      const at = i;
      const next = text[i + 1] ?? '';
      const simple = SIMPLE_ESCAPES[next];
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
        if (!(code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) throw bad(text, `escape at offset ${at} is not a Unicode character`);
        for (const b of Buffer.from(String.fromCodePoint(code), 'utf8')) bytes.push(b);
        i += 2 + width;
      } else {
        throw bad(text, `unknown escape at offset ${at}`);
      }
      plainFrom = i;
    }
    if (escaped) {
      flushPlain(i);
      out[name] = Buffer.from(bytes).toString('utf8');
    } else {
      out[name] = text.slice(valueStart, i);
    }
    i = skipSpace(text, i + 1);
    if (text[i] === ',') {
      i = skipSpace(text, i + 1);
      if (text[i] === '}') return finishAt(text, i + 1, out);
      continue;
    }
    if (text[i] === '}') return finishAt(text, i + 1, out);
    throw bad(text, `"," or "}" was expected at offset ${i}`);
  }
}

function finishAt(text: string, i: number, out: Record<string, string>): Record<string, string> {
  if (skipSpace(text, i) !== text.length) throw bad(text, `unexpected text after "}" at offset ${i}`);
  return out;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

function bad(text: string, why: string): Error {
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return errors.badPayload(`stream labels ${JSON.stringify(shown)} are not a label set: ${why}`);
}
