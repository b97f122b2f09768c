/**
 * Brotli decompression through one decoder a thread, reset between
 * columns. brotliDecompressSync builds a stream, a native decoder and a
 * 16 KiB output chunk for every call, and closes them after: on the bench
 * corpus's columns (median 2.6 KB decompressed) that setup was 12 of the
 * 37 µs a column took, paid for every column a query decodes past the
 * column cache (docs/BLOCK_STORE.md "Reads").
 *
 * Node has no public call that decodes again with the same decoder, so
 * this drives node:zlib's own handle as brotliDecompressSync does
 * (`_handle.writeSync`, `_handle.reset`, `_writeState`), checked once
 * against the one-shot call before it is used: on a Node without them, or
 * one that answers otherwise, every call is brotliDecompressSync. A stream
 * that fails to decode is answered null (the decoder is then dropped, as
 * zlib destroys it), for the caller to decode once more the usual way for
 * its error.
 */
import { BrotliDecompress, brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/** What brotliDecompressSync's engine holds and runs (node:zlib's zlib.js, Node 20 to 24). */
interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
}
interface Engine extends BrotliDecompress {
  _handle?: ZlibHandle | null;
  /** [output bytes left, input bytes left] after a write. */
  _writeState?: Uint32Array;
}

const FIRST_OUTPUT = 64 * 1024;
/** Output room kept between calls at most; a larger column's is let go after it. */
const KEPT_OUTPUT = 1 << 20;

let engine: Engine | null = null;
let out = Buffer.allocUnsafe(FIRST_OUTPUT);
/** null until the first call checks the reuse; false: one-shot calls only. */
let reusable: boolean | null = null;

function newEngine(): Engine {
  const e = new BrotliDecompress() as Engine;
  // A stream that fails destroys the engine, which emits 'error' later: nobody else listens.
  e.on('error', () => undefined);
  return e;
}

/** The decompressed bytes, or null when `data` is not a brotli stream that ends (FINISH) or gives anything (FLUSH). */
function decodeReused(data: Uint8Array, flush: number): Uint8Array | null {
  engine ??= newEngine();
  const handle = engine._handle;
  const state = engine._writeState;
  if (!handle || !state) {
    engine = null;
    return null;
  }
  handle.reset();
  let inOff = 0;
  let inLeft = data.length;
  let at = 0;
  for (;;) {
    handle.writeSync(flush, data, inOff, inLeft, out, at, out.length - at);
    if (engine.destroyed || engine._handle !== handle) {
      engine = null;
      return null;
    }
    const outLeft = state[0]!;
    const left = state[1]!;
    at = out.length - outLeft;
    inOff += inLeft - left;
    inLeft = left;
    if (outLeft > 0) break;
    // Output full: more may come; room doubled, what came kept.
    const bigger = Buffer.allocUnsafe(out.length * 2);
    out.copy(bigger, 0, 0, at);
    out = bigger;
  }
  const bytes = new Uint8Array(out.subarray(0, at));
  if (out.length > KEPT_OUTPUT) out = Buffer.allocUnsafe(FIRST_OUTPUT);
  return bytes;
}

/** Whether decodeReused answers as brotliDecompressSync does here: a stream past the first output room, a truncated one, garbage. */
function checkReuse(): boolean {
  try {
    const sample = Buffer.alloc(3 * FIRST_OUTPUT);
    for (let i = 0; i < sample.length; i++) sample[i] = (i * 7 + (i >> 9)) & 0xff;
    const packed = brotliCompressSync(sample, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
    const whole = decodeReused(packed, constants.BROTLI_OPERATION_FINISH);
    if (!whole || !Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength).equals(sample)) return false;
    if (decodeReused(packed.subarray(0, packed.length >> 1), constants.BROTLI_OPERATION_FINISH) !== null) return false;
    if (decodeReused(Buffer.from('not brotli at all, not at all'), constants.BROTLI_OPERATION_FINISH) !== null) return false;
    const again = decodeReused(packed, constants.BROTLI_OPERATION_FINISH);
    return again !== null && Buffer.from(again.buffer, again.byteOffset, again.byteLength).equals(sample);
  } catch {
    return false;
  } finally {
    out = Buffer.allocUnsafe(FIRST_OUTPUT);
  }
}

/** A whole brotli stream decompressed; throws as brotliDecompressSync does for one that is not. */
export function brotliDecode(data: Uint8Array): Uint8Array {
  reusable ??= checkReuse();
  if (reusable) {
    const bytes = decodeReused(data, constants.BROTLI_OPERATION_FINISH);
    if (bytes) return bytes;
  }
  return brotliDecompressSync(data);
}

/** What the start of a brotli stream gives (flushed, not finished); throws as brotliDecompressSync does. */
export function brotliDecodeStart(data: Uint8Array): Uint8Array {
  reusable ??= checkReuse();
  if (reusable) {
    const bytes = decodeReused(data, constants.BROTLI_OPERATION_FLUSH);
    if (bytes) return bytes;
  }
  return brotliDecompressSync(data, { finishFlush: constants.BROTLI_OPERATION_FLUSH });
}
