import type { FastifyBaseLogger } from 'fastify';
import type { LogEvent } from '@logship/query/core';
import type { LogStore, WriteResult } from '../store/log-store.js';
import { isLogshipError } from '../errors/define-error.js';
import { errors } from './errors.js';
import { committedOf, storeErrorDetail } from '../store/store-error.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { IngestItem, IngestProtocol, ItemError, ItemOutcome } from './ingest-item.js';
import { normalizeItems, type NormalizeContext, type NormalizedBatch } from './normalize-items.js';

/*
 * The one ingest path every protocol ends in:
 *
 *   native NDJSON ─┐
 *   Loki push ─────┤  decode to items ─► ingestBatch: line limit ─► normalize ─► store.write (durable)
 *   ES _bulk ──────┤  (line text or        ─► per-item outcomes, metrics {protocol, outcome}, live tail
 *   OTLP logs ─────┤   envelope object)
 *   syslog ────────┘
 *
 * A protocol decodes its request into items and answers in its own shape
 * from the outcome; dedupe (event.id), limits, durability and metrics are
 * here only.
 */

// What the protocols, the native route and the ingest workers take from the
// one ingest path, defined in the two modules it is split into.
export type { EnvelopeItem, FailedItem, IngestItem, IngestProtocol, ItemError, ItemOutcome, LineItem } from './ingest-item.js';
export { normalizeItems, type NormalizeContext, type NormalizedBatch } from './normalize-items.js';

export interface IngestBatchOptions {
  /**
   * The native sender retries the lines an answer marks `retryable` (it
   * sent `x-logship-partial: retryable`, as the agent does); without it a
   * batch with such lines answers 503, since a 200 reads as "all taken".
   */
  retryableLines?: boolean;
}

export interface IngestOutcome {
  stored: number;
  duplicates: number;
  expired: number;
  /** Events an `ingest.drop` rule kept out of the store. */
  dropped: number;
  /** Sorted by ref. */
  errors: ItemError[];
  /** One per item, in item order. */
  outcomes: ItemOutcome[];
  /** The event.id each item normalized to (undefined where it did not): a protocol that answers with ids and got none (an Elasticsearch bulk item without `_id`) answers with these. */
  ids: (string | undefined)[];
}

export interface IngestContext extends NormalizeContext {
  store: Pick<LogStore, 'write'>;
  metrics: IngestMetrics;
  now: () => number;
  log: FastifyBaseLogger;
  /** Told about committed events (the live tail, log_metrics) and their `@timestamp`s in epoch ms: only the newly stored ones when the store says which. */
  onCommitted?: (events: LogEvent[], times: number[]) => void;
  /** `ingest.workers`: native requests are normalized and prepared for the store on these threads. */
  workers?: IngestPool;
  /** Whether onCommitted has anyone to tell (a live tail open, log metrics): else a worker need not send the events back. */
  wantsEvents?: () => boolean;
  /** A commit onCommitted was not told of (its events stayed on a worker): the ids and `@timestamp`s (epoch ms) of its new events, which the live feed numbers and records as it does published ones. */
  onUnpublished?: (ids: string[], times: number[]) => void;
}

/**
 * Threads that normalize a request and prepare it for the store
 * (ingest-workers.ts), so this thread only reads requests and answers them.
 */
export interface IngestPool {
  /** Undefined when these items are not the lines of one body, or every worker is busy: they are normalized here then. */
  prepare(items: readonly IngestItem[], receivedAt: number, wantEvents: boolean): Promise<{ batch: NormalizedBatch; prepared: unknown } | undefined>;
  /** Commits what prepare() gave, as LogStore.write does its events. */
  commit(prepared: unknown): Promise<WriteResult>;
}

/**
 * The store could not commit: ingestBatch throws LS_INGEST_STORE_UNAVAILABLE
 * (503) carrying how long a sender should wait, which each protocol answers
 * in its own shape (Retry-After, Loki's 5xx, OTLP's retryable 503).
 */
export function retryAfterSOf(err: unknown): number | undefined {
  return isLogshipError(err) && err.retryable ? err.retryAfterS : undefined;
}

