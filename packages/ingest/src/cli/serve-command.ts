import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { pino } from 'pino';
import { authEnvReferences } from '../config/auth-env-references.js';
import { loadServerConfig } from '../config/load-server-config.js';
import { openStore } from '../store/open-store.js';
import { startServer } from '../server/server.js';
import { errors } from '../server/errors.js';
import type { CliIo } from './cli-io.js';
import { parseCommandFlags } from './parse-command-flags.js';
import { checkServeConfig } from './check-serve-config.js';
import { MistakeList } from '../errors/mistake-list.js';
import { loggedMistake } from '../errors/logged-mistake.js';
import { changedConfigKeys } from './changed-config-keys.js';
import { DataFolderClaim } from './data-folder-claim.js';
import { recordRetention } from '../retention/recorded-retention.js';
import { serverLogDestination } from './server-log-destination.js';
import type { ServerConfig } from '../config/server-config.js';
import { SERVE_USAGE } from './command-usage.js';
export { SERVE_USAGE };


/**
 * V8 lets a heap grow to up to 4× what it kept at its last full collection
 * when the program allocates fast and collections are cheap, as ingest
 * does: the receiving thread's heap reached ~130 MB for ~33 MB live. A
 * factor of 2.5 took the peak RSS of 1M events over HTTP from 349–383 to
 * 310–318 MiB for ~2% more CPU (2.0: 295–301 MiB, +8%); docs/BLOCK_STORE.md
 * "Measured". The flag is read at each collection, so setting it here, before
 * the server allocates, covers the main thread and every worker. A
 * `--heap-growing-percent` given to node itself wins.
 */
export const HEAP_GROWING_PERCENT = 150;

