/**
 * What readiness (`/health/ready`) says of the Elasticsearch store once its
 * template is in place: the cluster answers and the prefix's indices are
 * not red (or, for a key that may not see cluster health, they can be read),
 * today's indices take writes, and which fields of recent events
 * Elasticsearch keeps but does not index. Every request gives up within a
 * few seconds (HEALTH_REQUEST).
 */
import type { Client } from '@elastic/elasticsearch';
import type { StoreHealth } from '../store/log-store.js';
import { isEsError } from './es-error.js';
import { indexPattern, indexPatternFor } from './index-name.js';
import { asStoreFailure } from './transport-error.js';
import { unindexedFields } from './unindexed-fields.js';

/**
 * Readiness answers within a few seconds even when the cluster hangs (a
 * long GC, a frozen node): probes time out long before the 30 s of
 * ordinary requests, and nobody waits for a retry.
 */
export const HEALTH_REQUEST = { requestTimeout: 5_000, maxRetries: 0 } as const;

/** How long readiness reuses its answer about unindexed fields. */
const UNINDEXED_CHECK_MS = 60_000;

/** Index settings that make Elasticsearch refuse writes. */
const WRITE_BLOCKS = ['index.blocks.read_only_allow_delete', 'index.blocks.read_only', 'index.blocks.write'];

export class HealthProbe {
  private readonly client: Client;
  private readonly prefix: string;
  private readonly clock: () => number;

  constructor(client: Client, prefix: string, clock: () => number) {
    this.client = client;
    this.prefix = prefix;
    this.clock = clock;
  }

  async check(): Promise<StoreHealth> {
    let reachable = false;
    try {
      // The health of this store's indices, not the whole cluster's: on a
      // shared cluster another application's index missing a primary shard
      // turns the cluster red while every write and read of ours still works.
      const h = await this.client.cluster.health({ index: indexPattern(this.prefix), timeout: '5s' }, HEALTH_REQUEST);
      if (h.status === 'red') {
        return { ok: false, reason: `indices ${indexPattern(this.prefix)} of cluster ${h.cluster_name} are red: a primary shard is not allocated` };
      }
      reachable = true;
    } catch (err) {
      const failure = asStoreFailure(err);
      if (!isEsError(failure, 'LS_ES_AUTH')) return { ok: false, reason: failure.message };
    }
    if (!reachable) {
      // A least-privilege API key may not see cluster health; being able to
      // read its own indices is what readiness means for this store.
      try {
        await this.client.count({ index: indexPattern(this.prefix), ignore_unavailable: true, allow_no_indices: true }, HEALTH_REQUEST);
      } catch (err) {
        return { ok: false, reason: asStoreFailure(err).message };
      }
    }
    const blocked = await this.writeBlocks();
    if (blocked) return { ok: false, reason: blocked };
    const unindexed = await this.unindexedNotice();
    return unindexed ? { ok: true, unindexedFields: unindexed } : { ok: true };
  }

  private unindexed: { at: number; notice: string | null } | null = null;

  /**
   * What readiness says about fields of today's and yesterday's events that
   * Elasticsearch did not index, or null. Asked at most once a minute (a
   * probe every few seconds need not aggregate each time); unknown (null)
   * when the query fails, which readiness has judged already.
   */
  private async unindexedNotice(): Promise<string | null> {
    const now = this.clock();
    if (this.unindexed && now - this.unindexed.at < UNINDEXED_CHECK_MS && now >= this.unindexed.at) return this.unindexed.notice;
    let notice: string | null = null;
    try {
      const found = await unindexedFields(this.client, indexPatternFor(this.prefix, now - 86_400_000, now), 10, HEALTH_REQUEST);
      if (found) {
        const events = found.events === 1 ? '1 event since yesterday has' : `${found.events} events since yesterday have`;
        notice = `${events} fields Elasticsearch keeps but does not index, so queries on them find nothing there`
          + ` (new fields past the index's mapping.total_fields.limit, or keyword values over 8191 characters): ${found.fields.join(', ')}`;
      }
    } catch {
      notice = null;
    }
    this.unindexed = { at: now, notice };
    return notice;
  }

  /**
   * Why today's indices refuse writes, or null. A cluster past its
   * flood-stage disk watermark sets `index.blocks.read_only_allow_delete`
   * on its indices: every write then fails (ingest answers 503) while the
   * cluster itself is green, so readiness must say so, as the embedded
   * store's does when its folder cannot be written. Reading the settings
   * needs `view_index_metadata`; without it the check is skipped.
   */
  private async writeBlocks(): Promise<string | null> {
    const now = this.clock();
    let settings: Record<string, { settings?: Record<string, unknown> }>;
    try {
      settings = (await this.client.indices.getSettings(
        {
          index: indexPatternFor(this.prefix, now, now),
          name: WRITE_BLOCKS,
          flat_settings: true,
          ignore_unavailable: true,
          allow_no_indices: true,
        },
        HEALTH_REQUEST,
      )) as typeof settings;
    } catch (err) {
      const failure = asStoreFailure(err);
      return isEsError(failure, 'LS_ES_AUTH') ? null : failure.message;
    }
    const blocked: string[] = [];
    const kinds = new Set<string>();
    for (const [index, { settings: s = {} }] of Object.entries(settings)) {
      const set = WRITE_BLOCKS.filter((name) => String(s[name]) === 'true');
      if (set.length === 0) continue;
      blocked.push(index);
      for (const name of set) kinds.add(name);
    }
    if (blocked.length === 0) return null;
    blocked.sort();
    const why = kinds.has('index.blocks.read_only_allow_delete')
      ? ' (Elasticsearch sets it at the flood-stage disk watermark and lifts it once disk usage is below the high watermark: free disk space on the cluster)'
      : '';
    return `Elasticsearch refuses writes to ${blocked.join(', ')}: ${[...kinds].sort().join(', ')}${why}`;
  }
}
