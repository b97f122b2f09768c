import type { FileSourceConfig } from './config.js';
import { LineFramer } from './line-framer.js';
import type { FileEncoding } from './text-encoding.js';
import { Utf16LineFramer } from './utf16-line-framer.js';

/** Room for a CRI line's time, stream and tags before the text max_line_bytes caps. */
const CRI_HEADER_BYTES = 256;
/**
 * The longest JSON line dockerd writes for one piece: 16 KiB of text, each
 * byte escaped to at most 6 (`\u001b`, `\u003c`, `\ufffd` for a byte of
 * invalid UTF-8), plus `stream` and `time`. A docker line is never cut below
 * this: a part of it would not be JSON, and the joiner caps the text.
 */
const DOCKER_LINE_BYTES = 16 * 1024 * 6 + 256;

export type TailFramer = LineFramer | Utf16LineFramer;

/**
 * The framer a tail of `config` reads a file in `encoding` with, from `offset`.
 * kubernetes: a CRI line is cut, not split: a part without the CRI header
 * could not be joined to its line; the joined text is capped by the joiner.
 * docker: likewise a JSON piece is read whole, whatever max_line_bytes says.
 */
export function tailFramer(config: FileSourceConfig, encoding: FileEncoding, offset: number): TailFramer {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    return new Utf16LineFramer(encoding, config.max_line_bytes, config.long_lines, offset, config.max_message_bytes);
  }
  if (config.type === 'kubernetes') return new LineFramer(config.max_line_bytes + CRI_HEADER_BYTES, 'truncate', offset);
  if (config.type === 'docker') return new LineFramer(Math.max(config.max_line_bytes, DOCKER_LINE_BYTES), config.long_lines, offset);
  // NUL bytes leading a line (a copytruncate hole) are dropped: not in UTF-16, where a NUL is
  // half of a character, nor in a runtime's line (docker, CRI), parsed whole, which a hole makes not JSON/CRI.
  return new LineFramer(config.max_line_bytes, config.long_lines, offset, config.max_message_bytes, true);
}
