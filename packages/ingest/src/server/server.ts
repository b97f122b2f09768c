import type { FastifyBaseLogger } from 'fastify';
import type { LogStore } from '../store/log-store.js';
import type { ServerConfig } from '../config/server-config.js';
import { formatHostForUrl, parseListen } from '../config/parse-listen.js';
import { linkBaseUrl } from './link-base-url.js';
import { startRetentionScheduler, type RetentionScheduler } from '../retention/retention-scheduler.js';
import { buildApp, type LogshipApp } from './app.js';
import { listening } from './listen-failure.js';
import { checkListeners } from './check-listeners.js';
import { MistakeList } from '../errors/mistake-list.js';
import { checkListenPolicy } from './listen-policy.js';
import { loadTlsCredentials } from './tls-credentials.js';
import { syslogTlsCredentials } from './syslog-tls-credentials.js';
import { startSyslogListeners, type SyslogListeners } from './protocols/syslog/syslog-listeners.js';
import type { OtlpGrpcServer } from './protocols/otlp/otlp-grpc-server.js';
import { ALL_DAYS } from '../sqlite/partition-folder.js';
import { DENIED_AT_START } from '../sqlite/denied-partition.js';
import { logStoreBackground } from './store-background-log.js';

/*
 * startServer: check listen/auth, TLS files, each port bound and released
 *              (every problem named together; no store or data folder yet) ─► open store ─► build app (loads rule files) ─► syslog listeners, OTLP/gRPC (when
 *              configured) ─► listen (HTTP last: ready means every port is bound; one that cannot
 *              bind: every listener probed, check-listeners.ts, each failure named)
 *              ─► retention now + timer ─► ruler
 * close():     stop retention ─► syslog listeners (stop, flush), OTLP/gRPC (drain) ─► app.close() (stops the ruler first;
 *              stops accepting, waits for in-flight batches, which resolve only once durable) ─► store.close()
 */

export interface StartServerOptions {
  config: ServerConfig;
  logger: FastifyBaseLogger;
  openStore: (config: ServerConfig) => Promise<LogStore>;
  now?: () => number;
  /** Enforce retention once right after start (default true). */
  retentionAtStart?: boolean;
}

export interface RunningServer {
  /** `http(s)://host:port` actually bound (port 0 resolved). */
  url: string;
  logshipApp: LogshipApp;
  store: LogStore;
  retention: RetentionScheduler;
  /**
   * Re-reads tls.cert_file, key_file and client_ca_file, and the syslog TLS
   * listener's files (SIGHUP), for new connections; open ones keep theirs. Throws LS_TLS_* and keeps the running
   * certificate when the new files do not check out. False without TLS.
   */
  reloadTls(): boolean;
  /** The syslog listeners, when `syslog.listen_tcp` or `listen_udp` is set. */
  syslog?: SyslogListeners;
  /** The OTLP/gRPC listener, when `otlp.grpc_listen` is set. */
  otlpGrpc?: OtlpGrpcServer;
  /** Graceful stop; safe to call more than once. */
  close(): Promise<void>;
}

