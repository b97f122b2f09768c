import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { dropRules, type DropRules } from './drop-rules.js';
import { Redactor } from '../normalize/redactor.js';
import { redactionKey } from './redaction-key.js';
import { answerClientError, apiErrors, fromFastifyError, LocalLiveFeed, MAX_PATH_PARAM_LENGTH, queryApiPlugin, registerOpenApi, type LogEvent } from '@logship/query';
import { isPreparingStore, type LogStore } from '../store/log-store.js';
import { IngestWorkers } from './ingest-workers.js';
import type { ServerConfig } from '../config/server-config.js';
import { registerAuthHook, type AuthControl } from './auth-hook.js';
import { isLogshipError } from '../errors/define-error.js';
import { errors } from './errors.js';
import { healthRoutes } from './health-routes.js';
import { AllowedMethods } from './allowed-methods.js';
import { createIngestMetrics, type IngestMetrics } from './ingest-metrics.js';
import { ingestRoute } from './ingest-route.js';
import { lokiRoute } from './protocols/loki/loki-route.js';
import { esRoutes } from './protocols/elasticsearch/es-routes.js';
import { otlpRoute } from './protocols/otlp/otlp-route.js';
import { metricsRoute } from './metrics-route.js';
import { retentionRoute } from './retention-route.js';
import { defaultUiDir, registerUiRoutes } from './ui-routes.js';
import { LOGSHIP_VERSION } from '../version.js';
import { Ruler } from '../rules/ruler.js';
import { rulesRoutes } from '../rules/rules-routes.js';
import { createLogMetrics } from '../log-metrics/log-metrics.js';
import { httpsServerFactory, replaceCredentials } from './https-server.js';
import type { TlsCredentials } from './tls-credentials.js';
import { createTlsMetrics, type TlsMetrics } from './tls-metrics.js';

/*
 *  request ─► onRequest: closing? 503 ─► auth (route config.scope) ─► route
 *     routes: POST /api/v1/ingest (write) · protocols/ (write): /loki/api/v1/push, /es/…, /v1/logs
 *             · query API plugin (read) · /health · /health/ready · /metrics
 *             · /api/v1/rules, /api/v1/alerts (read), /api/v1/rules/reload (write)
 *             · / and /assets/* (the search page, no scope)
 *  committed events (every protocol, syslog too) ─► live tail feed, log_metrics counters
 *  onResponse ─► HTTP metrics
 */

export interface AppOptions {
  config: ServerConfig;
  store: LogStore;
  /** The clock for receive times, retention on arrival and rate limits. */
  now?: () => number;
  /** A pino logger; no logging when absent. */
  logger?: FastifyBaseLogger;
  /** Skip process-level default metrics (tests building many apps). */
  defaultMetrics?: boolean;
  /** The search page's build folder (default: packages/ui/dist through @logship/ui; null: none). */
  uiDir?: string | null;
  /** Serve HTTPS with these (config.tls, read and checked by loadTlsCredentials). */
  tls?: TlsCredentials;
}

export interface LogshipApp {
  app: FastifyInstance;
  metrics: IngestMetrics;
  /** Committed events, for the query API's live tail. */
  feed: LocalLiveFeed;
  /** Rule files loaded; evaluation starts with ruler.start() once the server listens. */
  ruler: Ruler;
  /** What every ingest path tells about committed events (live tail, log_metrics); the syslog listeners use it too. */
  onCommitted: (events: LogEvent[], times: number[]) => void;
  /** `ingest.drop` compiled, for the syslog and OTLP/gRPC listeners' ingest too (undefined without rules). */
  drop: DropRules | undefined;
  /** `ingest.redact` compiled, for the same listeners (undefined without rules). */
  redact: Redactor | undefined;
  /** The token check of the HTTP routes (no refusal while no tokens are configured), for the OTLP/gRPC listener, and its replacement on SIGHUP. */
  auth: AuthControl;
  /** Present when serving HTTPS: new credentials for new connections (SIGHUP). */
  tls?: { replace(credentials: TlsCredentials): void };
  /** logship_tls_cert_expiry_timestamp_seconds (no series without TLS). */
  tlsMetrics: TlsMetrics;
}

/**
 * Errors answer `{ "error": { "code", "message" } }`, the shape the query API
 * uses too, so clients read one format. 5xx are logged; their message is
 * ours (coded), never a stack.
 */
