import { isUtf8 } from 'node:buffer';

export interface BodyLine {
  /** 1-based line number in the body. */
  number: number;
  text: string;
  /** Bytes of the line, for the line length limit. */
  bytes: number;
  /** The bytes were not valid UTF-8; `text` has U+FFFD in their place. */
  invalidUtf8: boolean;
}

/**
 * Splits an NDJSON body into its non-blank lines, keeping 1-based line
 * numbers for error reports. Each line is checked for UTF-8 on its own, so a
 * bad byte flags one event instead of failing the batch.
 */
export function* splitLines(body: Buffer): Generator<BodyLine> {
  let start = 0;
  let number = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    number++;
    let stop = end;
    if (stop > start && body[stop - 1] === 0x0d) stop--;
    const slice = body.subarray(start, stop);
    if (!isBlank(slice)) {
      yield { number, text: slice.toString('utf8'), bytes: slice.length, invalidUtf8: !isUtf8(slice) };
    }
    start = end + 1;
  }
}

function isBlank(b: Buffer): boolean {
  for (const byte of b) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}
