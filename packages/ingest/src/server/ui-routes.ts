/**
 * The search page at `/`, from packages/ui's Vite build:
 *
 *   GET /            index.html as it is now (a rebuild is served without a restart),
 *                    `cache-control: no-cache` and an ETag (it names the current assets)
 *   GET /assets/*    hashed file names, cached for a year (`immutable`)
 *
 * Neither declares a scope, so the auth hook lets them through: the page
 * itself asks for a token and sends it with its API calls.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyInstance } from 'fastify';
import { errors } from './errors.js';

/** packages/ui/dist, found through the workspace dependency (null when @logship/ui is not installed). */
export function defaultUiDir(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('@logship/ui/package.json');
    return join(dirname(pkg), 'dist');
  } catch {
    return null;
  }
}

const YEAR_S = 365 * 24 * 3600;

interface IndexFile {
  /** What the file was when read: a rebuild changes one of them. */
  mtimeMs: number;
  size: number;
  ino: number;
  body: Buffer;
  etag: string;
}

export async function registerUiRoutes(app: FastifyInstance, dir: string | null): Promise<void> {
  const indexPath = dir === null ? null : join(dir, 'index.html');
  // Registered even before a build exists (fastify-static only warns that
  // the folder is missing): a server started first and the page built
  // after answered 503 until it was restarted.
  if (dir !== null) {
    await app.register(async (scope) => {
      // @fastify/static refuses a path that could leave the asset folder or
      // that names a file by another spelling with a bare "Forbidden"
      // (FST_STATIC_FORBIDDEN_PATH): answered with our code and the reason.
      scope.setErrorHandler((err: FastifyError, request, reply) => {
        if (err.code !== 'FST_STATIC_FORBIDDEN_PATH') throw err;
        const path = request.url.split('?')[0]!;
        const shown = path.length > 120 ? `${JSON.stringify(path.slice(0, 120))}… (${path.length} characters)` : JSON.stringify(path);
        const refused = errors.assetPathRefused(shown, assetPathReason(path));
        void reply.status(refused.statusCode).send({ error: { code: refused.code, message: refused.message } });
      });
      await scope.register(fastifyStatic, {
        root: join(dir, 'assets'),
        prefix: '/assets/',
        index: false,
        list: false,
        // Not built yet: GET / says so (LS_INGEST_UI_NOT_BUILT), not a warning at start.
        suppressWarning: true,
        // Vite puts a content hash in every asset name: a changed file has a new URL.
        // scripts/build-ui.sh writes .br and .gz next to each asset.
        preCompressed: true,
        maxAge: YEAR_S * 1000,
        immutable: true,
      });
    });
  }
  // index.html names the current assets, and a rebuild replaces them (Vite
  // empties dist/): read once at start, a rebuilt page was answered with the
  // old index, whose scripts then 404. A stat a request tells whether it
  // changed; it is read again only then.
  let cached: IndexFile | null = null;
  const currentIndex = async (): Promise<IndexFile | null> => {
    if (indexPath === null) return null;
    let st;
    try {
      st = await stat(indexPath);
    } catch {
      return null;
    }
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size && cached.ino === st.ino) return cached;
    let body: Buffer;
    try {
      body = await readFile(indexPath);
    } catch {
      return null;
    }
    cached = { mtimeMs: st.mtimeMs, size: body.length, ino: st.ino, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
    return cached;
  };
  app.get('/', { schema: { hide: true } }, async (req, reply) => {
    const index = await currentIndex();
    if (!index) throw errors.uiNotBuilt(indexPath ?? 'packages/ui/dist/index.html');
    reply
      .header('cache-control', 'no-cache')
      .header('etag', index.etag)
      .header('x-content-type-options', 'nosniff');
    // no-cache has the browser ask every time; unchanged, the answer is empty.
    if (req.headers['if-none-match'] === index.etag) return reply.code(304).send();
    return reply.type('text/html; charset=utf-8').send(index.body);
  });
}

/** The longest file name a filesystem takes (bytes): a longer segment names no asset. */
const NAME_MAX = 255;

/** Why @fastify/static refused `path` (a URL path under /assets/), in words for the answer. */
export function assetPathReason(path: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/^\/assets\//, ''));
  } catch {
    decoded = path;
  }
  if (decoded.includes('\0')) return 'it holds a NUL character, which no file name has';
  const segments = decoded.split(/[/\\]/);
  if (segments.some((s) => s === '..')) return 'a ".." segment would leave the asset folder';
  if (decoded.includes('\\')) return 'it holds a backslash, which could name a file outside the asset folder';
  if (segments.some((s) => s === '.' || s === '')) return 'a "." or empty segment is not the canonical name of a file';
  if (segments.some((s) => Buffer.byteLength(s) > NAME_MAX)) return `a segment is over ${NAME_MAX} bytes, longer than any file name`;
  return 'it is not the exact spelling of a file in the asset folder';
}