function errorHandler(noRoute: (request: FastifyRequest, reply: FastifyReply) => void) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    // A request no route takes whose body fastify refused first (`QUERY`
    // without a Content-Type, unreadable JSON to a path with no POST): the
    // method or the path is what is wrong, not the body.
    if (request.is404 && typeof err.code === 'string' && err.code.startsWith('FST_')) noRoute(request, reply);
    else answerError(err, request, reply);
  };
}

function answerError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const refused = fromFastifyError(err, request.headers['content-type'], request);
  if (refused) {
    void reply.status(refused.statusCode).send(refused.toJSON());
    return;
  }
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
  // A retryable coded 5xx (the store full or closing, a query past its
  // deadline) is the raiser's to log, with its context (ingest-batch.ts
  // logs the store's failure once); here it is one warning, not a second
  // error with the same stack.
  if (status >= 500 && isLogshipError(err) && err.retryable) request.log.warn({ code: err.code, message: err.message }, 'Request answered with a retryable error.');
  else if (status >= 500) request.log.error({ err }, 'Request failed.');
  const coded = isLogshipError(err) || (typeof err.code === 'string' && status < 500);
  const shown = coded ? err : errors.internal();
  if (isLogshipError(err) && err.retryAfterS !== undefined && !reply.hasHeader('retry-after')) {
    void reply.header('retry-after', String(Math.ceil(err.retryAfterS)));
  }
  void reply.status(coded ? status : 500).send({ error: { code: shown.code, message: shown.message } });
}

/** What no route takes: 405 with `Allow` for a path some route has (`routes`: every path the app serves), else 404. */
function noRouteAnswer(routes: AllowedMethods) {
  return (request: FastifyRequest, reply: FastifyReply): void => {
    const allow = routes.lookup(request.url.split('?')[0]!);
    if (allow && !allow.includes(request.method)) {
      void reply.status(405).header('allow', allow.join(', ')).send(apiErrors.methodNotAllowed(request.method, request.url, allow).toJSON());
      return;
    }
    const err = apiErrors.notFound(request.method, request.url);
    void reply.status(err.statusCode).send(err.toJSON());
  };
}

/** The largest request line + headers the server reads (node's default is 16 KiB). */
export const MAX_HEADER_BYTES = 128 * 1024;

