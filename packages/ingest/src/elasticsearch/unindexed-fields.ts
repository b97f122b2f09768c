/**
 * Fields Elasticsearch keeps in `_source` but does not index: past the
 * index's `mapping.total_fields.limit` (the template sets
 * `ignore_dynamic_beyond_limit`, so such events are stored, not refused) or
 * keyword values over `ignore_above`. Queries on them find nothing, which
 * the embedded store's users never see; Elasticsearch lists them per
 * document in `_ignored`, so readiness and the log can name them.
 */
import type { Client } from '@elastic/elasticsearch';
import { BOOLEAN_PREFIX, KEYWORD_PREFIX, NUMBER_PREFIX, OTHER_TEXT_PREFIX } from './event-document.js';

export interface UnindexedFields {
  /** Events of the indices asked that have at least one such field. */
  events: number;
  /** Their names as events carry them (the most frequent first), at most `size`. */
  fields: string[];
}

/** `@kw.http.url` → `http.url`; a hex-encoded name (`~…`) back to its text. */
export function eventFieldName(esName: string): string {
  let name = esName;
  for (const prefix of [KEYWORD_PREFIX, NUMBER_PREFIX, BOOLEAN_PREFIX, OTHER_TEXT_PREFIX]) {
    if (name.startsWith(prefix)) {
      name = name.slice(prefix.length);
      break;
    }
  }
  return name.startsWith('~') && /^~(?:[0-9a-f]{2})+$/.test(name) ? Buffer.from(name.slice(1), 'hex').toString('utf8') : name;
}

/**
 * Which fields of the events in `index` (a pattern) Elasticsearch left
 * unindexed; null when none did. A terms aggregation over `_ignored`, which
 * has doc values from Elasticsearch 8.15 on.
 */
export async function unindexedFields(client: Client, index: string, size: number, options: { requestTimeout: number; maxRetries: number }): Promise<UnindexedFields | null> {
  const res = await client.search<unknown, { fields: { buckets: { key: string }[] } }>({
    index,
    ignore_unavailable: true,
    allow_no_indices: true,
    size: 0,
    track_total_hits: true,
    query: { exists: { field: '_ignored' } },
    aggs: { fields: { terms: { field: '_ignored', size: size * 2 } } },
  }, options);
  const total = res.hits.total;
  const events = typeof total === 'number' ? total : (total?.value ?? 0);
  if (events === 0) return null;
  const fields: string[] = [];
  for (const b of res.aggregations?.fields.buckets ?? []) {
    const name = eventFieldName(b.key);
    // A field ignored as a keyword is one name however many copies it has.
    if (!fields.includes(name)) fields.push(name);
    if (fields.length === size) break;
  }
  return { events, fields };
}
