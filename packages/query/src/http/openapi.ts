import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import './route-config.js';

/**
 * Collects every route's schema into an OpenAPI 3 document served at
 * GET /api/v1/openapi.json. Register it on the root app before any route,
 * so its onRoute hook sees them all (ingest, query API, health, metrics).
 */
export async function registerOpenApi(app: FastifyInstance, opts: { version: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'logship API',
        version: opts.version,
        description: 'Ingest NDJSON log events, search and aggregate them with the logship query language, follow them live.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