function limitHeapGrowth(): void {
  if (process.execArgv.some((a) => a.startsWith('--heap-growing-percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * Runs the server until SIGTERM or SIGINT, then stops accepting, lets
 * in-flight batches finish (each answers only once durable), closes the store
 * and resolves 0. A second signal exits at once.
 */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const flags = parseCommandFlags(argv, ['config', 'data', 'listen', 'store', 'esUrl', 'tlsCertFile', 'tlsKeyFile', 'tlsClientCaFile', 'tlsMinVersion', 'check', 'offline']);
  if (flags.help) {
    io.stdout.write(`usage: ${SERVE_USAGE}\n`);
    return 0;
  }
  if (flags.positionals.length > 0) throw errors.cliUsage(`unexpected argument "${flags.positionals[0]}"; usage: ${SERVE_USAGE}`);
  if (flags.offline && !flags.check) throw errors.cliUsage(`--offline goes with --check; usage: ${SERVE_USAGE}`);
  // --check reports the config's mistakes and its own together; the start throws the config's at once.
  const mistakes = flags.check ? new MistakeList() : undefined;
  const config = loadServerConfig(flags, process.env, mistakes);
  if (flags.check) {
    const { lines, warnings } = await checkServeConfig(config, Date.now(), { offline: flags.offline === true, mistakes });
    io.stdout.write(`The config is valid${flags.config !== undefined ? `: ${flags.config}` : ' (no --config: the defaults and flags)'}\n`);
    for (const line of lines) io.stdout.write(`  ${line}\n`);
    for (const w of warnings) io.stdout.write(`  warning: ${w}\n`);
    return 0;
  }
  limitHeapGrowth();
  const logger = pino({ level: config.log.level, base: { name: 'logship', pid: process.pid } }, serverLogDestination());
  const folder = config.store.type === 'sqlite' ? new DataFolderClaim(config.data, logger) : undefined;
  // One server per embedded data folder: two would both merge, enforce
  // retention and write alert states in it. A folder with a lock file may
  // have a server on it: it is locked first, so the same config started
  // twice is refused as LS_STORE_DATA_DIR ("in use by another logship
  // process", as VictoriaLogs' flock.lock or Elasticsearch's node lock say)
  // before its ports, which that server holds, are probed. Any other folder
  // is created and locked only once startServer's checks (tokens, TLS
  // files, each port) passed, so a start they refuse leaves none behind.
  if (folder?.mayBeInUse()) folder.lock();
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      config,
      logger,
      openStore: (c) => {
        folder?.lock();
        return openStore(c, { logger });
      },
    });
  } catch (err) {
    folder?.giveUp();
    throw err;
  }
  try {
    // What `retention status|run --data` apply without --config
    // (recorded-retention.ts): recorded once this policy is the one a
    // server runs, not by a start that failed after it (a port in use).
    if (folder) recordRetention(config.data, config.retention, flags.config !== undefined ? resolve(flags.config) : null, Date.now());
  } catch (err) {
    await server.close().catch(() => {});
    folder?.giveUp();
    throw err;
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn(`Received ${signal} again; exiting without waiting.`);
        process.exit(1);
      }
      stopping = true;
      logger.info(`Received ${signal}; finishing in-flight batches, then closing the store.`);
      server.close().then(
        () => {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          process.off('SIGHUP', onHangup);
          folder?.release();
          logger.info('logship stopped.');
          resolve(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'Shutdown failed.');
          resolve(1);
        },
      );
    };
    // SIGHUP re-reads the rule files, as Prometheus does, and the TLS
    // certificate and key (rotation without dropping connections); a mistake
    // is logged and what runs stays.
    const onHangup = (): void => {
      reportConfigChanges();
      // Without rule_files there is nothing to reload: a reload would throw
      // LS_RULES_DISABLED, logged as an error at every certificate rotation.
      if (server.logshipApp.ruler.configured) {
        try {
          const loaded = server.logshipApp.ruler.reload();
          logger.info(loaded, 'Received SIGHUP; rule files reloaded.');
        } catch (err) {
          logger.error(loggedMistake(err), 'Received SIGHUP; the rule files did not load, so the rules already running stay.');
        }
      }
      try {
        if (server.reloadTls()) logger.info({ cert_file: config.tls?.cert_file }, 'Received SIGHUP; TLS certificate and key reloaded for new connections.');
      } catch (err) {
        logger.error(loggedMistake(err), 'Received SIGHUP; the TLS files did not check out, so the running certificate stays.');
      }
    };
    // `systemctl reload` after editing server.yaml: `auth` (tokens, their
    // scopes and rate limits, client certificates) is put in force, so a
    // leaked token is revoked without a restart; what is not reloaded is
    // said, by key, instead of a silent success (a changed retention period
    // did nothing until a restart). A file that does not load, or an auth
    // that cannot be swapped in, leaves the running one as it is.
    let running = config;
    const reportConfigChanges = (): void => {
      if (flags.config === undefined) {
        logger.info('Received SIGHUP; reloading the rule files and TLS files (the rest of the config is read at start).');
        return;
      }
      let next: ServerConfig;
      try {
        next = loadServerConfig(flags);
      } catch (err) {
        logger.error(loggedMistake(err), `Received SIGHUP; ${flags.config} does not load now, so the running tokens and config stay and the next restart would fail: fix it (logship serve --check).`);
        return;
      }
      const fromEnv = authEnvReferences(flags.config);
      if (fromEnv.length > 0) {
        logger.warn(
          { env: [...new Set(fromEnv.map((r) => r.name))], paths: fromEnv.map((r) => r.path) },
          `Received SIGHUP; ${fromEnv.map((r) => `${r.path} is \${${r.name}}`).join(', ')}: the environment of a running process cannot change, so a new value there (systemd's EnvironmentFile, say) takes effect at the next restart (systemctl restart logship); tokens written in ${flags.config} are reloaded now.`,
        );
      }
      // New contents of the same TLS files are no change here: SIGHUP reloads those.
      let changed = changedConfigKeys(running, next);
      if (changed.includes('auth')) {
        try {
          server.logshipApp.auth.replace(next.auth);
          running = { ...running, auth: next.auth };
          changed = changed.filter((k) => k !== 'auth');
          // Names only: a token's value is never logged.
          logger.info({ tokens: next.auth.tokens.map((t) => t.name), tls_clients: next.auth.tls_clients.length }, 'Received SIGHUP; auth reloaded: the tokens now configured are in force for the next request, and removed ones are refused.');
        } catch (err) {
          logger.error(loggedMistake(err), 'Received SIGHUP; the new auth cannot be put in force without a restart, so the running tokens stay.');
        }
      }
      if (changed.length === 0) {
        logger.info(`Received SIGHUP; reloading the rule files and TLS files; ${flags.config} has no other change.`);
        return;
      }
      logger.warn(
        { changed },
        `Received SIGHUP; ${flags.config} changed at ${changed.join(', ')}, which take effect at the next restart (systemctl restart logship): SIGHUP reloads only auth, the rule files and the TLS files.`,
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    process.on('SIGHUP', onHangup);
    // Announced once the handlers are in place: a supervisor that waits for
    // this line and then sends SIGHUP (or SIGTERM) found node's default
    // action, which kills the process, when the machine was busy.
    io.stdout.write(`logship listening on ${server.url}\n`);
    io.stdout.write(`search page: ${server.url}/\n`);
    logger.info({ url: server.url, data: config.data, store: config.store.type }, 'logship is serving.');
  });
}

