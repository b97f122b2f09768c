/**
 * `logship serve --check` with an Elasticsearch store: what the start will
 * find in the cluster, read and never written.
 *
 *   cluster health ─► reachable, credentials accepted (a key without `monitor`:
 *                     a count of the prefix's indices instead, as readiness does)
 *   <prefix>-meta ───► the retention policy in force (ClusterPolicyHolder in
 *                     `read` mode, as `logship retention status`)
 *   readiness ──────► a red cluster, write blocks on today's indices, fields
 *                     kept but not indexed: warnings (the start goes on)
 *
 * The start fails on an unreachable cluster or refused credentials, so the
 * check fails with the same code, naming the URL. Nothing is written: no
 * template, no policy, no index (a get from a missing `<prefix>-meta`
 * creates nothing). Each request gives up after 5 s without a retry, and
 * the whole check after CHECK_LIMIT_MS, so `systemctl start` (which runs
 * the check first) never hangs on a frozen cluster.
 */
import { Client } from '@elastic/elasticsearch';
import { DEFAULT_RETENTION, type RetentionConfig } from '../retention/retention-config.js';
import { ElasticsearchStore } from './elasticsearch-store.js';
import { ES_ERROR_CODES, esError, isEsError } from './es-error.js';
import { HEALTH_REQUEST } from './health-probe.js';
import { indexPattern, INDEX_PREFIX } from './index-name.js';
import { clientOptions, type OpenElasticsearchStoreOptions } from './open-elasticsearch-store.js';
import { asStoreFailure } from './transport-error.js';

/** Ends every failure's message: `serve --check` takes it off where the start goes on anyway (store.start_when_unavailable). */
export const OFFLINE_HINT = '; the start would fail the same way (`logship serve --check --offline` checks the rest without contacting the cluster)';

/** The whole check, health, policy and readiness together. */
export const CHECK_LIMIT_MS = 20_000;

export interface ClusterCheck {
  /** `cluster "logs" green, 3 node(s), index prefix "logship"` */
  cluster: string;
  /** The retention in force and where it comes from. */
  retention: string;
  warnings: string[];
}

/** `errors 90 d, debug 7 d, other 30 d`, as `serve --check` prints retention. */
export function shortRetention(r: Pick<RetentionConfig, 'default_days' | 'classes'>): string {
  return r.classes.map((c) => `${c.name} ${c.days} d`).concat(`other ${r.default_days} d`).join(', ');
}

export async function checkCluster(opts: OpenElasticsearchStoreOptions, now: number): Promise<ClusterCheck> {
  const prefix = opts.indexPrefix ?? 'logship';
  if (!INDEX_PREFIX.test(prefix)) throw esError('LS_ES_BAD_OPTIONS', `indexPrefix "${prefix}" must match ${INDEX_PREFIX.source}`);
  const url = Array.isArray(opts.url) ? opts.url.join(', ') : opts.url;
  const client = new Client({ ...clientOptions(opts), requestTimeout: HEALTH_REQUEST.requestTimeout, maxRetries: 0 });
  const configured = opts.retention ?? DEFAULT_RETENTION;
  const warnings: string[] = [];
  const store = new ElasticsearchStore({
    client,
    prefix,
    retention: configured,
    now: () => now,
    ...(opts.textFields ? { textFields: opts.textFields } : {}),
    clusterPolicy: 'read',
    onRetentionNotice: (level, message) => {
      // With retention_overwrite the start replaces the policy: "it differs, set retention_overwrite" would mislead.
      if (level === 'warn' && opts.retentionOverwrite !== true) warnings.push(message);
    },
  });
  const read = async (): Promise<ClusterCheck> => {
    const cluster = await reach(client, prefix, url);
    try {
      await store.retentionReady();
    } catch (err) {
      throw atUrl(asStoreFailure(err), url);
    }
    const inForce = store.retentionInForce();
    let retention: string;
    if (opts.retentionOverwrite === true) {
      const there = inForce.from === 'cluster' ? `the cluster's (${shortRetention(inForce)})` : 'none';
      retention = `${shortRetention(configured)} (store.retention_overwrite: the start writes it to ${prefix}-meta, which holds ${there} now)`;
    } else if (inForce.from === 'cluster') {
      retention = `${shortRetention(inForce)} (from ${inForce.detail})`;
    } else {
      const held = inForce.detail.includes('invalid') ? 'a policy that cannot be used' : 'none yet: the first server to start on the prefix writes its own there';
      retention = `${shortRetention(configured)} (this config's; ${prefix}-meta holds ${held})`;
    }
    const health = await store.health();
    if (!health.ok) warnings.push(`Elasticsearch is not ready for this store: ${health.reason ?? 'no reason given'}.`);
    if (health.unindexedFields) warnings.push(`${health.unindexedFields}.`);
    return { cluster: `${cluster}, index prefix "${prefix}"`, retention, warnings };
  };
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(esError('LS_ES_UNAVAILABLE', `${url} did not finish answering the check within ${CHECK_LIMIT_MS / 1000} s${OFFLINE_HINT}`)),
      CHECK_LIMIT_MS,
    );
  });
  try {
    return await Promise.race([limit, read()]);
  } finally {
    clearTimeout(timer);
    await store.close();
  }
}

/** Whether the cluster answers these credentials: its name and state, or a coded error naming the URL. */
async function reach(client: Client, prefix: string, url: string): Promise<string> {
  try {
    const h = await client.cluster.health({ timeout: '5s' });
    return `cluster "${h.cluster_name}" ${h.status}, ${h.number_of_nodes} node(s)`;
  } catch (err) {
    const failure = asStoreFailure(err);
    if (!isEsError(failure, 'LS_ES_AUTH')) throw atUrl(failure, url);
  }
  // A least-privilege key may not see cluster health (readiness reads its indices instead).
  try {
    await client.count({ index: indexPattern(prefix), ignore_unavailable: true, allow_no_indices: true });
  } catch (err) {
    throw atUrl(asStoreFailure(err), url);
  }
  return 'cluster health not readable with these credentials (no `monitor` privilege), the prefix\'s indices are';
}

/** The same coded error, saying which cluster and that the start would fail too. */
function atUrl(failure: Error, url: string): Error {
  if (!isEsError(failure)) return failure;
  const lead = ES_ERROR_CODES[failure.code].template.replace('%s', '');
  const detail = failure.message.startsWith(lead) ? failure.message.slice(lead.length) : failure.message;
  return esError(failure.code, `${url}: ${detail}${OFFLINE_HINT}`, failure);
}
