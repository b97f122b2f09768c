import { accessSync, constants, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { ServerConfig } from '../config/server-config.js';
import { parseListen } from '../config/parse-listen.js';
import { loadRuleFiles } from '../rules/load-rule-files.js';
import { checkListenPolicy } from '../server/listen-policy.js';
import { loadTlsCredentials } from '../server/tls-credentials.js';
import { syslogTlsCredentials } from '../server/syslog-tls-credentials.js';
import { checkRedactionKey } from '../server/redaction-key.js';
import { storeError } from '../store/store-error.js';
import { elasticsearchStoreOptions } from '../store/open-store.js';
import { dataDirAdvice } from '../store/data-dir-advice.js';
import { damagedPartitionFiles, deniedPartitionFiles } from '../sqlite/partition-folder.js';
import { DENIED_AT_START } from '../sqlite/denied-partition.js';
import { blockStoreDir, resolveStoreFormat, rowStoreDir } from '../store/store-format.js';
import { checkListeners } from '../server/check-listeners.js';
import { MistakeList } from '../errors/mistake-list.js';

/**
 * `logship serve --check`: everything the server checks before it serves,
 * without serving, opening the store or leaving a file (like `promtool
 * check config` or Loki's `-verify-config`; the systemd unit runs it as
 * ExecStartPre, so a broken config is reported by `systemctl start`). The
 * config was loaded and its queries compiled by loadServerConfig; this adds
 * the listen policy, the TLS files, the rule files, whether the data
 * folder can be written and whether the listeners can bind (check-listeners.ts),
 * and, with an Elasticsearch store, what the start will find in the cluster,
 * read and never written (check-cluster.ts; `offline`: not contacted).
 * Throws the coded error the start would (several, independent ones
 * together: MistakeList); returns what the server would do, a line each,
 * and warnings.
 */
export async function checkServeConfig(
  config: ServerConfig,
  now: number,
  opts: { offline?: boolean; mistakes?: MistakeList } = {},
): Promise<{ lines: string[]; warnings: string[] }> {
  const warnings: string[] = [];
  // Each check below is independent of the others: every mistake is
  // gathered, after those loading the config found (`opts.mistakes`), and
  // reported together (ConfigMistakes, the first's code), as the schema's are.
  const mistakes = opts.mistakes ?? new MistakeList();
  const policy = mistakes.check(() => checkListenPolicy(config, parseListen(config.listen).host), undefined);
  if (policy) warnings.push(policy);
  if (config.tls) mistakes.check(() => loadTlsCredentials(config.tls!, now), undefined);
  mistakes.check(() => syslogTlsCredentials(config, now), undefined);

  const { groups, files, emptyGlobs } = mistakes.check(
    () => loadRuleFiles(config.rule_files, { defaultInterval_ms: config.alerting.evaluation_interval_ms, savedQueries: config.saved_queries }),
    { groups: [], files: [], emptyGlobs: [] },
  );
  for (const glob of emptyGlobs) warnings.push(`The rule_files glob "${glob}" matches no file.`);

  const auth = config.auth.tokens.length + config.auth.tls_clients.length;
  // A cluster is not contacted for a config already found wrong (its store
  // part may be what is wrong): the check fails whatever it would answer.
  const contact = config.store.type !== 'elasticsearch' || mistakes.size === 0;
  const store = contact ? await mistakes.checkAsync(() => describeStore(config, now, opts.offline === true, warnings), { store: '', retention: '' }) : { store: '', retention: '' };
  const lines = [
    `listen: ${config.tls ? 'https' : 'http'}://${config.listen}, ${auth === 0 ? 'no tokens' : `${config.auth.tokens.length} token(s), ${config.auth.tls_clients.length} client certificate(s)`}`,
    `store: ${store.store}`,
    `retention: ${store.retention}`,
    `rules: ${groups.reduce((n, g) => n + g.rules.length, 0)} in ${groups.length} group(s) from ${files.length} file(s)`,
  ];
  const { listen_tcp, listen_udp, listen_tls } = config.syslog;
  const syslog = [listen_tcp && `tcp ${listen_tcp}`, listen_udp && `udp ${listen_udp}`, listen_tls && `tls ${listen_tls}`].filter(Boolean);
  if (syslog.length > 0) lines.push(`syslog: ${syslog.join(', ')}`);
  if (config.otlp.grpc_listen !== undefined) lines.push(`otlp grpc: ${config.otlp.grpc_listen}`);
  if (config.log_metrics.length > 0) lines.push(`log metrics: ${config.log_metrics.length}`);
  if (config.ingest.drop.length > 0) lines.push(`ingest drops events matching: ${config.ingest.drop.join(' | ')}`);
  if (config.ingest.redact.length > 0) mistakes.check(() => checkRedactionKey(config.data, config.ingest.redact_key_file), undefined);
  if (config.ingest.redact.length > 0) lines.push(`ingest redacts: ${config.ingest.redact.map((r) => (r.name === r.pattern ? r.pattern : `${r.name} (${r.pattern})`)).join(' | ')}`);
  // Last, so the config's own mistakes come first in the list, before a busy port.
  await mistakes.checkAsync(() => checkListeners(config, warnings), undefined);
  mistakes.throwIfAny();
  return { lines, warnings };
}

async function describeStore(config: ServerConfig, now: number, offline: boolean, warnings: string[]): Promise<{ store: string; retention: string }> {
  const store = config.store;
  const retention = config.retention.classes.map((c) => `${c.name} ${c.days} d`).concat(`other ${config.retention.default_days} d`).join(', ');
  if (store.type === 'elasticsearch') {
    const { clientOptions } = await import('../elasticsearch/open-elasticsearch-store.js');
    const options = elasticsearchStoreOptions(config, store);
    // Not read (offline, or not reached): say that it may not be what applies.
    const unread =
      retention +
      (store.retention_overwrite !== true
        ? " (a policy the index prefix already has in the cluster applies instead: `logship retention status` shows the one in force)"
        : '');
    if (offline) {
      // The client's options are built as at start (the CA file read); the cluster is not contacted.
      clientOptions(options);
      return { store: `elasticsearch at ${store.url} (not contacted: --offline)`, retention: unread };
    }
    // Read as the start would find it, never written (check-cluster.ts); a
    // cluster that cannot be reached, or refuses the credentials, fails the
    // check with the code the start would fail with.
    const { checkCluster, OFFLINE_HINT } = await import('../elasticsearch/check-cluster.js');
    const { isEsError } = await import('../elasticsearch/es-error.js');
    let found;
    try {
      found = await checkCluster(options, now);
    } catch (err) {
      // The start goes on without the cluster here, so the check does too (the unit's ExecStartPre passes).
      if (store.start_when_unavailable !== true || !isEsError(err, 'LS_ES_UNAVAILABLE')) throw err;
      warnings.push(`${err.message.replace(OFFLINE_HINT, '')}; the server starts anyway (store.start_when_unavailable) and is not ready, answering 503, until the cluster answers.`);
      return { store: `elasticsearch at ${store.url} (not reached)`, retention: unread };
    }
    warnings.push(...found.warnings);
    return { store: `elasticsearch at ${store.url}: ${found.cluster}`, retention: found.retention };
  }
  const format = resolveStoreFormat(config.data, store.format);
  const dir = resolve(format === 'rows' ? rowStoreDir(config.data) : blockStoreDir(config.data));
  writableFolder(dir, config.data);
  // A partition file another user owns does not stop the start (its day alone is refused), so it is a warning here.
  for (const denied of deniedPartitionFiles(dir)) warnings.push(`${denied}: ${DENIED_AT_START}.`);
  for (const damage of damagedPartitionFiles(dir)) warnings.push(`${damage}: searches over its day leave it out (with a warning in the answer); restore it from a backup (logship store backup) or move it aside.`);
  return { store: `${format} in ${dir}`, retention };
}

/** The folder, or the nearest one above it that exists, can be written: the start creates the rest. */
function writableFolder(dir: string, dataDir: string): void {
  let at = dir;
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(at).isDirectory();
    } catch {
      const up = dirname(at);
      if (up === at) break;
      at = up;
      continue;
    }
    if (!isDir) throw storeError('LS_STORE_DATA_DIR', `cannot use ${dir}: ${at} is not a folder${dataDirAdvice({ code: 'ENOTDIR' })}`);
    try {
      accessSync(at, constants.W_OK | constants.X_OK);
      // access() says yes to root for any folder, /proc and read-only
      // mounts included: the start would then fail to create the store.
      // Creating (and removing at once) a folder is the real test.
      rmdirSync(mkdtempSync(join(at, '.logship-check-')));
    } catch (err) {
      throw storeError('LS_STORE_DATA_DIR', `cannot use ${dir}: ${at} cannot be written (${(err as Error).message})${missingAdvice(at, dir, dataDir, err) ?? dataDirAdvice(err)}`, err);
    }
    return;
  }
}

/**
 * The data folder does not exist yet and this user may not create it: the
 * usual case of a check run by hand before the first start (README, "install
 * the server on a host"), where the general advice to chown the folder
 * named would have given /var/lib away. Null when the folder exists.
 */
function missingAdvice(at: string, dir: string, dataDir: string, err: unknown): string | null {
  const code = (err as { code?: string }).code;
  if (at === dir || (code !== 'EACCES' && code !== 'EPERM')) return null;
  const data = resolve(dataDir);
  const create = data.startsWith(at + sep) ? data : dir;
  return (
    `; ${create} does not exist yet, and this user (uid ${process.getuid?.() ?? '?'}) may not create it: create it for the user the server runs as ` +
    `(sudo install -d -o logship -g logship -m 0750 ${create}; the systemd unit's StateDirectory= does so for /var/lib/logship at start), ` +
    'then check as that user, or choose another data folder (--data or data: in the config)'
  );
}
