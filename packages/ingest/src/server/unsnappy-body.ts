import { uncompress } from 'snappyjs';
import { crc32c } from './crc32c.js';
import { errors } from './errors.js';

/**
 * A `Content-Encoding: snappy` or `x-snappy-framed` body, bounded by
 * `max` decompressed bytes. The OpenTelemetry Collector's otlphttp
 * exporter (`compression: snappy`) sends the framing format
 * (golang/snappy's NewBufferedWriter) under the name `snappy`, and the
 * block format once its framed-snappy feature gate is on; so the body's
 * first bytes decide: the framing format starts with its stream
 * identifier chunk, anything else is one block.
 *
 * Bounded without trusting what the body declares: a block's declared
 * length is checked before anything is allocated (snappyjs refuses one
 * over `max`), and a framed stream's chunks hold at most 64 KiB each,
 * added up as they are read. Each data chunk's masked CRC-32C is checked
 * against what it decodes to: an uncompressed chunk damaged on the way
 * (a proxy, a buggy encoder) decodes without complaint, and would be
 * stored as garbage events.
 */
export function unsnappyBody(body: Buffer, max: number): Buffer {
  try {
    return isFramed(body) ? unframe(body, max) : block(body, max);
  } catch (err) {
    if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('LS_')) throw err;
    throw errors.badSnappy((err as Error).message);
  }
}

const STREAM_ID = Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);
/** Uncompressed bytes one data chunk may hold (framing_format.txt). */
const MAX_CHUNK = 65_536;

function isFramed(body: Buffer): boolean {
  return body.length >= STREAM_ID.length && body.subarray(0, STREAM_ID.length).equals(STREAM_ID);
}

function block(data: Uint8Array, max: number): Buffer {
  try {
    const out = uncompress(data, max);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    if (/too big/.test((err as Error).message)) throw errors.decompressedTooLarge(max);
    throw err;
  }
}

function unframe(body: Buffer, max: number): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  let at = 0;
  while (at < body.length) {
    if (at + 4 > body.length) throw new Error('framed stream ends inside a chunk header');
    const type = body[at]!;
    const length = body.readUIntLE(at + 1, 3);
    const start = at + 4;
    const end = start + length;
    if (end > body.length) throw new Error(`framed stream ends inside a chunk of ${length} bytes`);
    at = end;
    if (type === 0xff) {
      if (!body.subarray(start - 4, end).equals(STREAM_ID)) throw new Error('bad stream identifier chunk');
      continue;
    }
    if (type === 0x00 || type === 0x01) {
      if (length < 4) throw new Error('data chunk without its checksum');
      const data = body.subarray(start + 4, end);
      const out = type === 0x00 ? block(data, MAX_CHUNK) : data;
      if (out.length > MAX_CHUNK) throw new Error('data chunk holds more than 65536 bytes');
      size += out.length;
      if (size > max) throw errors.decompressedTooLarge(max);
      if (maskedCrc32c(out) !== body.readUInt32LE(start)) throw new Error(`checksum mismatch in the data chunk at byte ${start - 4}`);
      parts.push(out);
      continue;
    }
    // 0x80–0xfe: skippable (padding, reserved); 0x02–0x7f: reserved, must not be skipped.
    if (type < 0x80) throw new Error(`reserved unskippable chunk type 0x${type.toString(16)}`);
  }
  return Buffer.concat(parts, size);
}

/** The framing format stores the CRC masked (rotated, plus a constant), so a CRC of data holding CRCs stays useful. */
function maskedCrc32c(data: Uint8Array): number {
  const c = crc32c(data);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}
