/**
 * The Elasticsearch LogStore: stateless over one cluster, so several
 * `logship serve` processes may share it.
 *
 *   write ─► planWrite: validate, classify (retention class), drop expired ─► bulkWriteAll (durable) ─► daily index
 *         └─► RefreshCoalescer: _refresh of the indices written (searchable) ─► write resolves
 *   search/count/aggregate ─► compileDsl(AST) + time range + visibility filter ─► <prefix>-*-<day> per day of the range
 *                          └─► shards that failed or a timed-out read ─► the read's left-out list (partial-answer.ts)
 *   partitions / enforceRetention ─► es-retention.ts, with the prefix's policy from the cluster (cluster-policy-holder.ts)
 *   health ─► template installed, then HealthProbe (cluster, write blocks, unindexed fields)
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
import { DEFAULT_RETRY, type RetryPolicy } from './bulk-writer.js';
import { bulkWriteAll } from './bulk-write-all.js';
import { compileDsl, type EsQuery } from './compile-dsl.js';
import { aggregate, aggregateGroups } from './es-aggregate.js';
import { dropExpired, listPartitions } from './es-retention.js';
import { countMatching, searchPage } from './es-search.js';
import { HealthProbe } from './health-probe.js';
import { indexPatternFor } from './index-name.js';
import { invalidReason, planWrite } from './plan-write.js';
import { RefreshCoalescer } from './refresh-coalescer.js';
import { asStoreFailure } from './transport-error.js';
import { timeRangeFilter, visibilityFilter } from './visibility-filter.js';
// The read API's shared answers (query package): kept apart from the import above, which other work changes.
import { bucketLeaf, expandFieldPatterns, groupedAnswer, hasFieldPattern, type GroupedAggregateRequest, type GroupedAggregateResult } from '@logship/query/core';
import { indexedFieldNames } from './field-names.js';
import { ClosedIndices } from './closed-indices.js';

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
  private readonly healthProbe: HealthProbe;
  private readonly closedIndices: ClosedIndices;

  constructor(config: ElasticsearchStoreConfig) {
    this.client = config.client;
    this.prefix = config.prefix;
    this.clock = config.now;
    this.retry = config.retry ?? DEFAULT_RETRY;
    this.installTemplate = config.installTemplate;
    this.onRefreshError = config.onRefreshError;
    this.refresher = new RefreshCoalescer((indices) => this.refreshOrReport(indices));
    this.healthProbe = new HealthProbe(this.client, this.prefix, this.clock);
    this.closedIndices = new ClosedIndices(this.client, this.prefix);
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
    // Classification needs the policy in force; a batch of invalid events only is answered without the cluster.
    if (events.some((e) => invalidReason(e) === null)) await this.policyReady();
    const { result, items } = planWrite(events, { prefix: this.prefix, policy: this.retention.policy, now, otherTextFields: this.otherTextFields });
    if (items.length > 0) await this.templateReady();
    if (this.noOtherText.size > 0) for (const item of items) if (this.noOtherText.has(item.indexName)) delete item.doc['@txt'];
    const outcome = await bulkWriteAll(this.client, items, this.retry);
    result.stored += outcome.stored;
    result.duplicates += outcome.duplicates;
    result.errors.push(...outcome.errors);
    result.errors.sort((a, b) => a.index - b.index);
    result.storedIndexes = outcome.storedIndexes;
    // Read-your-writes: resolve only once a refresh that started after every
    // bulk request was acknowledged has covered the indices written (never
    // rejects: see refreshOrReport). A write that threw above skips it: the
    // agent resends, and the resend's duplicates get refreshed.
    await this.refresher.request(outcome.indices);
    return result;
  }

  private async filters(req: CountRequest): Promise<EsQuery[]> {
    const opts = { now: req.now, textFields: this.textFields };
    let query = req.query;
    // `http.*:500`: over the fields the range's indices map (field-names.ts).
    if (hasFieldPattern(query)) query = expandFieldPatterns(query, await indexedFieldNames(this.client, this.indicesFor(req)), opts);
    // A closed day of the range is named, not skipped without a word (closed-indices.ts).
    await Promise.all([this.policyReady(), this.closedIndices.note(this.indicesFor(req), req.from, req.to)]);
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
    return countMatching(this.client, this.indicesFor(req), await this.filters(req), req);
  }

  async aggregate(req: AggregateRequest): Promise<AggregateResult> {
    this.open();
    return aggregate(this.client, this.indicesFor(req), await this.filters(req), req.agg, { from: req.from, to: req.to }, req);
  }

  /** Two requests, not one per group: the terms of `by`, then every group's aggregation under a filters aggregation (es-aggregate.ts aggregateGroups). */
  async groupAggregate(req: GroupedAggregateRequest): Promise<GroupedAggregateResult> {
    const terms = await this.aggregate({ ...req, agg: { type: 'terms', field: req.by.field, size: req.by.size } });
    const keys = terms.type === 'terms' ? terms.buckets.map((b) => b.key) : [];
    // Each leaf compiled as the read per group compiled it, inside its query: field patterns over the range's fields.
    const opts = { now: req.now, textFields: this.textFields };
    let leaves = keys.map((k) => bucketLeaf(req.by.field, k));
    if (leaves.some(hasFieldPattern)) {
      const names = await indexedFieldNames(this.client, this.indicesFor(req));
      leaves = leaves.map((leaf) => expandFieldPatterns(leaf, names, opts));
    }
    const results = await aggregateGroups(this.client, this.indicesFor(req), await this.filters(req), req.agg, { from: req.from, to: req.to }, leaves.map((leaf) => compileDsl(leaf, opts)), req);
    return groupedAnswer(req.by.field, terms, results);
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
    return this.healthProbe.check();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }
}
