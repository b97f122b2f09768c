/**
 * The Elasticsearch LogStore: stateless over one cluster, so several
 * `logship serve` processes may share it.
 *
 *   write ─► validate ─► classify (retention class) ─► drop expired ─► bulkWrite (durable) ─► daily index
 *         └─► RefreshCoalescer: _refresh of the indices written (searchable) ─► write resolves
 *   search/count/aggregate ─► compileDsl(AST) + time range + visibility filter ─► <prefix>-*-<day> per day of the range
 *   partitions / enforceRetention ─► es-retention.ts, with the prefix's policy from the cluster (cluster-policy-holder.ts)
 */
import type { Client } from '@elastic/elasticsearch';
import {
  compileMatcher,
  parse,
  resolveTextFields,
  type AggregateRequest,
  type AggregateResult,
  type CountRequest,
  type LogEvent,
  type SearchRequest,
  type SearchResult,
} from '@logship/query/core';
import type { LogStore, PartitionInfo, RetentionInForce, RetentionRunResult, StoreHealth, WriteResult } from '../store/log-store.js';
import type { RetentionConfig } from '../retention/retention-config.js';
import { createRetentionPolicy } from '../retention/retention-policy.js';
import { storeError } from '../store/store-error.js';
import { ClusterPolicyHolder, type ClusterPolicyMode, type RetentionNotice } from './cluster-policy-holder.js';
import { bulkWrite, DEFAULT_RETRY, type BulkItem, type BulkOutcome, type RetryPolicy } from './bulk-writer.js';
import { compileDsl, type EsQuery } from './compile-dsl.js';
import { aggregate } from './es-aggregate.js';
import { isEsError } from './es-error.js';
import { dropExpired, listPartitions } from './es-retention.js';
import { countMatching, searchPage } from './es-search.js';
import { eventToDocument } from './event-document.js';
import { indexName, indexPattern, indexPatternFor } from './index-name.js';
import { RefreshCoalescer } from './refresh-coalescer.js';
import { asStoreFailure } from './transport-error.js';
import { unindexedFields } from './unindexed-fields.js';
import { timeRangeFilter, visibilityFilter } from './visibility-filter.js';
// The read API's shared answers (query package): kept apart from the import above, which other work changes.
import { expandFieldPatterns, hasFieldPattern } from '@logship/query/core';
import { indexedFieldNames } from './field-names.js';

export interface ElasticsearchStoreConfig {
  client: Client;
  prefix: string;
  retention: RetentionConfig;
  now: () => number;
  retry?: RetryPolicy;
  /**
   * Installs the index template. When given, the store installs it before
   * its first write (and again after a failure): a server started while the
   * cluster is down comes up, answers 503 to ingest until the cluster is
   * back, and never lets an index be created without the template.
   */
  installTemplate?: () => Promise<void | readonly string[]>;
  /**
   * Called when the refresh after a write failed twice; the write still
   * resolves (its events are durable and become searchable at the next
   * scheduled refresh, within refresh_interval). For logs and metrics.
   */
  onRefreshError?: RefreshErrorHandler;
  /** The text fields (server `search.text_fields`; default DEFAULT_TEXT_FIELDS). */
  textFields?: readonly string[];
  /** Whether the prefix's retention policy in the cluster rules (cluster-policy-holder.ts); default `off`: `retention` only. */
  clusterPolicy?: ClusterPolicyMode;
  /** Where the store says which retention policy it applies and why (for the server's log). */
  onRetentionNotice?: RetentionNotice;
}

export type RefreshErrorHandler = (info: { indices: string[]; error: Error }) => void;

/** Events per _bulk request. */
const BULK_CHUNK = 2000;
/**
 * _bulk requests of one write in flight at once. A request no longer waits
 * for a scheduled refresh (refresh=false, then one explicit refresh per
 * write), so this is only about keeping the cluster busy: while it parses
 * and indexes one chunk, the next ones are on the wire and queued for its
 * other write threads, and one slow chunk does not idle the rest.
 */
const BULK_PARALLEL = 4;

