/**
 * Strings to bytes and back, exactly. JSON may carry lone surrogates
 * ("\ud800"), which UTF-8 cannot hold (TextEncoder turns them into U+FFFD);
 * such strings are written as 0xFF + UTF-16LE instead. 0xFF never occurs in
 * UTF-8, so the first byte tells the two apart.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

export function isWellFormed(s: string): boolean {
  return !ANY_SURROGATE.test(s) || !LONE_SURROGATE.test(s);
}

export function encodeString(s: string): Uint8Array {
  if (isWellFormed(s)) return Buffer.from(s, 'utf8');
  const b = Buffer.allocUnsafe(1 + s.length * 2);
  b[0] = 0xff;
  b.write(s, 1, 'utf16le');
  return b;
}

export function decodeString(b: Uint8Array): string {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (buf.length > 0 && buf[0] === 0xff) return buf.toString('utf16le', 1);
  return buf.toString('utf8');
}
