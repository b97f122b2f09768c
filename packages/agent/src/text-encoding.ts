/**
 * A file source's `encoding`: how its bytes become text. Lines are framed on
 * the byte 0x0A first (line-framer.ts), so only encodings where that byte is
 * always a newline fit: UTF-8 and the one-byte Western encodings that
 * Filebeat's `encoding` and Promtail's `encoding` users set for old
 * applications and Windows-made files (`latin1` is ISO-8859-1, every byte
 * the code point of its value; `windows-1252` has its letters and signs at
 * 0x80–0x9F, € “ ” …). UTF-16 (Windows' "Unicode") is framed on its own
 * newline code unit (utf16-line-framer.ts); a file that starts with a UTF-16
 * byte order mark is read as UTF-16 whatever `encoding` says (`bomEncoding`).
 */
export const FILE_ENCODINGS = ['utf-8', 'latin1', 'iso-8859-1', 'windows-1252', 'utf-16le', 'utf-16be'] as const;
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
    case 'utf-16le':
      return (bytes) => bytes.toString('utf16le');
    case 'utf-16be':
      // Node has no utf16be: swapped into a copy (the framer's lines are copies already, but a view must stay intact).
      return (bytes) => Buffer.from(bytes.subarray(0, bytes.length & ~1)).swap16().toString('utf16le');
    default:
      return (bytes) => bytes.toString('utf8');
  }
}

/**
 * The encoding a file's byte order mark says, or null. FF FE and FE FF never
 * start UTF-8, Latin-1 or windows-1252 text anyone logs (`ÿþ`), so a BOM wins
 * over the source's `encoding`: without it, a Windows application's UTF-16 log
 * arrived as one U+FFFD-and-NUL event per line. (FF FE 00 00 would be UTF-32LE,
 * which no logger we know of writes.)
 */
export function bomEncoding(head: Buffer): 'utf-16le' | 'utf-16be' | null {
  if (head.length < 2) return null;
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

/** A newline in `encoding`, as multiline puts it between joined lines. */
export function newlineBytes(encoding: FileEncoding): Buffer {
  if (encoding === 'utf-16le') return Buffer.from([0x0a, 0x00]);
  if (encoding === 'utf-16be') return Buffer.from([0x00, 0x0a]);
  return Buffer.from('\n');
}