/**
 * Readiness answers within a few seconds even when the cluster hangs (a
 * long GC, a frozen node): probes time out long before the 30 s of
 * ordinary requests, and nobody waits for a retry.
 */
const HEALTH_REQUEST = { requestTimeout: 5_000, maxRetries: 0 } as const;

/** How long readiness reuses its answer about unindexed fields. */
const UNINDEXED_CHECK_MS = 60_000;

/** Index settings that make Elasticsearch refuse writes. */
const WRITE_BLOCKS = ['index.blocks.read_only_allow_delete', 'index.blocks.read_only', 'index.blocks.write'];

/** Elasticsearch's limit on `_id`. */
const MAX_ID_BYTES = 512;

/** Why an event cannot be stored, or null when it can. */
function invalidReason(event: LogEvent): string | null {
  if (typeof event !== 'object' || event === null) return 'an event must be an object';
  const id = event['event.id'];
  if (typeof id !== 'string' || id === '') return 'event.id must be a non-empty string';
  if (Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES) return `event.id is longer than ${MAX_ID_BYTES} bytes`;
  const ts = event['@timestamp'];
  if (typeof ts !== 'string' || Number.isNaN(Date.parse(ts))) return '@timestamp must be an ISO 8601 date';
  return null;
}

export class ElasticsearchStore implements LogStore {
  private readonly client: Client;
  private readonly prefix: string;
  private readonly clock: () => number;
  private readonly retention: ClusterPolicyHolder;
  private readonly retry: RetryPolicy;
  private closed = false;
  private readonly installTemplate: (() => Promise<void | readonly string[]>) | undefined;
  /** Indices whose mapping has no `@txt` and could not be given one (index-template.ts). */
  private noOtherText: ReadonlySet<string> = new Set();
  private templateInstalled: Promise<void> | null = null;
  private readonly refresher: RefreshCoalescer;
  private readonly onRefreshError: RefreshErrorHandler | undefined;
  /** A refresh failed twice: its writes were acknowledged before a search could see them. */
  private refreshFailed = false;
  private readonly textFields: readonly string[];
  private readonly otherTextFields: readonly string[];

  constructor(config: ElasticsearchStoreConfig) {
    this.client = config.client;
    this.prefix = config.prefix;
    this.clock = config.now;
    this.retry = config.retry ?? DEFAULT_RETRY;
    this.installTemplate = config.installTemplate;
    this.onRefreshError = config.onRefreshError;
    this.refresher = new RefreshCoalescer((indices) => this.refreshOrReport(indices));
    // Class queries use the matcher: classification happens before the event is in any index.
    this.textFields = resolveTextFields(config.textFields);
    this.otherTextFields = this.textFields.filter((f) => f !== 'message');
    const compile = (query: string): ReturnType<typeof compileMatcher> =>
      compileMatcher(parse(query), { now: this.clock(), textFields: this.textFields });
    this.retention = new ClusterPolicyHolder({
      client: this.client,
      prefix: this.prefix,
      configured: config.retention,
      compile: (retention) => createRetentionPolicy(retention, compile),
      mode: config.clusterPolicy ?? 'off',
      now: this.clock,
      ...(config.onRetentionNotice ? { notice: config.onRetentionNotice } : {}),
    });
  }

  /** Reads (or, first, writes) the prefix's retention policy in the cluster; openElasticsearchStore awaits it. */
  retentionReady(): Promise<void> {
    return this.retention.ready();
  }

  /** The policy's index is created from the template (cluster-retention.ts): template first. */
  private async policyReady(): Promise<void> {
    await this.templateReady();
    await this.retention.ready();
  }

  retentionInForce(): RetentionInForce {
    return this.retention.inForce();
  }

  private get index(): string {
    return indexPattern(this.prefix);
  }

  private open(): void {
    if (this.closed) throw storeError('LS_STORE_CLOSED', 'the Elasticsearch store was closed');
  }

