import type { LogStore } from '../log-store.js';
import type { ServerConfig } from '../config/server-config.js';
import * as ingestPackage from '../index.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { errors } from './errors.js';

type OpenElasticsearchStore = (opts: {
  url: string;
  apiKey?: string;
  indexPrefix?: string;
  retention: ServerConfig['retention'];
  now?: () => number;
}) => Promise<LogStore>;

/** Opens the configured backend: SQLite in `data`, or Elasticsearch at `store.url`. */
export async function openStore(config: ServerConfig, now?: () => number): Promise<LogStore> {
  if (config.store.type === 'sqlite') {
    return openSqliteStore({ dataDir: config.data, retention: config.retention, ...(now ? { now } : {}) });
  }
  // Looked up at run time: the Elasticsearch backend is built in its own room.
  const open = (ingestPackage as Record<string, unknown>).openElasticsearchStore as OpenElasticsearchStore | undefined;
  if (typeof open !== 'function') throw errors.configStoreNotBuilt('elasticsearch');
  const s = config.store;
  return open({
    url: s.url,
    ...(s.api_key !== undefined ? { apiKey: s.api_key } : {}),
    ...(s.index_prefix !== undefined ? { indexPrefix: s.index_prefix } : {}),
    retention: config.retention,
    ...(now ? { now } : {}),
  });
}
