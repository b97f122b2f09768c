/**
 * Retention on Elasticsearch (DESIGN.md §5): ILM is not available on the
 * test distribution and could only age indices by creation time, while
 * logship ages events by @timestamp. So a daily index is deleted whole once
 * the newest event in it is past its class's cutoff; until then the
 * visibility filter (visibility-filter.ts) hides its expired events.
 */
import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import type { PartitionInfo, RetentionRunResult } from '../store/log-store.js';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import { DAY_MS } from '../retention/retention-config.js';
import { CLASS_FIELD } from './event-document.js';
import { indexPattern, parseIndexName } from './index-name.js';
import { asStoreFailure } from './transport-error.js';

interface IndexBucket {
  key: string;
  doc_count: number;
  oldest: { value: number | null };
  newest: { value: number | null };
  cls: { buckets: { key: string }[] };
}

export async function listPartitions(client: Client, prefix: string, policy: RetentionPolicy, now: number): Promise<PartitionInfo[]> {
  const pattern = indexPattern(prefix);
  let stats: estypes.IndicesStatsResponse;
  let response: estypes.SearchResponse<unknown>;
  try {
    [stats, response] = await Promise.all([
      // Index stats rather than _cat/indices: they need only the `monitor`
      // privilege on the store's own indices, not cluster:monitor/state.
      client.indices.stats({ index: pattern, metric: ['docs', 'store'], expand_wildcards: 'open' }),
      client.search({
        index: pattern,
        ignore_unavailable: true,
        allow_no_indices: true,
        size: 0,
        aggs: {
          idx: {
            terms: { field: '_index', size: 10_000 },
            aggs: {
              oldest: { min: { field: '@timestamp' } },
              newest: { max: { field: '@timestamp' } },
              cls: { terms: { field: CLASS_FIELD, size: 1 } },
            },
          },
        },
      }),
    ]);
  } catch (err) {
    throw asStoreFailure(err);
  }
  const byIndex = new Map<string, IndexBucket>();
  const idx = (response.aggregations as Record<string, { buckets: IndexBucket[] }> | undefined)?.idx;
  for (const b of idx?.buckets ?? []) byIndex.set(b.key, b);
  const parts: PartitionInfo[] = [];
  for (const [name, row] of Object.entries(stats.indices ?? {})) {
    const parsed = parseIndexName(prefix, name);
    if (!parsed) continue;
    const bucket = byIndex.get(name);
    // The exact class name is in the documents; an empty index only has its name.
    const className =
      bucket?.cls.buckets[0]?.key ?? policy.classNames.find((c) => c.toLowerCase() === parsed.classLower) ?? parsed.classLower;
    const oldest = bucket?.oldest.value ?? null;
    // The newest event decides; an empty index is judged by the end of its day.
    const newest = bucket?.newest.value ?? Date.parse(`${parsed.day}T00:00:00.000Z`) + DAY_MS - 1;
    parts.push({
      name,
      class: className,
      day: parsed.day,
      bytes: row.total?.store?.size_in_bytes ?? 0,
      events: row.primaries?.docs?.count ?? 0,
      oldest,
      expired: newest < policy.cutoff(className, now),
    });
  }
  parts.sort((a, b) => (a.day === b.day ? (a.class < b.class ? -1 : 1) : a.day < b.day ? 1 : -1));
  return parts;
}

export async function dropExpired(client: Client, prefix: string, policy: RetentionPolicy, now: number): Promise<RetentionRunResult> {
  const expired = (await listPartitions(client, prefix, policy, now)).filter((p) => p.expired);
  const result: RetentionRunResult = { partitionsDropped: [], eventsRemoved: 0, bytesRemoved: 0 };
  // One index at a time: a failure leaves the others' accounting exact.
  for (const p of expired) {
    try {
      await client.indices.delete({ index: p.name, ignore_unavailable: true });
    } catch (err) {
      // Another server on the prefix deleted it in the meantime: `ignore_unavailable` covers an index
      // gone before the request, not one gone while Elasticsearch deletes it (a 404
      // index_not_found_exception, seen in CI with two servers running retention at start).
      // Its events are that server's to count.
      if (err instanceof errors.ResponseError && err.statusCode === 404) continue;
      throw asStoreFailure(err);
    }
    result.partitionsDropped.push(p.name);
    result.eventsRemoved += p.events;
    result.bytesRemoved += p.bytes;
  }
  return result;
}
