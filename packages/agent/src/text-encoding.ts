/**
 * A file source's `encoding`: how its bytes become text. Lines are framed on
 * the byte 0x0A first (line-framer.ts), so only encodings where that byte is
 * always a newline fit: UTF-8 and the one-byte Western encodings that
 * Filebeat's `encoding` and Promtail's `encoding` users set for old
 * applications and Windows-made files (`latin1` is ISO-8859-1, every byte
 * the code point of its value; `windows-1252` has its letters and signs at
 * 0x80–0x9F, € “ ” …). UTF-16 would need framing on 0x0A 0x00.
 */
export const FILE_ENCODINGS = ['utf-8', 'latin1', 'iso-8859-1', 'windows-1252'] as const;
export type FileEncoding = (typeof FILE_ENCODINGS)[number];

// windows-1252's 0x80–0x9F (undefined ones stay the C1 control latin1 gives). Node's own
// TextDecoder('windows-1252') decodes these as latin1 (nodejs/node#56542), so they are mapped here.
const CP1252_HIGH = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';
const C1 = /[\x80-\x9f]/g;

/** Decodes a line's bytes. Only UTF-8 can be invalid: the tail flags such a line, and the server keeps U+FFFD for its bad bytes. */
export function textDecoder(encoding: FileEncoding): (bytes: Buffer) => string {
  switch (encoding) {
    case 'latin1':
    case 'iso-8859-1':
      return (bytes) => bytes.toString('latin1');
    case 'windows-1252':
      return (bytes) => bytes.toString('latin1').replace(C1, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
    default:
      return (bytes) => bytes.toString('utf8');
  }
}
