import type { FramedLine } from './line-framer.js';
import type { FileEncoding } from './text-encoding.js';

/**
 * A line without what leads it and is not text: a UTF-8 byte order mark on
 * a file's first line. (NUL bytes leading a line, the hole an application
 * without O_APPEND leaves after copytruncate, are dropped by the framer,
 * tail-framer.ts, so that a long hole does not make the line after it a
 * part of a long line.)
 */
export function withoutLeadingNoise(line: FramedLine, encoding: FileEncoding): FramedLine {
  // A UTF-8 byte order mark (Notepad, PowerShell 5's `Out-File -Encoding utf8`) is not text:
  // kept, it was the first line's first character, and a JSON first line was not parsed.
  if (line.start === 0 && encoding === 'utf-8' && line.text.length >= 3 && line.text[0] === 0xef && line.text[1] === 0xbb && line.text[2] === 0xbf) {
    line = { ...line, text: line.text.subarray(3) };
  }
  return line;
}
