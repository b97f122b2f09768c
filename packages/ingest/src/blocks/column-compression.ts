/**
 * The compression of a column's encoded bytes, named by ColumnMeta.encoding.
 * Brotli from node:zlib reads the same on every Node version we support;
 * small columns are stored raw, where a compressor's header costs more than
 * it saves.
 */
import { brotliCompressSync, constants } from 'node:zlib';
import { corrupt } from './byte-reader.js';
import { brotliDecode, brotliDecodeStart } from './brotli-decoder.js';

export const ENC_CONST = 0;
export const ENC_RAW = 1;
export const ENC_BROTLI = 2;

const MIN_COMPRESS = 64;
// q4 measured smaller than q5 on column bytes and ~1.5× faster (docs/BLOCK_STORE.md).
const BROTLI_QUALITY = 4;

/** Which compressor encodeBlock uses; every file reads back whatever it was written with. */
export type BlockCompression = 'brotli' | 'none';

export function compressColumn(raw: Uint8Array, kind: BlockCompression = 'brotli'): { encoding: number; data: Uint8Array } {
  if (raw.length < MIN_COMPRESS || kind === 'none') return { encoding: ENC_RAW, data: raw };
  const packed = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  if (packed.length >= raw.length) return { encoding: ENC_RAW, data: raw };
  return { encoding: ENC_BROTLI, data: new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength) };
}

export function decompressColumn(encoding: number, data: Uint8Array): Uint8Array {
  if (encoding === ENC_RAW) return data;
  if (encoding === ENC_BROTLI) {
    try {
      // One decoder a thread, reset between columns (brotli-decoder.ts).
      return brotliDecode(data);
    } catch (err) {
      throw corrupt(`brotli: ${(err as Error).message}`);
    }
  }
  throw corrupt(`unknown column encoding ${encoding}`);
}

/** Compressed bytes that give a prefix long enough for a column's presence (1 + 1 + up to 255 shape ids, in practice). */
const PREFIX_INPUT = 256;

/**
 * The first bytes of a column's decompressed data, decompressing only the
 * start of it (brotli flushes what a truncated input gives): enough to read
 * its presence (presence.ts shapesMayHold) for 1/30 of a whole column's
 * cost. Empty when that is not possible; the caller then decompresses all.
 */
export function columnPrefix(encoding: number, data: Uint8Array): Uint8Array {
  if (encoding === ENC_RAW) return data;
  if (encoding !== ENC_BROTLI || data.length <= PREFIX_INPUT * 2) return new Uint8Array(0);
  try {
    return brotliDecodeStart(data.subarray(0, PREFIX_INPUT));
  } catch {
    return new Uint8Array(0);
  }
}
