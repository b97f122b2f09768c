/**
 * The entry point the server uses:
 *
 *   const store = await openElasticsearchStore({ url: 'http://es:9200', apiKey });
 *
 * It checks the options, connects, installs the index template and returns
 * a LogStore. An unreachable cluster fails with LS_ES_UNAVAILABLE.
 */
import { readFileSync } from 'node:fs';
import { Client, type ClientOptions } from '@elastic/elasticsearch';
import type { LogStore } from '../store/log-store.js';
import { validateRetentionConfig, type RetentionConfig } from '../retention/retention-config.js';
import type { RetryPolicy } from './bulk-writer.js';
import { ElasticsearchStore, type RefreshErrorHandler } from './elasticsearch-store.js';
import type { RetentionNotice } from './cluster-policy-holder.js';
import { esError, isEsError } from './es-error.js';
import { INDEX_PREFIX } from './index-name.js';
import { installIndexTemplate } from './index-template.js';

export interface OpenElasticsearchStoreOptions {
  /** Cluster URL, e.g. http://127.0.0.1:9200 (or a list of nodes). */
  url: string | string[];
  /** API key (the base64 `id:api_key` form Elasticsearch issues). */
  apiKey?: string;
  username?: string;
  password?: string;
  /** PEM file with the CA that signed the cluster's certificate. */
  caFile?: string;
  /** Index names are `<indexPrefix>-<class>-YYYY.MM.DD`; lowercase. Default `logship`. */
  indexPrefix?: string;
  /** Default: DESIGN.md §5. */
  retention?: RetentionConfig;
  /** The clock retention is measured against, epoch ms. */
  now?: () => number;
  /** Shards per daily index (default 1: a day of logs rarely needs more). */
  shards?: number;
  /** Replicas per daily index (default 1; 0 for a single-node cluster). */
  replicas?: number;
  /** Mapped fields per index before new fields stop being indexed (default 2000). */
  totalFieldsLimit?: number;
  /** Per-request timeout (default 30 s). */
  requestTimeoutMs?: number;
  /** Bulk retry policy for 429/5xx items. */
  retry?: RetryPolicy;
  /**
   * Start even when the cluster cannot be reached (default false: fail with
   * LS_ES_UNAVAILABLE). The store then reports not ready, writes fail with
   * LS_ES_UNAVAILABLE (ingest answers 503), and the template is installed
   * before the first write that reaches the cluster — for fleets whose
   * servers must not crash-loop while Elasticsearch restarts.
   */
  startWhenUnavailable?: boolean;
  /** Told why, when `startWhenUnavailable` let the store start without the cluster (the server logs it). */
  onStartUnavailable?: (err: Error) => void;
  /**
   * Called when the refresh that makes a write searchable failed twice (the
   * write still succeeds: its events are durable and become searchable at
   * the next scheduled refresh). For logs and metrics.
   */
  onRefreshError?: RefreshErrorHandler;
  /** The text fields free text searches (server `search.text_fields`); default DEFAULT_TEXT_FIELDS. */
  textFields?: readonly string[];
  /**
   * Replace the prefix's retention policy in the cluster with `retention`
   * at start (server `store.retention_overwrite`). Default false: the
   * policy the first server wrote there rules (cluster-retention.ts).
   */
  retentionOverwrite?: boolean;
  /**
   * False for a one-off command (`logship retention`): apply the cluster's
   * policy, but never write one. Default true.
   */
  claimRetentionPolicy?: boolean;
  /** Which retention policy the store applies and why (the server logs it). */
  onRetentionNotice?: RetentionNotice;
}

function bad(detail: string): never {
  throw esError('LS_ES_BAD_OPTIONS', detail);
}

function count(value: number | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) bad(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

export function clientOptions(opts: OpenElasticsearchStoreOptions): ClientOptions {
  const urls = Array.isArray(opts.url) ? opts.url : [opts.url];
  if (urls.length === 0) bad('url is required');
  for (const u of urls) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      bad(`url "${u}" is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') bad(`url "${u}" must be http or https`);
  }
  if (opts.apiKey !== undefined && (opts.username !== undefined || opts.password !== undefined)) {
    bad('use either apiKey or username/password, not both');
  }
  if ((opts.username === undefined) !== (opts.password === undefined)) bad('username and password go together');
  const options: ClientOptions = {
    nodes: urls,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    // The bulk writer retries per item with its own backoff; the client
    // only retries whole requests on connection errors, once.
    maxRetries: 1,
  };
  if (opts.apiKey !== undefined) options.auth = { apiKey: opts.apiKey };
  else if (opts.username !== undefined) options.auth = { username: opts.username, password: opts.password ?? '' };
  if (opts.caFile !== undefined) {
    let ca: Buffer;
    try {
      ca = readFileSync(opts.caFile);
    } catch (err) {
      throw esError('LS_ES_BAD_OPTIONS', `cannot read caFile ${opts.caFile}: ${(err as Error).message}`, err);
    }
    options.tls = { ca };
  }
  return options;
}

export async function openElasticsearchStore(opts: OpenElasticsearchStoreOptions): Promise<LogStore> {
  const prefix = opts.indexPrefix ?? 'logship';
  if (!INDEX_PREFIX.test(prefix)) bad(`indexPrefix "${prefix}" must match ${INDEX_PREFIX.source}`);
  const retention = validateRetentionConfig(opts.retention);
  const template = {
    prefix,
    shards: count(opts.shards, 1, 'shards', 1),
    replicas: count(opts.replicas, 1, 'replicas', 0),
    totalFieldsLimit: count(opts.totalFieldsLimit, 2000, 'totalFieldsLimit', 100),
  };
  const client = new Client(clientOptions(opts));
  const store = new ElasticsearchStore({
    client,
    prefix,
    retention,
    now: opts.now ?? Date.now,
    installTemplate: () => installIndexTemplate(client, template),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.onRefreshError ? { onRefreshError: opts.onRefreshError } : {}),
    ...(opts.textFields ? { textFields: opts.textFields } : {}),
    clusterPolicy: opts.claimRetentionPolicy === false ? 'read' : opts.retentionOverwrite === true ? 'overwrite' : 'claim',
    ...(opts.onRetentionNotice ? { onRetentionNotice: opts.onRetentionNotice } : {}),
  });
  try {
    await installIndexTemplate(client, template);
    // After the template: the policy's index is created from it (cluster-retention.ts).
    await store.retentionReady();
  } catch (err) {
    // Wrong credentials, an untrusted certificate or a refused template are
    // configuration mistakes: always fail now. An unreachable cluster fails
    // too unless the caller asked to start anyway.
    if (!(opts.startWhenUnavailable && isEsError(err, 'LS_ES_UNAVAILABLE'))) {
      await client.close();
      throw err;
    }
    opts.onStartUnavailable?.(err);
  }
  return store;
}
