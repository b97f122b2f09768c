import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IngestContext } from '../../ingest-batch.js';
import { ingestBatch } from '../../ingest-batch.js';
import { protocolError } from '../protocol-error.js';
import { lokiPushOpenApi, lokiReadyOpenApi } from '../protocol-openapi.js';
import { contentEncodingOf } from '../../read-body.js';
import { acceptRawBodies, bodyOf } from '../raw-body.js';
import { decodeLokiPush } from './decode-loki-push.js';

/*
 * POST /loki/api/v1/push (Promtail, Alloy, Fluent Bit's loki output, Vector's
 * loki sink, winston-loki, pino-loki): decode-loki-push ─► ingestBatch ─► 204.
 * Errors answer as Loki does, text/plain with the status its clients act
 * on: 400 is permanent (Promtail drops the batch), 429 and 5xx are retried.
 */

export interface LokiRouteOptions {
  ctx: Omit<IngestContext, 'log'>;
}

/** Loki answers errors as a plain text line; our code leads it so it can be looked up. */
function lokiErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, code, message } = protocolError(err, request, reply, 'Loki push');
  void reply.status(status).type('text/plain; charset=utf-8').send(`${code}: ${message}\n`);
}

export async function lokiRoute(app: FastifyInstance, opts: LokiRouteOptions): Promise<void> {
  // `Content-Encoding: snappy` (Vector's loki sink sends it with every
  // protobuf push) names the snappy block the decoder unpacks itself.
  acceptRawBodies(app, opts.ctx.limits, { passThrough: ['snappy'] });
  app.setErrorHandler(lokiErrorHandler);

  // Loki's readiness probe, which Vector's loki sink and load balancers call.
  app.get('/ready', { config: { openapi: lokiReadyOpenApi }, schema: { summary: 'Loki-compatible readiness probe', tags: ['protocols'] } }, async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').send('ready\n'),
  );

  app.post(
    '/loki/api/v1/push',
    {
      config: { scope: 'write', openapi: lokiPushOpenApi },
      schema: {
        summary: 'Loki push API: protobuf + snappy or JSON (optionally gzip); 204 once committed',
        tags: ['protocols'],
      },
    },
    async (request, reply) => {
      const items = decodeLokiPush(bodyOf(request.body), request.headers['content-type'], opts.ctx.limits, contentEncodingOf(request.headers));
      const outcome = await ingestBatch({ ...opts.ctx, log: request.log }, 'loki', items);
      if (outcome.errors.length > 0) {
        // As Loki does: the good entries are stored, the answer is a 400
        // naming the bad ones, so the client does not resend the batch.
        const first = outcome.errors.slice(0, 10).map((e) => `entry ${e.ref}: ${e.code}: ${e.reason}`);
        const more = outcome.errors.length > 10 ? `\n… and ${outcome.errors.length - 10} more` : '';
        return reply
          .status(400)
          .type('text/plain; charset=utf-8')
          .send(`${outcome.errors.length} of ${items.length} entries were rejected${outcome.errors.length < items.length ? '; the others are stored' : ''}\n${first.join('\n')}${more}\n`);
      }
      return reply.status(204).send();
    },
  );
}
