/**
 * Columns decompressed through one decoder a thread (brotli-decoder.ts)
 * come back as brotliDecompressSync gives them, whole or as a flushed
 * start, across sizes past the decoder's output room; a stream that is
 * not brotli, or cut short, is a corrupt column and the next one decodes;
 * and a column's bytes hold no more memory than their length. One-shot
 * decoding returned a view into a 16 KiB output chunk: a 2.6 KB column
 * (the bench corpus's median) kept 16 KiB alive, counted at 2.6 KB by the
 * column cache that keeps decompressed bytes (column-cache.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { isStoreError } from '../store/store-error.js';
import { columnPrefix, decompressColumn, ENC_BROTLI } from './column-compression.js';

/** Bytes that compress as a column does (repeats), not to nothing. */
function columnLike(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = ((i % 97) * seed + (i >> 11)) & 0xff;
  return b;
}

const SIZES = [1, 100, 2600, 16_384, 65_536, 65_537, 300_000, 2_500_000];

test('columns decompress as brotliDecompressSync does, whole and as a flushed start, at every size', () => {
  for (const [k, n] of SIZES.entries()) {
    const raw = columnLike(n, 3 + 2 * k);
    const packed = brotliCompressSync(raw);
    assert.ok(Buffer.from(decompressColumn(ENC_BROTLI, packed)).equals(raw), `${n} bytes`);
    if (packed.length > 512) {
      const start = brotliDecompressSync(packed.subarray(0, 256), { finishFlush: constants.BROTLI_OPERATION_FLUSH });
      assert.ok(Buffer.from(columnPrefix(ENC_BROTLI, packed)).equals(start), `start of ${n} bytes`);
    }
  }
});

test('a stream that is not brotli or is cut short is a corrupt column, and the next column decodes', () => {
  const raw = columnLike(70_000, 5);
  const packed = brotliCompressSync(raw);
  const bad = [Buffer.from('not a brotli stream, but long enough to look like one'), packed.subarray(0, packed.length >> 1), Buffer.concat([packed.subarray(0, 40), Buffer.alloc(40, 0xff)])];
  for (const data of bad) {
    assert.throws(() => decompressColumn(ENC_BROTLI, data), (err) => isStoreError(err, 'LS_STORE_CORRUPT_PARTITION') && /block codec: brotli: /.test(err.message));
    assert.ok(Buffer.from(decompressColumn(ENC_BROTLI, packed)).equals(raw));
  }
});

test('a decompressed column holds no more memory than its length', () => {
  for (const n of [100, 2600, 20_000, 300_000]) {
    const bytes = decompressColumn(ENC_BROTLI, brotliCompressSync(columnLike(n, 7)));
    assert.equal(bytes.byteLength, n);
    assert.equal(bytes.buffer.byteLength, n, `${n} bytes decompressed, ${bytes.buffer.byteLength} held`);
  }
});
