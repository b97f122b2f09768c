import type { FastifyInstance } from 'fastify';
import type { BodyLimits, ReadBodyOptions } from '../read-body.js';
import { readBody } from '../read-body.js';

/**
 * Every protocol route reads its body raw, whatever Content-Type says, so
 * the size and gunzip limits of the native route apply before any decoder
 * sees a byte. Call inside the protocol's own plugin: fastify keeps content
 * type parsers per plugin, so the other routes keep theirs.
 */
export function acceptRawBodies(app: FastifyInstance, limits: BodyLimits, opts: ReadBodyOptions = {}): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    readBody(payload, request.headers, limits, opts).then(
      (body) => done(null, body),
      (err: Error) => done(err, undefined),
    );
  });
}

/** The body as a Buffer (empty when the request had none). */
export function bodyOf(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

/** The media type of a Content-Type header, lowercased, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}
