import type { IncomingHttpHeaders } from 'node:http';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { gunzip, inflate, inflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';
import { errors } from './errors.js';
import { unsnappyBody } from './unsnappy-body.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);

/**
 * zstd, where this Node has it (22.15 and later: zlib.zstdDecompress;
 * Node 20 has none). No npm zstd decoder is used on Node 20: the pure-JS
 * ones allocate what a frame declares (its window or content size), so a
 * 30-byte body could ask for gigabytes, and the native ones download
 * prebuilt binaries at install. Node's honours maxOutputLength, and its
 * window is capped here (ZSTD_d_windowLogMax) so a frame cannot ask for
 * more than 8 MiB of window either.
 */
type ZstdDecompress = (buf: Buffer, options: { maxOutputLength: number; params: Record<number, number> }, cb: (err: Error | null, out: Buffer) => void) => void;
const zstdDecompress = (zlib as unknown as { zstdDecompress?: ZstdDecompress }).zstdDecompress;
const ZSTD_D_WINDOWLOG_MAX = (zlib.constants as Record<string, number>).ZSTD_d_windowLogMax;
const zstdAsync = zstdDecompress ? promisify(zstdDecompress) : undefined;

/**
 * The Content-Encodings read here besides identity. `zlib` is no HTTP
 * coding, but the Collector's `compression: zlib` sends it by that name;
 * `snappy` and `x-snappy-framed` are the Collector's snappy (unsnappy-body.ts).
 */
const DECODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'zlib', 'snappy', 'x-snappy-framed', ...(zstdAsync ? ['zstd'] : [])]);

/** What a 415 names as accepted. */
export const ACCEPTED_ENCODINGS = `${[...DECODINGS].filter((e) => e !== 'x-gzip').join(', ')} or none${zstdAsync ? '' : ' (zstd needs Node 22.15 or later; this server runs ' + process.version + ')'}`;

export interface BodyLimits {
  max_body_bytes: number;
  max_decompressed_bytes: number;
}

export interface ReadBodyOptions {
  /**
   * Content-Encodings the route decodes itself, after its own checks: the
   * body comes back as sent. Loki's route takes `snappy` (Vector's loki
   * sink names the snappy block it sends).
   */
  passThrough?: readonly string[];
}

/**
 * Reads a request body, refusing it (413) as soon as it passes
 * `max_body_bytes`, and gunzips it when `Content-Encoding: gzip` (inflates
 * it when `deflate` or `zlib`), refusing (413) output past
 * `max_decompressed_bytes`: zlib stops inflating at that size, so a gzip or
 * deflate bomb costs at most that much memory. A list of codings (RFC 9110
 * 8.4: `gzip, identity`, `deflate, gzip`) is undone last applied first,
 * `identity` skipped; a pass-through coding is left to the route only when
 * it was applied first (the body's own, as Loki's snappy block is).
 */
export async function readBody(payload: Readable, headers: IncomingHttpHeaders, limits: BodyLimits, opts: ReadBodyOptions = {}): Promise<Buffer> {
  const codings = contentCodingsOf(headers);
  const passed = codings.length > 0 && opts.passThrough?.includes(codings[0]!) === true;
  const undo = (passed ? codings.slice(1) : codings).reverse();
  for (const coding of undo) {
    if (!DECODINGS.has(coding)) throw errors.unsupportedEncoding(coding, ACCEPTED_ENCODINGS);
  }
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.max_body_bytes) throw errors.bodyTooLarge(limits.max_body_bytes);

  let body = await collect(payload, limits.max_body_bytes);
  for (const coding of undo) body = await decode(body, coding, limits);
  return body;
}

/** One coding undone, within `max_decompressed_bytes`; a body that is not in it is a 400 naming it. */
async function decode(body: Buffer, encoding: string, limits: BodyLimits): Promise<Buffer> {
  const options = { maxOutputLength: limits.max_decompressed_bytes };
  if (encoding === 'snappy' || encoding === 'x-snappy-framed') return unsnappyBody(body, limits.max_decompressed_bytes);
  try {
    if (encoding === 'zstd' && zstdAsync) return await zstdAsync(body, { ...options, params: { [ZSTD_D_WINDOWLOG_MAX!]: 23 } });
    const deflate = encoding === 'deflate' || encoding === 'zlib';
    if (!deflate) return await gunzipAsync(body, options);
    return await inflateDeflate(body, options);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw errors.decompressedTooLarge(limits.max_decompressed_bytes);
    }
    const reason = (err as Error).message;
    if (encoding === 'zstd') throw errors.badZstd(reason);
    if (encoding === 'deflate' || encoding === 'zlib') throw errors.badDeflate(encoding, reason);
    throw errors.badGzip(reason);
  }
}

/**
 * `Content-Encoding: deflate` is zlib-wrapped in HTTP (RFC 9110; Vector's
 * `compression = "zlib"`, the Collector's `zlib`/`deflate`, Python's
 * zlib.compress), but Loki reads it as raw deflate (Go's compress/flate), so
 * some Loki clients send that: a body that does not start with a zlib
 * header, or fails as one, is read raw.
 */
async function inflateDeflate(body: Buffer, options: { maxOutputLength: number }): Promise<Buffer> {
  const zlibHeader = body.length >= 2 && (body[0]! & 0x0f) === 8 && ((body[0]! << 8) | body[1]!) % 31 === 0;
  if (!zlibHeader) return inflateRawAsync(body, options);
  try {
    return await inflateAsync(body, options);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw err;
    return inflateRawAsync(body, options);
  }
}

/**
 * The request's content codings in the order they were applied, lowercased,
 * without `identity` (which changes nothing: RFC 9110 8.4.1) and empty
 * members; several headers are one list.
 */
export function contentCodingsOf(headers: IncomingHttpHeaders): string[] {
  const raw = headers['content-encoding'];
  const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return value.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
}

/** The coding the request's body was put in first (what a pass-through leaves for the route), lowercased; `identity` when none. */
export function contentEncodingOf(headers: IncomingHttpHeaders): string {
  return contentCodingsOf(headers)[0] ?? 'identity';
}

/**
 * Listeners rather than `for await`: leaving a for-await loop early destroys
 * the socket, and the client would see a reset instead of the 413. Like
 * fastify's own parser, stop listening and let the answer go out.
 */
function collect(payload: Readable, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        stop();
        reject(errors.bodyTooLarge(max));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      stop();
      // node's 'aborted' (ECONNRESET): the client closed the socket mid-body.
      reject((err as { code?: string }).code === 'ECONNRESET' ? errors.bodyAborted(size) : err);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}
