import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bodyText } from '../../body-text.js';
import { errors } from '../../errors.js';
import type { IngestContext, ItemOutcome } from '../../ingest-batch.js';
import { ingestBatch } from '../../ingest-batch.js';
import { protocolError } from '../protocol-error.js';
import { esBulkOpenApi, esProbeOpenApi } from '../protocol-openapi.js';
import { acceptRawBodies, bodyOf } from '../raw-body.js';
import { decodeBulk, derivedId, type BulkAction } from './decode-bulk.js';
import { AllowedMethods } from '../../allowed-methods.js';
import { clusterHealth, esError, licenseDocument, rootDocument, xpackDocument } from './es-answers.js';

/*
 * Elasticsearch compatibility under /es (register with prefix '/es'):
 *
 *   GET|HEAD /            root document (8.x), the probe every client makes
 *   GET /_license, /_xpack, /_cluster/health, /_cat/health
 *   index template / ILM / data stream / pipeline / index setup ─► 200, accepted as no-ops
 *                                                                  (X-Logship-Noop says so)
 *   POST|PUT /_bulk, /{index}/_bulk ─► decode-bulk ─► ingestBatch ─► per-item answers
 *   /{index}/_doc[/{id}], /{index}/_create/{id} ─► the same, one document
 *   a known path, another method ─► 405 with Allow (server/allowed-methods.ts)
 *   anything else ─► ES-shaped 400 "no handler found"
 *
 * Every answer carries X-Elastic-Product: Elasticsearch: the official clients
 * refuse a server without it.
 */

export interface EsRoutesOptions {
  ctx: Omit<IngestContext, 'log'>;
}

const NOOP_HEADER = 'x-logship-noop';
const NOOP_NOTE = 'accepted and ignored: logship keeps its own storage layout and retention';

/**
 * The error handler of the plugin's routes; `noRoute` answers a request no
 * route takes, also when fastify refused its body first (`QUERY` without a
 * Content-Type, unreadable JSON): the method or the path is what is wrong.
 */
function esErrorHandler(noRoute: (request: FastifyRequest, reply: FastifyReply) => FastifyReply) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    if (request.is404 && typeof err.code === 'string' && err.code.startsWith('FST_')) {
      void noRoute(request, reply);
      return;
    }
    const { status, code, message } = protocolError(err, request, reply, 'Elasticsearch-compatible request');
    void reply.status(status).send(esError(status, code, message));
  };
}

