/**
 * Bulk indexing with per-item outcomes:
 *
 *   docs ─► _bulk (op_type create, _id = event.id, refresh=false)
 *            │ per item:
 *            ├─ 201            stored
 *            ├─ 409            duplicate (already stored: idempotent writes)
 *            ├─ 429 / 5xx / es_rejected_execution_exception
 *            │                 retried, alone with the other retryable items,
 *            │                 after an exponential backoff
 *            ├─ 403 cluster_block_exception (the item's index blocked for writes)
 *            │                 the batch throws LS_ES_INDEX_BLOCKED, as a whole
 *            │                 request's 403 does: retryable, the agent holds it
 *            └─ other 4xx      permanent: reported for that event
 *
 * When the whole request fails for an availability reason, or retryable
 * items remain after the last attempt, the batch throws LS_ES_UNAVAILABLE:
 * the ingest route answers 503 and the agent sends the batch again later;
 * what was stored meanwhile then comes back as duplicates, never twice.
 *
 * refresh=false: the request returns as soon as the items are durable
 * (Elasticsearch acknowledges an item only after its translog is fsynced,
 * index.translog.durability: request, the default), not searchable. The
 * caller makes them searchable with one `_refresh` of the indices it
 * reports (`BulkOutcome.indices`), shared with concurrent writes
 * (refresh-coalescer.ts). refresh=wait_for made every request wait for the
 * next scheduled refresh (up to refresh_interval, 1 s), which bounded ingest
 * at about one round of requests per second; refresh=true would refresh per
 * request and flood the indices with tiny segments.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { esError, isEsError } from './es-error.js';
import type { EsDocument } from './event-document.js';
import { blockedCauseWords, classifyTransportError, isRetryableStatus } from './transport-error.js';

export interface BulkItem {
  /** Position in the caller's batch, reported back with failures. */
  index: number;
  id: string;
  indexName: string;
  doc: EsDocument;
}

export interface BulkOutcome {
  stored: number;
  duplicates: number;
  errors: { index: number; reason: string }[];
  /** Items newly stored (their `index`), so callers count and show only those. */
  storedIndexes: number[];
  /**
   * The indices holding an item of this batch that was stored or already
   * there (409), sorted: what a refresh must cover for all of them to be
   * searchable. A duplicate's index is included because the earlier copy
   * may be durable but not yet refreshed (its writer stopped between its
   * bulk and its refresh, and this is the resend).
   */
  indices: string[];
}

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  attempts: number;
  /** First backoff; doubled per attempt, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Called before each retry with how many events are retried and why (metrics, logs). */
  onRetry?: (info: { attempt: number; events: number; reason: string }) => void | Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 5, baseDelayMs: 100, maxDelayMs: 5_000 });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function backoff(policy: RetryPolicy, attempt: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  // Full jitter, so several servers retrying against one cluster spread out.
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

function isRetryableItem(status: number, error: estypes.ErrorCause | undefined): boolean {
  return isRetryableStatus(status) || error?.type === 'es_rejected_execution_exception';
}

function describe(error: estypes.ErrorCause | undefined, status: number): string {
  if (!error) return `HTTP ${status}`;
  const cause = error.caused_by?.reason ? ` (${error.caused_by.reason})` : '';
  return `${error.type}: ${error.reason ?? ''}${cause}`;
}

export async function bulkWrite(client: Client, items: BulkItem[], policy: RetryPolicy = DEFAULT_RETRY): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { stored: 0, duplicates: 0, errors: [], storedIndexes: [], indices: [] };
  const landed = new Set<string>();
  // Items whose earlier attempt failed ambiguously (5xx): a 409 on retry may
  // be our own earlier write landing, so it counts as stored, not duplicate.
  const retried = new Set<number>();
  let pending = items;
  let lastProblem = '';
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= policy.attempts) {
      throw esError('LS_ES_UNAVAILABLE', `${pending.length} events still failing after ${policy.attempts} attempts: ${lastProblem}`);
    }
    if (attempt > 0) {
      await policy.onRetry?.({ attempt, events: pending.length, reason: lastProblem });
      await sleep(backoff(policy, attempt - 1));
    }
    const operations: unknown[] = [];
    for (const item of pending) {
      operations.push({ create: { _index: item.indexName, _id: item.id } }, item.doc);
    }
    let response: estypes.BulkResponse;
    try {
      response = await client.bulk({ operations, refresh: false });
    } catch (err) {
      const classified = classifyTransportError(err, () => esError('LS_ES_REQUEST', (err as Error).message, err));
      if (isEsError(classified, 'LS_ES_UNAVAILABLE')) {
        lastProblem = classified.message;
        for (const item of pending) retried.add(item.index);
        continue;
      }
      throw classified;
    }
    const again: BulkItem[] = [];
    // An item refused by its index's write block was reported as a permanent
    // rejection of that event, which the agent then drops: the block is lifted
    // later, the event is gone. It is the whole request's LS_ES_INDEX_BLOCKED.
    const blocked = new Set<string>();
    response.items.forEach((result, i) => {
      const item = pending[i]!;
      const r = result.create ?? Object.values(result)[0]!;
      if (r.status >= 200 && r.status < 300) {
        outcome.stored++;
        outcome.storedIndexes.push(item.index);
        landed.add(item.indexName);
      } else if (r.status === 409) {
        if (retried.has(item.index)) {
          outcome.stored++;
          outcome.storedIndexes.push(item.index);
        } else outcome.duplicates++;
        landed.add(item.indexName);
      } else if (isRetryableItem(r.status, r.error)) {
        lastProblem = describe(r.error, r.status);
        // A 429 was not written; a 5xx may have been.
        if (r.status >= 500) retried.add(item.index);
        again.push(item);
      } else if (r.status === 403 && blockedCauseWords(r.error)) {
        blocked.add(blockedCauseWords(r.error)!);
      } else {
        outcome.errors.push({ index: item.index, reason: describe(r.error, r.status) });
      }
    });
    if (blocked.size > 0) throw esError('LS_ES_INDEX_BLOCKED', [...blocked].join('; '));
    pending = again;
  }
  outcome.errors.sort((a, b) => a.index - b.index);
  outcome.indices = [...landed].sort();
  return outcome;
}
