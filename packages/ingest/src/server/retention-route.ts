/**
 * GET /api/v1/retention: the retention report of the running server's store
 * (retention-report.ts), what `logship retention status` prints. The
 * command asks it when it has no data folder of its own to read, so it never
 * reports an empty store while the server holds thousands of events.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { LogStore } from '../store/log-store.js';
import type { RetentionConfig } from '../retention/retention-config.js';
import { retentionReport } from '../retention/retention-report.js';

export interface RetentionRouteOptions {
  store: LogStore;
  retention: RetentionConfig;
  now: () => number;
}

export const retentionRoute: FastifyPluginAsync<RetentionRouteOptions> = async (app, opts) => {
  app.get('/api/v1/retention', {
    config: { scope: 'read' },
    schema: { summary: 'Retention classes with their partitions, events, bytes and oldest event' },
  }, async () => {
    // Partitions first: listing them re-reads a shared cluster's policy, which the report then names.
    const partitions = await opts.store.partitions(opts.now());
    return retentionReport(opts.retention, partitions, opts.store.retentionInForce?.());
  });
};