export async function esRoutes(app: FastifyInstance, opts: EsRoutesOptions): Promise<void> {
  acceptRawBodies(app, opts.ctx.limits);
  // Every route of this plugin, by path, for the 405 of a wrong method (below).
  const allowed = new AllowedMethods({ ignoreTrailingSlash: true });
  app.addHook('onRoute', (route) => {
    allowed.add([route.method].flat(), route.url.slice(route.prefix.length) || '/');
  });
  const noRoute = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const methods = allowed.lookup(request.url.split('?')[0]!.slice(app.prefix.length));
    // OPTIONS of a known path: Elasticsearch's 200 with `Allow` and no body
    // (its RestController answers it for every path it has), not a 405.
    if (methods !== null && request.method === 'OPTIONS') return reply.status(200).header('allow', methods.join(',')).type('text/plain; charset=UTF-8').send('');
    if (methods !== null && !methods.includes(request.method)) return methodNotAllowed(request, reply, methods);
    const message = `no handler found for uri [${request.url}] and method [${request.method}]`;
    return reply.status(400).send(esError(400, 'LS_INGEST_BAD_PAYLOAD', message));
  };
  app.setErrorHandler(esErrorHandler(noRoute));
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('x-elastic-product', 'Elasticsearch');
    return payload;
  });
  const write = { scope: 'write' } as const;
  const tags = ['protocols'];

  app.route({
    method: ['GET', 'HEAD'],
    url: '/',
    config: { ...write, openapi: esProbeOpenApi },
    schema: { summary: 'Elasticsearch root document (8.x compatible), probed by ES clients and shippers', tags },
    handler: async () => rootDocument(),
  });
  app.get('/_license', { config: { ...write, openapi: esProbeOpenApi }, schema: { tags } }, async () => licenseDocument());
  app.get('/_xpack', { config: { ...write, openapi: esProbeOpenApi }, schema: { tags } }, async () => xpackDocument());

  // Health checks: Vector's elasticsearch sink asks _cluster/health, rsyslog's omelasticsearch _cat/health.
  app.get('/_cluster/health', { config: write, schema: { tags, hide: true } }, async () => clusterHealth());
  app.get('/_cat/health', { config: write, schema: { tags, hide: true } }, async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').send(`${Math.floor(Date.now() / 1000)} 00:00:00 logship green 1 1 0 0 0 0 0 0 - 100.0%\n`),
  );

  // Setup calls shippers make before writing (Filebeat, Logstash, Fluent
  // Bit, Vector): answered as done so they go on to _bulk.
  const setupPaths = [
    '/_index_template/:name',
    '/_component_template/:name',
    '/_template/:name',
    '/_ilm/policy/:name',
    '/_data_stream/:name',
    '/_ingest/pipeline/:name',
    '/:index/_alias/:alias',
    '/_alias/:alias',
  ];
  for (const url of setupPaths) {
    app.route({
      method: ['GET', 'HEAD', 'PUT', 'POST'],
      url,
      config: write,
      schema: { tags, hide: true },
      handler: async (request, reply) => {
        void reply.header(NOOP_HEADER, NOOP_NOTE);
        return request.method === 'GET' ? {} : { acknowledged: true };
      },
    });
  }
  // Index existence and creation (PUT /logs-app): there is nothing to create.
  app.route({
    method: ['HEAD', 'PUT'],
    url: '/:index',
    config: write,
    schema: { tags, hide: true },
    handler: async (request, reply) => {
      // The router gives `PUT /es/` (an empty index) and `PUT /es/_license`
      // (no PUT there) to this route; they are the root's and the probes'
      // paths, which take GET and HEAD: Elasticsearch's 405, not an index
      // "created" (schemathesis's unsupported-method check).
      const methods = allowed.lookup(request.url.split('?')[0]!.slice(app.prefix.length));
      if (methods !== null && !methods.includes(request.method)) return methodNotAllowed(request, reply, methods);
      void reply.header(NOOP_HEADER, NOOP_NOTE);
      const { index } = request.params as { index: string };
      return request.method === 'PUT' ? { acknowledged: true, shards_acknowledged: true, index } : {};
    },
  });

  // Both write paths: commit through the shared ingest path; a refusal worth
  // retrying (store unavailable, shutting down) carries Retry-After (esErrorHandler).
  const ingest = async (request: FastifyRequest, _reply: FastifyReply, items: Parameters<typeof ingestBatch>[2]) =>
    ingestBatch({ ...opts.ctx, log: request.log }, 'elasticsearch', items);

  const bulk = async (request: FastifyRequest, reply: FastifyReply) => {
    const started = performance.now();
    const { index } = (request.params ?? {}) as { index?: string };
    const { items, actions } = decodeBulk(bodyOf(request.body), index);
    // Elasticsearch refuses a _bulk without actions (400; an empty body is
    // its parse_exception, blank lines its validation error): a client
    // written against it gets the answer it would get there.
    if (actions.length === 0) throw errors.bulkEmpty();
    const outcome = await ingest(request, reply, items);
    const errorOf = new Map(outcome.errors.map((e) => [e.item, e]));
    const answered = actions.map((a, i) => itemAnswer(answeredAction(a, outcome.ids[i]), outcome.outcomes[i] ?? 'rejected', errorOf.get(i)));
    return {
      took: Math.round(performance.now() - started),
      errors: answered.some((x) => Object.values(x)[0]!.status >= 300),
      items: answered,
    };
  };
  for (const url of ['/_bulk', '/:index/_bulk']) {
    app.route({
      method: ['POST', 'PUT'],
      url,
      config: { ...write, openapi: esBulkOpenApi },
      schema: { summary: 'Elasticsearch bulk API: index and create actions; answers per item once committed', tags },
      handler: bulk,
    });
  }

  // Single documents (client.index / client.create, some Logstash plugins):
  // the same path as one _bulk item, answered as Elasticsearch answers them.
  const single = (routeOp: 'index' | 'create') => async (request: FastifyRequest, reply: FastifyReply) => {
    const { index, id } = request.params as { index: string; id?: string };
    if (id === '') {
      // The id left empty (`PUT /logs/_doc/`, a script's unset variable):
      // Elasticsearch reads the path without it, and that route makes an id
      // on POST only (405 for PUT); `_create` has none (400). Taking the PUT
      // as an index with a made id stored what Elasticsearch refuses.
      if (routeOp === 'create') throw errors.badPayload(`no handler found for uri [${request.url}] and method [${request.method}]`);
      if (request.method === 'PUT') return methodNotAllowed(request, reply, ['POST']);
    }
    // `_doc/{id}?op_type=create` is a create (Python's es.index(op_type="create")): 409 when stored.
    const op = (request.query as { op_type?: unknown } | undefined)?.op_type === 'create' ? 'create' : routeOp;
    const action = JSON.stringify({ [op]: id === undefined ? {} : { _id: id } });
    const doc = bodyText(bodyOf(request.body)).replace(/\r?\n/g, ' ');
    const { items, actions } = decodeBulk(Buffer.from(`${action}\n${doc}\n`), index);
    const outcome = await ingest(request, reply, items);
    const answer = Object.values(itemAnswer(answeredAction(actions[0]!, outcome.ids[0]), outcome.outcomes[0] ?? 'rejected', outcome.errors[0]))[0]!;
    if (answer.error) return reply.status(answer.status).send({ error: { root_cause: [answer.error], ...answer.error }, status: answer.status });
    return reply.status(answer.status).send({ ...answer, _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 0, _primary_term: 1 });
  };
  for (const [method, url, op] of [
    ['POST', '/:index/_doc', 'index'],
    ['POST', '/:index/_doc/:id', 'index'],
    ['PUT', '/:index/_doc/:id', 'index'],
    ['POST', '/:index/_create/:id', 'create'],
    ['PUT', '/:index/_create/:id', 'create'],
  ] as const) {
    app.route({ method, url, config: write, schema: { tags, hide: true }, handler: single(op) });
  }

  app.setNotFoundHandler(async (request, reply) => noRoute(request, reply));
}

