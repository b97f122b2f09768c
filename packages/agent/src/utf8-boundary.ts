/** The length of `bytes` without an incomplete UTF-8 character at its end. */
export function utf8Boundary(bytes: Buffer): number {
  let i = bytes.length;
  // Back over continuation bytes (10xxxxxx) to the lead byte of the last character.
  let back = 0;
  while (i > 0 && back < 3 && (bytes[i - 1]! & 0xc0) === 0x80) { i--; back++; }
  if (i === 0) return bytes.length;
  const lead = bytes[i - 1]!;
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return need > back ? i - 1 : bytes.length;
}
