/**
 * Test-only: where the real Elasticsearch for the suites is, and fresh,
 * self-cleaning stores on it. scripts/test.sh starts Elasticsearch with
 * scripts/elasticsearch.sh and exports LOGSHIP_TEST_ES_URL.
 *
 *   LOGSHIP_TEST_ES_URL set      → the suites run against it
 *   unset, CI=true               → the suite file fails (CI must run them)
 *   unset otherwise (a laptop)   → the suites are skipped, loudly
 */
import { readFileSync } from 'node:fs';
import { Client } from '@elastic/elasticsearch';
import type { LogStore } from '../store/log-store.js';
import { openElasticsearchStore, type OpenElasticsearchStoreOptions } from './open-elasticsearch-store.js';
import { indexPattern } from './index-name.js';
import { buildIndexTemplate, templateName } from './index-template.js';

export const ES_SKIP_REASON =
  'LOGSHIP_TEST_ES_URL is not set: Elasticsearch suites SKIPPED (run `bash scripts/elasticsearch.sh start` and export its URL, or use `npm test`)';

export function esTestUrl(): string | null {
  const url = process.env.LOGSHIP_TEST_ES_URL;
  if (url) return url;
  if (process.env.CI === 'true') {
    throw new Error('CI=true but LOGSHIP_TEST_ES_URL is not set: the Elasticsearch suites must run in CI');
  }
  console.warn(`WARNING: ${ES_SKIP_REASON}`);
  return null;
}

let counter = 0;

/** A store on its own index prefix; close() also deletes its indices and template. */
export async function openTestStore(
  url: string,
  opts: Omit<OpenElasticsearchStoreOptions, 'url'> = {},
): Promise<LogStore & { prefix: string }> {
  const prefix = opts.indexPrefix ?? `lstest_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const store = await openElasticsearchStore({ replicas: 0, ...opts, url, indexPrefix: prefix });
  const close = store.close.bind(store);
  return Object.assign(store, {
    prefix,
    async close(): Promise<void> {
      await close();
      await dropStoreData(url, prefix);
    },
  });
}

export async function dropStoreData(
  url: string,
  prefix: string,
  auth?: { username: string; password: string; caFile: string },
): Promise<void> {
  const admin = new Client({
    node: url,
    ...(auth ? { auth: { username: auth.username, password: auth.password }, tls: { ca: readFileSync(auth.caFile) } } : {}),
  });
  try {
    await admin.indices.delete({ index: indexPattern(prefix), ignore_unavailable: true, allow_no_indices: true });
    await admin.indices.deleteIndexTemplate({ name: templateName(prefix) }, { ignore: [404] });
  } finally {
    await admin.close();
  }
}

/** The mapping an index got before `@txt` existed. */
export function oldMappings(prefix: string): Record<string, unknown> {
  const t = buildIndexTemplate({ prefix, shards: 1, replicas: 0, totalFieldsLimit: 1000 }) as {
    template: { settings: Record<string, unknown>; mappings: { properties: Record<string, unknown>; dynamic_templates: Record<string, unknown>[] } };
  };
  const properties = { ...t.template.mappings.properties };
  delete properties['@txt'];
  return {
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: { ...t.template.mappings, properties, dynamic_templates: t.template.mappings.dynamic_templates.filter((d) => !('ls_text' in d)) },
  };
}
