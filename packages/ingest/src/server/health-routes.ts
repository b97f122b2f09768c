import type { FastifyInstance } from 'fastify';
import { ERROR_BODY_SCHEMA } from '@logship/query';
import type { LogStore } from '../store/log-store.js';

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
  app.get('/health', {
    schema: {
      summary: 'Liveness: the process answers',
      response: { 200: { type: 'object', properties: { status: { type: 'string', enum: ['healthy'] } } } },
    },
  }, async () => ({ status: 'healthy' }));

  const readyAnswer = {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['ready', 'not_ready'] },
      checks: { type: 'object', properties: { store: { type: 'string' }, disk: { type: 'string' }, fields: { type: 'string' } } },
    },
  } as const;
  // Said in the log when it first appears or changes, not at every probe.
  let lastFields: string | undefined;
  app.get('/health/ready', {
    // Documentation only: once shutdown began, the app's onRequest hook
    // answers before this route, in the error shape (LS_INGEST_SHUTTING_DOWN).
    config: {
      openapi: {
        response: {
          503: {
            description: 'Not ready: the checks name the failing one; once shutdown began, LS_INGEST_SHUTTING_DOWN in the error shape',
            content: { 'application/json': { schema: { anyOf: [{ ...readyAnswer, required: ['status', 'checks'] }, ERROR_BODY_SCHEMA] } } },
          },
        },
      },
    },
    schema: { summary: 'Readiness: the store can be used; 503 names the failing check', response: { 200: readyAnswer, 503: readyAnswer } },
  }, async (_request, reply) => {
    let store: string;
    let warnings: string[] = [];
    let fields: string | undefined;
    if (opts.isClosing()) {
      store = 'shutting down';
    } else {
      try {
        const h = await opts.store.health();
        store = h.ok ? 'ok' : (h.reason ?? 'unavailable');
        warnings = h.warnings ?? [];
        fields = h.unindexedFields;
        if (fields !== undefined && fields !== lastFields) app.log.warn({ check: 'fields' }, fields);
        lastFields = fields;
      } catch (err) {
        store = (err as Error).message || 'unavailable';
      }
    }
    const ready = store === 'ok';
    reply.code(ready ? 200 : 503);
    return {
      status: ready ? 'ready' : 'not_ready',
      checks: { store, ...(warnings.length > 0 ? { disk: warnings.join('; ') } : {}), ...(fields !== undefined ? { fields } : {}) },
    };
  });
}
