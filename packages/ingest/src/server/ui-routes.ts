/**
 * The search page at `/`, from packages/ui's Vite build:
 *
 *   GET /            index.html, `cache-control: no-cache` (it names the current assets)
 *   GET /assets/*    hashed file names, cached for a year (`immutable`)
 *
 * Neither declares a scope, so the auth hook lets them through: the page
 * itself asks for a token and sends it with its API calls.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
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

export async function registerUiRoutes(app: FastifyInstance, dir: string | null): Promise<void> {
  const indexPath = dir === null ? null : join(dir, 'index.html');
  const built = indexPath !== null && existsSync(indexPath);
  // Read once: the build does not change under a running server.
  const indexHtml = built ? readFileSync(indexPath) : null;
  if (built) {
    await app.register(fastifyStatic, {
      root: join(dir!, 'assets'),
      prefix: '/assets/',
      index: false,
      list: false,
      // Vite puts a content hash in every asset name: a changed file has a new URL.
      // scripts/build-ui.sh writes .br and .gz next to each asset.
      preCompressed: true,
      maxAge: YEAR_S * 1000,
      immutable: true,
    });
  }
  app.get('/', { schema: { hide: true } }, async (_req, reply) => {
    if (!indexHtml) throw errors.uiNotBuilt(indexPath ?? 'packages/ui/dist/index.html');
    return reply
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .type('text/html; charset=utf-8')
      .send(indexHtml);
  });
}
