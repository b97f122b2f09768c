import type { FastifyInstance } from 'fastify';
import type { IngestMetrics } from './ingest-metrics.js';

/** GET /metrics in Prometheus text format; open, like most scrape targets. */
export async function metricsRoute(app: FastifyInstance, opts: { metrics: IngestMetrics }): Promise<void> {
  app.get('/metrics', {
    schema: { summary: 'Prometheus metrics (text exposition format)', produces: ['text/plain'] },
  }, async (_request, reply) => {
    reply.header('content-type', opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });
}