  /** Resolves once the template is in place; a failed attempt is retried by the next caller. */
  private templateReady(): Promise<void> {
    if (!this.installTemplate) return Promise.resolve();
    this.templateInstalled ??= this.installTemplate().then((legacy) => {
      if (legacy) this.noOtherText = new Set(legacy);
    }, (err: unknown) => {
      this.templateInstalled = null;
      throw err;
    });
    return this.templateInstalled;
  }

  /**
   * One refresh round of the coalescer. A refresh that fails is tried once
   * more, then reported and treated as done, so the writes it serves still
   * resolve: their bulk requests were acknowledged, so the events are
   * durable, and the scheduled refresh (refresh_interval 1 s, set by the
   * template) makes them searchable shortly. Failing the write instead
   * would make the agent resend events that are already stored, only to
   * get duplicates back, and a cluster whose role lacks the `maintenance`
   * privilege (needed for _refresh) would refuse all ingest instead of
   * delaying visibility by up to a second. The cost: after such a failure,
   * a search right after the write may miss it until that refresh.
   */
  private async refreshOrReport(indices: string[]): Promise<void> {
    const refresh = (): Promise<unknown> =>
      // ignore_unavailable: retention may have deleted a day index since the write.
      this.client.indices.refresh({ index: indices, ignore_unavailable: true, allow_no_indices: true });
    try {
      await refresh();
    } catch {
      try {
        await refresh();
      } catch (err) {
        this.refreshFailed = true;
        try {
          this.onRefreshError?.({ indices, error: asStoreFailure(err) });
        } catch {
          // A reporting hook that throws must not fail writes that are stored.
        }
      }
    }
  }

  /**
   * Every acknowledged write is searchable at once (the refresh before a
   * write resolves) until a refresh fails: from then on, for as long as
   * this store runs, an acknowledged event may be unseen until the
   * scheduled refresh, so the query API gives no commit marks (the search
   * page would take an event the answer lacks as counted in it). Kept
   * false for good: which indices a later refresh covers is per round,
   * and how soon the scheduled refresh runs is the cluster's setting.
   */
  seesAcknowledgedWrites(): boolean {
    return !this.refreshFailed;
  }

  async write(events: LogEvent[], now: number = this.clock()): Promise<WriteResult> {
    this.open();
    const result: WriteResult = { stored: 0, duplicates: 0, expired: 0, errors: [], storedIndexes: [] };
    const items: BulkItem[] = [];
    // A batch may carry the same id twice; the first one wins, as on a resend.
    const seen = new Set<string>();
    // Classification needs the policy in force; a batch of invalid events only is answered without the cluster.
    if (events.some((e) => invalidReason(e) === null)) await this.policyReady();
    const policy = this.retention.policy;
    events.forEach((event, index) => {
      const reason = invalidReason(event);
      if (reason) {
        result.errors.push({ index, reason });
        return;
      }
      const ms = Date.parse(event['@timestamp']);
      const className = policy.classify(event);
      if (ms < policy.cutoff(className, now)) {
        result.expired++;
        return;
      }
      const id = event['event.id'];
      // Per index, as `_id` dedupes: the same id on another day is another event.
      const name = indexName(this.prefix, className, ms);
      const key = `${name}\0${id}`;
      if (seen.has(key)) {
        result.duplicates++;
        return;
      }
      seen.add(key);
      items.push({ index, id, indexName: name, doc: eventToDocument(event, className, this.otherTextFields) });
    });
    if (items.length > 0) await this.templateReady();
    if (this.noOtherText.size > 0) for (const item of items) if (this.noOtherText.has(item.indexName)) delete item.doc['@txt'];
    // Bounded requests (a few MB each) however large the batch, far below
    // http.max_content_length and kind to the cluster's indexing queue; up
    // to BULK_PARALLEL of them at once. Each resolves once its events are
    // durable (translog fsync); one refresh afterwards makes the whole
    // write searchable.
    // Even sizes (5,000 → 3 × 1,667, not 2,000 + 2,000 + 1,000), so the
    // requests of a round finish together instead of one straggling alone.
    const size = Math.ceil(items.length / Math.max(1, Math.ceil(items.length / BULK_CHUNK)));
    const chunks: BulkItem[][] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    const written = new Set<string>();
    for (let i = 0; i < chunks.length; i += BULK_PARALLEL) {
      // allSettled: a failing chunk fails the write only once its siblings are done.
      const settled = await Promise.allSettled(chunks.slice(i, i + BULK_PARALLEL).map((chunk) => bulkWrite(this.client, chunk, this.retry)));
      for (const s of settled) if (s.status === 'rejected') throw s.reason;
      for (const s of settled) {
        const outcome = (s as PromiseFulfilledResult<BulkOutcome>).value;
        result.stored += outcome.stored;
        result.duplicates += outcome.duplicates;
        result.errors.push(...outcome.errors);
        result.storedIndexes?.push(...outcome.storedIndexes);
        for (const name of outcome.indices) written.add(name);
      }
    }
    // Read-your-writes: resolve only once a refresh that started after every
    // chunk was acknowledged has covered the indices written (never rejects:
    // see refreshOrReport). A write that threw above skips it: the agent
    // resends, and the resend's duplicates get refreshed.
    await this.refresher.request(written);
    result.errors.sort((a, b) => a.index - b.index);
    result.storedIndexes?.sort((a, b) => a - b);
    return result;
  }