/** Builds the fastify app without listening (server.ts listens; tests use inject()). */
export async function buildApp(opts: AppOptions): Promise<LogshipApp> {
  const { config, store } = opts;
  const now = opts.now ?? Date.now;
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    // One line per request, written by our onResponse hook: fastify's two
    // ("incoming request", "request completed") at info made every agent's
    // batch two lines of the server's own log.
    logController: new LogController({ disableRequestLogging: true }),
    // Our own onRequest hook answers 503 with a code while draining.
    return503OnClosing: false,
    // For JSON bodies of other routes (POST /api/v1/search); the ingest route
    // reads its own body and enforces the same limit, plus the gunzip one.
    bodyLimit: config.limits.max_body_bytes,
    // A misspelt parameter (`limt=5`) is an error, not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    // Field names in /api/v1/fields/NAME/values run past fastify's 100.
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    // Request heads up to 128 KiB, not node's 16: the search page keeps its
    // query in the URL (links, reload, back/forward) and sends it in each API
    // URL; a query of the most characters the parser takes (8192), each
    // percent-encoded to up to 9, answered 431 with node's limit.
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    ...(opts.tls ? { serverFactory: httpsServerFactory(opts.tls, MAX_HEADER_BYTES) } : {}),
    // Headers too large or not HTTP: answered in our error shape too.
    clientErrorHandler: answerClientError,
    // The router's own refusals (a malformed %-escape, a path parameter over
    // maxParamLength) reach no error handler; without this they answer in
    // fastify's shape.
    frameworkErrors: (err, _request, reply) => {
      const refused = fromFastifyError(err) ?? apiErrors.badRequest(err.message);
      void (reply as FastifyReply).status(refused.statusCode).send(refused.toJSON());
    },
  });
  const metrics = createIngestMetrics(store, { defaultMetrics: opts.defaultMetrics });
  const tlsMetrics = createTlsMetrics(metrics.registry);
  let tls: LogshipApp['tls'];
  if (opts.tls) {
    tlsMetrics.set([opts.tls]);
    tls = { replace: (credentials) => replaceCredentials(app.server, credentials) };
  }
  const logMetrics = createLogMetrics(config.log_metrics, config.saved_queries, metrics.registry, config.search.text_fields);
  // Loads the rule files now: a broken one stops the server from starting.
  const ruler = new Ruler({
    ruleFiles: config.rule_files,
    alerting: config.alerting,
    savedQueries: config.saved_queries,
    reader: store,
    dataDir: config.data,
    registry: metrics.registry,
    now,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    await ruler.stop();
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      throw errors.shuttingDown();
    }
  });
  const routes = new AllowedMethods({ ignoreTrailingSlash: false });
  app.addHook('onRoute', (route) => routes.add([route.method].flat(), route.url));
  const noRoute = noRouteAnswer(routes);
  app.setErrorHandler(errorHandler(noRoute));
  app.setNotFoundHandler(noRoute);
  const auth = registerAuthHook(app, config.auth, now);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    // Answered requests at debug, refused ones at info (a wrong token, a body
    // too large: what an operator looks for); 5xx are logged by errorHandler.
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime * 10) / 10 };
    if (reply.statusCode >= 400 && reply.statusCode < 500) request.log.info(line, 'Request refused.');
    else request.log.debug(line, 'Request answered.');
    metrics.httpRequests.inc({ method: request.method, route, status_code: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  // First, so the OpenAPI document sees every route registered after it.
  await registerOpenApi(app, { version: LOGSHIP_VERSION });
  await app.register(healthRoutes, { store, isClosing: () => closing });
  await app.register(metricsRoute, { metrics });
  await app.register(retentionRoute, { store, retention: config.retention, now });
  const feed = new LocalLiveFeed();
  const onCommitted = (events: LogEvent[], times: number[]): void => {
    feed.publish(events, times);
    logMetrics.observe(events);
  };
  const drop = dropRules(config.ingest.drop, config.search.text_fields);
  const rules = config.ingest.redact;
  const redact =
    rules.length > 0
      ? new Redactor(rules.map((r) => r.name), rules, redactionKey(config.data, config.ingest.redact_key_file), config.limits.max_value_bytes)
      : undefined;
  const workers = await startIngestWorkers(config, store, redact, (reason) => opts.logger?.error({ reason }, 'An ingest worker failed; its requests were answered 503 and it is started again.'));
  if (workers) app.addHook('onClose', () => workers.close());
  const ingest = {
    store,
    limits: config.limits,
    metrics,
    now,
    onCommitted,
    defaultTimeZone: config.ingest.default_timezone,
    ...(drop ? { drop } : {}),
    ...(redact ? { redact } : {}),
    ...(workers ? { workers, wantsEvents: () => feed.size > 0 || config.log_metrics.length > 0, onUnpublished: (ids: string[], times: number[]) => feed.skip(ids, times) } : {}),
  };
  await app.register(ingestRoute, ingest);
  // Other shippers' protocols: each decodes to envelopes and ends in the same ingestBatch.
  await app.register(lokiRoute, { ctx: ingest });
  await app.register(esRoutes, { ctx: ingest, prefix: '/es' });
  await app.register(otlpRoute, { ctx: ingest });
  await app.register(queryApiPlugin, { reader: store, now, savedQueries: { ...config.saved_queries }, feed, textFields: config.search.text_fields,
    tailMaxDurationMs: config.search.tail_max_duration_s * 1000 });
  await app.register(rulesRoutes, { ruler });
  await registerUiRoutes(app, opts.uiDir === undefined ? defaultUiDir() : opts.uiDir);
  return { app, metrics, feed, ruler, onCommitted, drop, redact, auth, tlsMetrics, ...(tls ? { tls } : {}) };
}

/**
 * `ingest.workers`, when the store takes writes prepared elsewhere (the
 * block store with its writer thread); undefined otherwise, and everything
 * is normalized on this thread.
 */
async function startIngestWorkers(config: ServerConfig, store: LogStore, redact: Redactor | undefined, onFailure: (reason: string) => void): Promise<IngestWorkers | undefined> {
  const count = config.ingest.workers ?? 0;
  if (count <= 0 || !isPreparingStore(store)) return undefined;
  const preparer = store.preparer();
  if (!preparer) return undefined;
  const rules = config.ingest.redact;
  return IngestWorkers.start(
    count,
    {
      limits: config.limits,
      defaultTimeZone: config.ingest.default_timezone,
      drop: config.ingest.drop.length > 0 ? { queries: config.ingest.drop, textFields: config.search.text_fields } : null,
      redact: redact ? { names: redact.names, rules, key: redact.key, maxValueBytes: config.limits.max_value_bytes } : null,
      preparer,
    },
    (prepared) => store.commitPrepared(prepared),
    onFailure,
  );
}
