import type { LogStore } from './log-store.js';
import type { ElasticsearchStoreConfig, ServerConfig } from '../config/server-config.js';
import type { OpenElasticsearchStoreOptions } from '../elasticsearch/open-elasticsearch-store.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { resolveStoreFormat } from './store-format.js';
import { openBlockStore } from '../blocks/open-block-store.js';

/** Where a store reports trouble it recovers from on its own (a pino logger fits). */
export interface StoreLogger {
  warn(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

export interface OpenStoreOptions {
  now?: () => number;
  logger?: StoreLogger;
  /**
   * False for a command that runs one operation and exits (`logship
   * retention`): SQLite then reads and writes on the calling thread instead
   * of starting a writer thread and a pool of reader threads. Default true.
   */
  threads?: boolean;
  /**
   * False for a command that must not write the retention policy of a
   * shared Elasticsearch prefix (`logship retention`): it applies the
   * cluster's policy when there is one. Default true.
   */
  claimRetentionPolicy?: boolean;
}

/** Opens the configured backend: SQLite in `data`, or Elasticsearch at `store.url`. */
export async function openStore(config: ServerConfig, opts: OpenStoreOptions = {}): Promise<LogStore> {
  const { now, logger } = opts;
  const clock = now ? { now } : {};
  if (config.store.type === 'sqlite') {
    const threads = opts.threads === false ? { writerThread: false, readerThreads: 0 } : {};
    const open = resolveStoreFormat(config.data, config.store.format) === 'blocks' ? openBlockStore : openSqliteStore;
    return open({ dataDir: config.data, retention: config.retention, textFields: config.search.text_fields, ...clock, ...threads });
  }
  const s = config.store;
  // Loaded only for this backend: the Elasticsearch client alone is ~9 MB of
  // heap and ~30 MB of RSS that an embedded store's server never uses.
  const { openElasticsearchStore } = await import('../elasticsearch/open-elasticsearch-store.js');
  return openElasticsearchStore({
    ...elasticsearchStoreOptions(config, s),
    ...clock,
    ...(opts.claimRetentionPolicy === false ? { claimRetentionPolicy: false } : {}),
    ...(logger
      ? {
          onStartUnavailable: (err: Error) =>
            logger.warn(
              { err, url: s.url },
              'Elasticsearch cannot be reached; the server starts anyway (store.start_when_unavailable) and is not ready: ingest and searches answer 503 with Retry-After, so agents hold their lines, until the cluster answers.',
            ),
          onRetentionNotice: (level: 'info' | 'warn', message: string) =>
            level === 'warn' ? logger.warn({ prefix: s.index_prefix ?? 'logship' }, message) : logger.info?.({ prefix: s.index_prefix ?? 'logship' }, message),
        }
      : {}),
    ...(logger
      ? {
          onRefreshError: ({ indices, error }: { indices: string[]; error: Error }) =>
            logger.warn(
              { err: error, indices },
              'Refreshing Elasticsearch indices after a write failed twice; the events are stored and become searchable at the next scheduled refresh (within 1 s).',
            ),
        }
      : {}),
  });
}

/** The Elasticsearch store's options from the server config: what the start opens, and what `serve --check` reads. */
export function elasticsearchStoreOptions(config: ServerConfig, s: ElasticsearchStoreConfig): OpenElasticsearchStoreOptions {
  return {
    url: s.url,
    retention: config.retention,
    textFields: config.search.text_fields,
    ...(s.api_key !== undefined ? { apiKey: s.api_key } : {}),
    ...(s.username !== undefined ? { username: s.username } : {}),
    ...(s.password !== undefined ? { password: s.password } : {}),
    ...(s.ca_file !== undefined ? { caFile: s.ca_file } : {}),
    ...(s.index_prefix !== undefined ? { indexPrefix: s.index_prefix } : {}),
    ...(s.shards !== undefined ? { shards: s.shards } : {}),
    ...(s.replicas !== undefined ? { replicas: s.replicas } : {}),
    ...(s.retention_overwrite !== undefined ? { retentionOverwrite: s.retention_overwrite } : {}),
    ...(s.start_when_unavailable === true ? { startWhenUnavailable: true } : {}),
  };
}