export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const { config, logger } = opts;
  const now = opts.now ?? Date.now;
  const { host, port } = parseListen(config.listen);
  const warning = checkListenPolicy(config, host);
  if (warning) logger.warn(warning);
  // Before the store opens, and so before `serve` creates or locks a data
  // folder (serve-command.ts): a bad certificate and a port that cannot
  // bind are the operator's mistakes, named together as
  // `serve --check` names them, and a start they refuse leaves no folder
  // behind. Each port is bound and released here; the real binds follow
  // the store's opening (ready means every port takes writes), and one
  // taken meanwhile fails below, named the same way.
  const mistakes = new MistakeList();
  const tlsCredentials = config.tls ? mistakes.check(() => loadTlsCredentials(config.tls!, now()), undefined) : undefined;
  const syslogCredentials = mistakes.check(() => syslogTlsCredentials(config, now()), undefined);
  await mistakes.checkAsync(() => checkListeners(config), undefined);
  mistakes.throwIfAny();

  const store = await opts.openStore(config);
  // A damaged partition file does not stop the start (the other days are
  // served, searches over its day leave it out with a warning): it is said
  // here, by name, so it is not first found in an answer.
  // Nor does one the server's user may not read or write (a backup
  // restored as root): its day is left out of searches, or searched
  // read-only, and its writes answer 503, until the file is given back.
  for (const denied of store.deniedAtStart?.() ?? []) {
    logger.warn({ code: 'LS_STORE_PARTITION_DENIED' }, `${denied}: ${DENIED_AT_START}.`);
  }
  for (const p of store.unreadablePartitions?.(ALL_DAYS) ?? []) {
    if (p.code === 'LS_STORE_PARTITION_DENIED') continue; // said above
    logger.error({ partition: p.partition, reason: p.reason }, `Partition ${p.partition} cannot be read; searches over its day leave it out: restore it from a backup or move it aside.`);
  }
  let logshipApp: LogshipApp | undefined;
  let syslog: SyslogListeners | undefined;
  let otlpGrpc: OtlpGrpcServer | undefined;
  try {
    logshipApp = await buildApp({ config, store, now, logger, ...(tlsCredentials ? { tls: tlsCredentials } : {}) });
    const started = logshipApp;
    // Before any port takes a write: a merge follows the first commits.
    logStoreBackground(store, logger, started.metrics, now);
    // The listeners outside fastify end in the same ingestBatch as the routes.
    // They are bound before the HTTP port, so that once /health/ready (or
    // /health) answers, every configured port takes connections: bound
    // after, a Collector started when the server was ready had its first
    // OTLP/gRPC exports refused.
    const ingestCtx = {
      store,
      limits: config.limits,
      metrics: logshipApp.metrics,
      now,
      log: logger,
      onCommitted: logshipApp.onCommitted,
      defaultTimeZone: config.ingest.default_timezone,
      ...(logshipApp.drop ? { drop: logshipApp.drop } : {}),
      ...(logshipApp.redact ? { redact: logshipApp.redact } : {}),
    };
    if (config.syslog.listen_tcp !== undefined || config.syslog.listen_udp !== undefined || config.syslog.listen_tls !== undefined) {
      syslog = await startSyslogListeners(config.syslog, ingestCtx, syslogCredentials);
      logger.info(`Syslog listening on${syslog.tcp ? ` tcp ${syslog.tcp}` : ''}${syslog.udp ? ` udp ${syslog.udp}` : ''}${syslog.tls ? ` tls ${syslog.tls}` : ''}.`);
    }
    if (config.otlp.grpc_listen !== undefined) {
      // Loaded only when configured: @grpc/grpc-js is ~5 MB of heap (sources, code) a server without it never uses.
      const { startOtlpGrpcServer } = await import('./protocols/otlp/otlp-grpc-server.js');
      const grpcListen = config.otlp.grpc_listen;
      otlpGrpc = await listening('otlp.grpc_listen', grpcListen, () => startOtlpGrpcServer(grpcListen, ingestCtx, started.auth.authorize, tlsCredentials));
      logger.info(`OTLP/gRPC listening on ${otlpGrpc.address}.`);
    }
    await listening('listen', config.listen, () => started.app.listen({ host, port }));
  } catch (err) {
    await Promise.all([syslog?.close(), otlpGrpc?.close()]);
    await logshipApp?.app.close();
    await store.close();
    if ((err as { code?: unknown }).code === 'LS_CONFIG_LISTEN_FAILED') {
      // One listener could not bind, and the ones after it were not tried:
      // each is probed now that ours are released, so every one that
      // cannot bind is named at once (the first as it failed).
      const failed = new MistakeList();
      failed.add(err);
      await failed.checkAsync(() => checkListeners(config), undefined);
      failed.throwIfAny();
    }
    throw err;
  }
  const { app, metrics } = logshipApp;

  const retention = startRetentionScheduler({
    store,
    interval_ms: config.retention.check_interval_s * 1000,
    now,
    onRun(result, startedAt) {
      metrics.recordRetentionRun(result, now());
      logger.info(
        { ...result, duration_ms: now() - startedAt },
        `Retention run removed ${result.eventsRemoved} events in ${result.partitionsDropped.length} partitions.`,
      );
    },
    onError(err) {
      metrics.retentionFailures.inc();
      logger.error({ err }, 'Retention run failed; it will be retried at the next interval.');
    },
  });

  // Once at start too: a server restarted more often than check_interval_s
  // would otherwise never enforce retention.
  if (opts.retentionAtStart !== false) {
    retention.runNow().catch((err: unknown) => {
      metrics.retentionFailures.inc();
      logger.error({ err }, 'Retention run at start failed; it will be retried at the next interval.');
    });
  }

  const address = app.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const url = `${config.tls ? 'https' : 'http'}://${formatHostForUrl(host)}:${boundPort}`;
  await logshipApp.ruler.start(linkBaseUrl(host, boundPort, config.tls !== undefined));

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      await retention.stop();
      await Promise.all([syslog?.close(), otlpGrpc?.close()]);
      await app.close();
      await store.close();
    })());

  const served = logshipApp;
  const ownSyslogFiles = config.syslog.tls_cert_file !== undefined;
  served.tlsMetrics.set([tlsCredentials, ownSyslogFiles ? syslogCredentials : undefined]);
  const reloadTls = (): boolean => {
    if (!config.tls && !syslogCredentials) return false;
    // Both read and checked before either is replaced: a bad file changes nothing.
    const https = config.tls ? loadTlsCredentials(config.tls, now()) : undefined;
    const forSyslog = syslogCredentials ? (ownSyslogFiles ? syslogTlsCredentials(config, now()) : https) : undefined;
    if (https) served.tls?.replace(https);
    if (forSyslog) syslog?.replaceTls(forSyslog);
    served.tlsMetrics.set([https, ownSyslogFiles ? forSyslog : undefined]);
    return true;
  };

  return { url, logshipApp, store, retention, syslog, otlpGrpc, reloadTls, close };
}