  private async filters(req: CountRequest): Promise<EsQuery[]> {
    const opts = { now: req.now, textFields: this.textFields };
    let query = req.query;
    // `http.*:500`: over the fields the range's indices map (field-names.ts).
    if (hasFieldPattern(query)) query = expandFieldPatterns(query, await indexedFieldNames(this.client, this.indicesFor(req)), opts);
    await this.policyReady();
    return [compileDsl(query, opts), timeRangeFilter(req.from, req.to), visibilityFilter(this.retention.policy, this.clock())];
  }

  /** Only the daily indices the request's time range can reach. */
  private indicesFor(req: CountRequest): string {
    return indexPatternFor(this.prefix, req.from, req.to);
  }

  async search(req: SearchRequest): Promise<SearchResult> {
    this.open();
    return searchPage(this.client, this.indicesFor(req), await this.filters(req), req);
  }

  async count(req: CountRequest): Promise<number> {
    this.open();
    return countMatching(this.client, this.indicesFor(req), await this.filters(req));
  }

  async aggregate(req: AggregateRequest): Promise<AggregateResult> {
    this.open();
    return aggregate(this.client, this.indicesFor(req), await this.filters(req), req.agg, { from: req.from, to: req.to });
  }


  async partitions(now: number = this.clock()): Promise<PartitionInfo[]> {
    this.open();
    await this.policyReady();
    await this.retention.refresh();
    return listPartitions(this.client, this.prefix, this.retention.policy, now);
  }

  async enforceRetention(now: number = this.clock()): Promise<RetentionRunResult> {
    this.open();
    // Each run re-reads the prefix's policy: another server may have replaced it (retention_overwrite).
    await this.policyReady();
    await this.retention.refresh();
    return dropExpired(this.client, this.prefix, this.retention.policy, now);
  }

  async health(): Promise<StoreHealth> {
    if (this.closed) return { ok: false, reason: 'the store is closed' };
    try {
      await this.templateReady();
    } catch (err) {
      return { ok: false, reason: `index template not installed: ${(err as Error).message}` };
    }
    let reachable = false;
    try {
      const h = await this.client.cluster.health({ timeout: '5s' }, HEALTH_REQUEST);
      if (h.status === 'red') return { ok: false, reason: `cluster ${h.cluster_name} is red` };
      reachable = true;
    } catch (err) {
      const failure = asStoreFailure(err);
      if (!isEsError(failure, 'LS_ES_AUTH')) return { ok: false, reason: failure.message };
    }
    if (!reachable) {
      // A least-privilege API key may not see cluster health; being able to
      // read its own indices is what readiness means for this store.
      try {
        await this.client.count({ index: this.index, ignore_unavailable: true, allow_no_indices: true }, HEALTH_REQUEST);
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }
}
