import type { IncomingHttpHeaders } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { errors } from './errors.js';

const gunzipAsync = promisify(gunzip);

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
 * `max_body_bytes`, and gunzips it when `Content-Encoding: gzip`, refusing
 * (413) output past `max_decompressed_bytes`: zlib stops inflating at that
 * size, so a gzip bomb costs at most that much memory.
 */
export async function readBody(payload: Readable, headers: IncomingHttpHeaders, limits: BodyLimits, opts: ReadBodyOptions = {}): Promise<Buffer> {
  const encoding = contentEncodingOf(headers);
  const passed = opts.passThrough?.includes(encoding) === true;
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip' && !passed) {
    throw errors.unsupportedEncoding(encoding);
  }
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.max_body_bytes) throw errors.bodyTooLarge(limits.max_body_bytes);

  const body = await collect(payload, limits.max_body_bytes);
  if (encoding === 'identity' || passed) return body;
  try {
    return await gunzipAsync(body, { maxOutputLength: limits.max_decompressed_bytes });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw errors.decompressedTooLarge(limits.max_decompressed_bytes);
    }
    throw errors.badGzip((err as Error).message);
  }
}

/** The request's Content-Encoding, lowercased; `identity` when it names none. */
export function contentEncodingOf(headers: IncomingHttpHeaders): string {
  const value = (headers['content-encoding'] ?? '').trim().toLowerCase();
  return value === '' ? 'identity' : value;
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
      reject(err);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}