/** Tells onCommitted (or, its events left on a worker that no one here wanted them of, onUnpublished) of the newly stored events: `fresh` (indexes), else all. */
function tellCommitted(ctx: IngestContext, onCommitted: (events: LogEvent[], times: number[]) => void, batch: NormalizedBatch, fresh?: readonly number[]): void {
  const { events, times, ids, itemOf } = batch;
  if (events.length === itemOf.length) {
    onCommitted(fresh ? fresh.map((i) => events[i] as LogEvent) : events, fresh ? fresh.map((i) => times[i]!) : times);
  } else {
    const k = fresh ?? [...Array(itemOf.length).keys()];
    ctx.onUnpublished?.(k.map((i) => ids[itemOf[i]!]!), k.map((i) => times[i]!));
  }
}

/**
 * Normalizes and durably stores one request's items. Resolves only after the
 * store has committed; throws LS_INGEST_STORE_UNAVAILABLE with `retryAfterS`
 * when it cannot.
 */
export async function ingestBatch(ctx: IngestContext, protocol: IngestProtocol, items: readonly IngestItem[], opts: IngestBatchOptions = {}): Promise<IngestOutcome> {
  const started = performance.now();
  const receivedAt = ctx.now();
  const { onCommitted, workers } = ctx;
  let batch: NormalizedBatch;
  let commit: () => Promise<WriteResult>;
  const pooled = workers && protocol === 'native' ? await workers.prepare(items, receivedAt, onCommitted !== undefined && (ctx.wantsEvents?.() ?? true)) : undefined;
  if (pooled) {
    batch = pooled.batch;
    commit = () => workers!.commit(pooled.prepared);
  } else {
    batch = normalizeItems(ctx, protocol, items, receivedAt);
    commit = () => ctx.store.write(batch.events, receivedAt, { contentIds: batch.contentIds, times: batch.times, partial: true });
  }
  for (const { ref, err } of batch.failures) ctx.log.error({ err, protocol, ref }, 'Normalizing an ingest item failed.');
  const { metrics, redact } = ctx;
  metrics.eventsReceived.inc(items.length);
  for (const [format, n] of batch.byFormat) metrics.eventsByFormat.inc({ format }, n);
  if (redact) batch.redactions.forEach((n, rule) => { if (n > 0) metrics.redactions.inc({ rule: redact.names[rule]! }, n); });

  const { itemOf, itemErrors, outcomes } = batch;
  const count = itemOf.length;
  let result: WriteResult = { stored: 0, duplicates: 0, expired: 0, errors: [] };
  if (count > 0) {
    try {
      result = await commit();
    } catch (err) {
      // Nothing is lost (the sender is told to retry): a warning when the
      // store says a retry can help (busy, closing, a write that failed), an
      // error for what needs an operator (a corrupt file, our own bug).
      if (isLogshipError(err) && err.retryable) ctx.log.warn({ err, protocol }, 'The store failed to commit an ingest batch; the sender is told to retry.');
      else ctx.log.error({ err, protocol }, 'The store failed to commit an ingest batch.');
      // Nothing was acknowledged, so senders retry: after the delay a retryable
      // store error names (Elasticsearch answering 429 with its own), else 5 s.
      // A partial commit (committedOf): its resend finds that part stored, so the feed and metrics hear of it now.
      const committed = committedOf(err);
      if (onCommitted && committed.length > 0) tellCommitted(ctx, onCommitted, batch, committed);
      metrics.eventsStored.inc(committed.length);
      if (committed.length > 0) metrics.eventsByProtocol.inc({ protocol, outcome: 'stored' }, committed.length);
      const hinted = isLogshipError(err) && err.retryable ? err.retryAfterS : undefined;
      const retryAfterS = hinted !== undefined && hinted > 0 ? Math.ceil(hinted) : 5;
      throw errors.storeUnavailable.withCause({ cause: err, retryAfterS }, storeErrorDetail(err));
    }
  }

  const rejected = new Set<number>();
  for (const e of result.errors) {
    const err = errors.eventRejected(e.reason);
    const i = itemOf[e.index] ?? 0;
    rejected.add(e.index);
    itemErrors.push({ ref: items[i]?.ref ?? 0, item: i, reason: err.message, code: err.code });
  }
  // Events of a day whose partition cannot take writes (a damaged file):
  // the others are committed, these are answered as a retry's to make.
  const unavailable = result.unavailable ?? [];
  for (const e of unavailable) {
    const err = errors.storeUnavailable(e.reason);
    const i = itemOf[e.index] ?? 0;
    rejected.add(e.index);
    itemErrors.push({ ref: items[i]?.ref ?? 0, item: i, reason: err.message, code: err.code, retryable: true });
  }
  if (unavailable.length > 0) ctx.log.warn({ protocol, events: unavailable.length, reason: unavailable[0]!.reason }, 'Events of a batch were not stored: their partition cannot take writes; the sender is told to retry them.');
  itemErrors.sort((a, b) => a.ref - b.ref || a.item - b.item);

  // Which of the written events were new: the backend says (both of ours
  // do), or, when it does not, the counts decide where they can.
  const storedSet = result.storedIndexes ? new Set(result.storedIndexes) : undefined;
  const notNew: ItemOutcome = result.duplicates === 0 && result.expired > 0 ? 'expired' : 'duplicate';
  for (let k = 0; k < count; k++) {
    if (rejected.has(k)) continue;
    const isNew = storedSet ? storedSet.has(k) : result.stored > 0;
    outcomes[itemOf[k]!] = isNew ? 'stored' : notNew;
  }

  if (onCommitted && result.stored > 0) {
    // Only the newly stored events: a retried batch is not shown twice. A
    // backend that does not say which events were new (both of ours do):
    // a batch mixing fresh and already-stored events may show a few of the
    // latter again. Events the store rejected are left out.
    const all = result.storedIndexes ? result.storedIndexes.length === count : rejected.size === 0;
    const fresh = all ? undefined : result.storedIndexes ?? [...Array(count).keys()].filter((i) => !rejected.has(i));
    tellCommitted(ctx, onCommitted, batch, fresh);
  }
  for (const e of itemErrors) metrics.eventsRejected.inc({ reason: e.code });
  batch.droppedBy.forEach((n, rule) => metrics.eventsDropped.inc({ rule: ctx.drop!.queries[rule]! }, n));
  metrics.eventsStored.inc(result.stored);
  metrics.eventsDuplicate.inc(result.duplicates);
  metrics.eventsExpired.inc(result.expired);
  const byProtocol = metrics.eventsByProtocol;
  const { dropped } = batch;
  if (result.stored > 0) byProtocol.inc({ protocol, outcome: 'stored' }, result.stored);
  if (result.duplicates > 0) byProtocol.inc({ protocol, outcome: 'duplicate' }, result.duplicates);
  if (result.expired > 0) byProtocol.inc({ protocol, outcome: 'expired' }, result.expired);
  if (dropped > 0) byProtocol.inc({ protocol, outcome: 'dropped' }, dropped);
  if (itemErrors.length > 0) byProtocol.inc({ protocol, outcome: 'rejected' }, itemErrors.length);
  metrics.ingestDuration.observe((performance.now() - started) / 1000);
  // A protocol whose answer cannot say "retry these items" (Loki push,
  // OTLP, whose partial success is permanent), and a native sender that did
  // not say it retries lines marked retryable (Vector's http sink, Fluent
  // Bit's http output, curl take a 200 as done), get a retryable failure
  // for the request: the committed part is deduped when it is sent again.
  // Syslog has no answer: its listener logs the items' errors.
  const wholeRetry = protocol === 'loki' || protocol === 'otlp' || (protocol === 'native' && opts.retryableLines !== true);
  if (unavailable.length > 0 && wholeRetry) {
    const rest = unavailable.length === count ? 'none was committed' : 'the others are committed, and deduped when it is sent again';
    throw errors.storeUnavailable.withCause({ retryAfterS: 5 }, `${unavailable[0]!.reason} (${unavailable.length} of the request's ${count} events; ${rest})`);
  }
  return { stored: result.stored, duplicates: result.duplicates, expired: result.expired, dropped, errors: itemErrors, outcomes, ids: batch.ids };
}

