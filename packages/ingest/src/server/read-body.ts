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

/**
 * Reads a request body, refusing it (413) as soon as it passes
 * `max_body_bytes`, and gunzips it when `Content-Encoding: gzip`, refusing
 * (413) output past `max_decompressed_bytes`: zlib stops inflating at that
 * size, so a gzip bomb costs at most that much memory.
 */
export async function readBody(payload: Readable, headers: IncomingHttpHeaders, limits: BodyLimits): Promise<Buffer> {
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw errors.unsupportedEncoding(encoding);
  }
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.max_body_bytes) throw errors.bodyTooLarge(limits.max_body_bytes);

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limits.max_body_bytes) {
      payload.destroy();
      throw errors.bodyTooLarge(limits.max_body_bytes);
    }
    chunks.push(buf);
  }
  const body = Buffer.concat(chunks, size);
  if (encoding === 'identity') return body;
  try {
    return await gunzipAsync(body, { maxOutputLength: limits.max_decompressed_bytes });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw errors.decompressedTooLarge(limits.max_decompressed_bytes);
    }
    throw errors.badGzip((err as Error).message);
  }
}
