import './route-config.js';
import type { FastifyInstance } from 'fastify';
import { apiErrors } from './api-error.js';

/** GET /api/v1/queries lists saved queries; /api/v1/queries/:name/search redirects into search with `q=@name`. */
export function registerSavedQueryRoutes(app: FastifyInstance, opts: { saved: ReadonlyMap<string, string> }): void {
  app.get('/api/v1/queries', {
    config: { scope: 'read' },
    schema: { summary: 'List saved queries' },
  }, async () => ({
    queries: [...opts.saved].map(([name, query]) => ({ name, query })),
  }));
  app.get<{ Params: { name: string }; Querystring: Record<string, string> }>('/api/v1/queries/:name/search', {
    config: { scope: 'read' },
    schema: { summary: 'Run a saved query' },
  }, async (req, reply) => {
    const { name } = req.params;
    if (!opts.saved.has(name)) throw apiErrors.unknownSavedQuery(name);
    const params = new URLSearchParams(req.query);
    params.set('q', `@${name}`);
    // An internal hop keeps one implementation of search (validation, limits).
    const res = await app.inject({ method: 'GET', url: `/api/v1/search?${params}`, headers: req.headers as Record<string, string> });
    return reply.status(res.statusCode).header('content-type', res.headers['content-type'] ?? 'application/json').send(res.body);
  });
}
