/**
 * Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a
 * character. Returns the input itself when it already fits, so callers can
 * tell by identity whether anything was cut.
 */
export function truncateValue(value: string, maxBytes: number): string {
  // Fast path: a UTF-16 code unit is at most 3 UTF-8 bytes.
  if (value.length * 3 <= maxBytes) return value;
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length <= maxBytes) return value;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so the cut lands on a boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
