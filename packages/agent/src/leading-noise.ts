import type { FramedLine } from './line-framer.js';
import type { FileEncoding } from './text-encoding.js';

/**
 * A line without what leads it and is not text: a UTF-8 byte order mark on
 * a file's first line, and NUL bytes. `wrapped`: the line is a docker or CRI
 * runtime's, parsed whole (a hole makes it not JSON/CRI), so left as it is.
 */
export function withoutLeadingNoise(line: FramedLine, encoding: FileEncoding, wrapped: boolean): FramedLine {
  // A UTF-8 byte order mark (Notepad, PowerShell 5's `Out-File -Encoding utf8`) is not text:
  // kept, it was the first line's first character, and a JSON first line was not parsed.
  if (line.start === 0 && encoding === 'utf-8' && line.text.length >= 3 && line.text[0] === 0xef && line.text[1] === 0xbb && line.text[2] === 0xbf) {
    line = { ...line, text: line.text.subarray(3) };
  }
  // NUL bytes leading a line are the hole an application without O_APPEND leaves when it
  // writes on at its old offset after copytruncate: shipped, they made one event of
  // kilobytes of NULs (in 64 KiB parts) before its first line's text. Not in UTF-16, where
  // a NUL is half of a character.
  if (line.text[0] === 0 && !wrapped && encoding !== 'utf-16le' && encoding !== 'utf-16be') {
    let i = 1;
    while (i < line.text.length && line.text[i] === 0) i++;
    line = { ...line, text: line.text.subarray(i) };
  }
  return line;
}
