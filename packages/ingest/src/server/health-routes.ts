import type { FastifyInstance } from 'fastify';
import type { LogStore } from '../log-store.js';

export interface HealthRouteOptions {
  store: Pick<LogStore, 'health'>;
  /** True once shutdown began: a draining server is alive but not ready. */
  isClosing: () => boolean;
}

/**
 * GET /health — the process answers (liveness).
 * GET /health/ready — the store can be used (readiness): 503 names the failing check.
 * Both are open: load balancers and orchestrators probe them without tokens.
 */
export async function healthRoutes(app: FastifyInstance, opts: HealthRouteOptions): Promise<void> {
  app.get('/health', async () => ({ status: 'healthy' }));

  app.get('/health/ready', async (_request, reply) => {
    let store: string;
    if (opts.isClosing()) {
      store = 'shutting down';
    } else {
      try {
        const h = await opts.store.health();
        store = h.ok ? 'ok' : (h.reason ?? 'unavailable');
      } catch (err) {
        store = (err as Error).message || 'unavailable';
      }
    }
    const ready = store === 'ok';
    reply.code(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', checks: { store } };
  });
}
