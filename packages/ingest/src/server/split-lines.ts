import { isUtf8 } from 'node:buffer';
import { bomLength } from './body-text.js';

export interface BodyLine {
  /** 1-based line number in the body. */
  number: number;
  text: string;
  /** Bytes of the line, for the line length limit. */
  bytes: number;
  /** The bytes were not valid UTF-8; `text` has U+FFFD in their place. */
  invalidUtf8: boolean;
}

/** A non-blank line of a body: its 1-based number and its bytes [start, end), the line break left out. */
export interface LineSpan {
  number: number;
  start: number;
  end: number;
}

/** The non-blank lines of an NDJSON body, where they are (nothing decoded). */
export function* lineSpans(body: Buffer): Generator<LineSpan> {
  let start = bomLength(body);
  let number = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    number++;
    let stop = end;
    if (stop > start && body[stop - 1] === 0x0d) stop--;
    if (!isBlank(body, start, stop)) yield { number, start, end: stop };
    start = end + 1;
  }
}

/**
 * Splits an NDJSON body into its non-blank lines, keeping 1-based line
 * numbers for error reports. Each line is checked for UTF-8 on its own, so a
 * bad byte flags one event instead of failing the batch.
 */
export function* splitLines(body: Buffer): Generator<BodyLine> {
  for (const { number, start, end } of lineSpans(body)) {
    const slice = body.subarray(start, end);
    yield { number, text: slice.toString('utf8'), bytes: slice.length, invalidUtf8: !isUtf8(slice) };
  }
}

function isBlank(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = b[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}