/**
 * Elasticsearch's answer to a known path asked with a method it does not
 * take: 405, `Allow: POST,PUT`, and its simple error shape (`error` a
 * string, not an object), which the clients read as such; our code beside.
 */
function methodNotAllowed(request: FastifyRequest, reply: FastifyReply, methods: readonly string[]): FastifyReply {
  const err = errors.methodNotAllowed(request.url, request.method, methods.join(', '));
  return reply.status(405).header('allow', methods.join(',')).send({ error: err.message, status: 405, 'logship.code': err.code });
}

interface ItemResult {
  _index: string;
  _id: string;
  status: number;
  result?: string;
  _version?: number;
  error?: { type: string; reason: string; 'logship.code'?: string };
}

/** The action with the id to answer: an item that sent none gets its event's content id (or, not normalized, a hash of its document). */
function answeredAction(a: BulkAction, normalizedId: string | undefined): BulkAction {
  if (a.id !== '') return a;
  return { ...a, id: normalizedId ?? (a.doc !== undefined ? derivedId(a.index, a.doc) : '') };
}

/** Item refusals Elasticsearch names with a type of their own; the others are its document_parsing_exception. */
const ITEM_TYPE_BY_CODE: Readonly<Record<string, string>> = {
  LS_INGEST_BULK_INDEX_MISSING: 'action_request_validation_exception',
  LS_INGEST_BULK_ID_TOO_LONG: 'action_request_validation_exception',
  LS_INGEST_BULK_INVALID_INDEX_NAME: 'invalid_index_name_exception',
};

/** One item of the bulk answer, as Elasticsearch shapes it, so per-item retry logic works. */
function itemAnswer(a: BulkAction, outcome: ItemOutcome, err: { code: string; reason: string; retryable?: true } | undefined): Record<string, ItemResult> {
  const base = { _index: a.index, _id: a.id };
  let r: ItemResult;
  if (outcome === 'stored') {
    r = { ...base, _version: 1, result: 'created', status: 201 };
  } else if (outcome === 'duplicate' && a.op === 'create') {
    r = {
      ...base,
      status: 409,
      error: { type: 'version_conflict_engine_exception', reason: `[${a.id}]: version conflict, document already exists` },
    };
  } else if (outcome === 'duplicate' || outcome === 'expired' || outcome === 'dropped') {
    // index over an existing id: ES would overwrite; logship keeps the first
    // copy. dropped: what ES answers for a document an ingest pipeline's drop
    // processor dropped.
    r = { ...base, _version: 1, result: 'noop', status: 200 };
  } else if (err?.retryable) {
    // Not stored for now (its day's partition cannot take writes): a 503
    // item, which Filebeat, Logstash, Vector and Fluent Bit send again.
    r = { ...base, status: 503, error: { type: 'unavailable_shards_exception', reason: err.reason, 'logship.code': err.code } };
  } else {
    r = {
      ...base,
      status: 400,
      error: { type: ITEM_TYPE_BY_CODE[err?.code ?? ''] ?? 'document_parsing_exception', reason: err?.reason ?? 'rejected', 'logship.code': err?.code ?? 'LS_INGEST_EVENT_REJECTED' },
    };
  }
  return { [a.op]: r };
}
