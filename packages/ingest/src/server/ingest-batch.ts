import { isAscii, isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Level, LogEvent } from '@logship/query/core';
import type { LogStore, WriteResult } from '../store/log-store.js';
import type { IngestLimits } from '../config/server-config.js';
import { normalizeEnvelope, normalizeLine, type NormalizedLine } from '../normalize/normalize-line.js';
import { receivedEventId, repeatContentId } from '../normalize/content-id.js';
import { FLAG_FIELDS } from '../normalize/limits.js';
import { isLogshipError, type LogshipError } from '../errors/define-error.js';
import { errors } from './errors.js';
import { committedOf, storeErrorDetail } from '../store/store-error.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { DropRules } from './drop-rules.js';
import type { Redactor } from '../normalize/redactor.js';

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

/** Who made an event's id: the source, the server from the content, or the server from the content and the request (receive-stamped). */
type Derived = 0 | 1 | 2;
const GIVEN = 0;
const DERIVED = 1;
const RECEIVED = 2;

export type IngestProtocol = 'native' | 'loki' | 'elasticsearch' | 'otlp' | 'syslog';

interface ItemBase {
  /** What errors point at: a line number (NDJSON, _bulk) or a record's position. */
  ref: number;
}

/**
 * An NDJSON line of the native route, JSON-parsed and normalized (agent
 * envelope or source event): its bytes [start, end) in the request body,
 * decoded only when normalized, so a line's text dies with its line instead
 * of living (and being copied by the GC) until the whole batch is stored.
 */
export interface LineItem extends ItemBase {
  kind: 'line';
  body: Buffer;
  start: number;
  end: number;
}

/** An envelope a protocol built: content (raw text or structured object) plus metadata laid over it. */
export interface EnvelopeItem extends ItemBase {
  kind: 'envelope';
  content: string | Record<string, unknown>;
  meta: Record<string, unknown>;
  /** The protocol's own event time (epoch ms), used when the content carries none. */
  time?: number;
  /** The protocol header's level and logger (syslog PRI and APP-NAME): NormalizeOptions says when the content's win. */
  level?: Level;
  logger?: string;
  /** Size of the raw content, for the line limit. */
  bytes: number;
  invalidUtf8?: boolean;
}

/** An item the protocol's decoder already refused (a malformed _bulk action line). */
export interface FailedItem extends ItemBase {
  kind: 'failed';
  error: LogshipError;
}

export type IngestItem = LineItem | EnvelopeItem | FailedItem;

/** `dropped`: taken and not stored, by an `ingest.drop` rule; a sender treats it as stored. */
export type ItemOutcome = 'stored' | 'duplicate' | 'expired' | 'dropped' | 'rejected';

export interface ItemError {
  ref: number;
  /** Index into the items array. */
  item: number;
  reason: string;
  code: string;
  /** Not stored for now (its day's partition cannot take writes): sending it again can store it, unlike the other errors. */
  retryable?: true;
}

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

export interface IngestContext {
  store: Pick<LogStore, 'write'>;
  limits: IngestLimits;
  metrics: IngestMetrics;
  now: () => number;
  log: FastifyBaseLogger;
  /** Told about committed events (the live tail, log_metrics) and their `@timestamp`s in epoch ms: only the newly stored ones when the store says which. */
  onCommitted?: (events: LogEvent[], times: number[]) => void;
  /** Zone for offset-less times of events without `@timezone` (server `ingest.default_timezone`; default UTC). */
  defaultTimeZone?: string;
  /** `ingest.drop`: events matching a rule are answered `dropped` and not stored. */
  drop?: DropRules;
  /** `ingest.redact`: applied while normalizing, before anything else sees the event. */
  redact?: Redactor;
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

/**
 * What normalizing one request's items gave: the events to store (with
 * what LogStore.write takes beside them) and each item's fate so far. The
 * same whether the items were normalized on this thread or an ingest
 * worker's (ingest-workers.ts), which sends it back without `events` when
 * nothing here wants them (no live tail, no log metrics).
 */
export interface NormalizedBatch {
  events: LogEvent[];
  contentIds: boolean[];
  times: number[];
  /** events[k] came from items[itemOf[k]]. */
  itemOf: number[];
  itemErrors: ItemError[];
  outcomes: ItemOutcome[];
  ids: (string | undefined)[];
  byFormat: Map<string, number>;
  /** Events dropped per `ingest.drop` rule, and in all. */
  droppedBy: number[];
  dropped: number;
  /** Values replaced per `ingest.redact` rule. */
  redactions: number[];
  /** Items normalization threw on for a reason of ours (a bug): the caller logs them. */
  failures: { ref: number; err: unknown }[];
}

/** What normalizing needs of the server: its limits and `ingest.*` settings. */
export type NormalizeContext = Pick<IngestContext, 'limits' | 'defaultTimeZone' | 'drop' | 'redact'>;

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

/**
 * The first half of ingestBatch, on whichever thread runs it: each item
 * normalized (or refused with its code), `ingest.drop` applied, repeats
 * within the request told apart. Throws nothing for an item: a bug in
 * normalization costs that item, not the batch.
 */
export function normalizeItems(ctx: NormalizeContext, protocol: IngestProtocol, items: readonly IngestItem[], receivedAt: number): NormalizedBatch {
  const { limits } = ctx;
  const defaultTimeZone = ctx.defaultTimeZone ?? 'UTC';
  const redact = ctx.redact;
  const events: LogEvent[] = [];
  const contentIds: boolean[] = [];
  /** Per event: 0 the source gave its id, 1 the server derived it from the content, 2 also from this request (receive-stamped). */
  const derived: Derived[] = [];
  let request: string | undefined;
  const times: number[] = [];
  // Native NDJSON lines share one body: when it is all ASCII (most logs),
  // it is decoded once and each line is a slice of that text, instead of a
  // Buffer view, a UTF-8 decode and a UTF-8 check a line. JSON.parse copies
  // what it returns, so no event keeps the body's text alive.
  let asciiBody: Buffer | undefined;
  let asciiText: string | undefined;
  const itemOf: number[] = [];
  const itemErrors: ItemError[] = [];
  const failures: NormalizedBatch['failures'] = [];
  const outcomes: ItemOutcome[] = new Array<ItemOutcome>(items.length).fill('rejected');
  const ids = new Array<string | undefined>(items.length).fill(undefined);
  // Counted per batch, then added: a labelled counter per line is measurable at 50k lines/s.
  const byFormat = new Map<string, number>();
  const dropRule = ctx.drop?.forBatch(receivedAt);
  const droppedBy: number[] = [];
  let dropped = 0;

  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    try {
      if (item.kind === 'failed') throw item.error;
      const bytes = item.kind === 'line' ? item.end - item.start : item.bytes;
      if (bytes > limits.max_line_bytes) throw errors.lineTooLong(bytes, limits.max_line_bytes);
      let normalized: NormalizedLine;
      if (item.kind === 'line') {
        if (item.body !== asciiBody) {
          asciiBody = item.body;
          asciiText = isAscii(item.body) ? item.body.toString('latin1') : undefined;
        }
        if (asciiText !== undefined) {
          normalized = normalizeLine(asciiText.slice(item.start, item.end), { now: receivedAt, limits, invalidUtf8: false, defaultTimeZone, redact });
        } else {
          // Each line checked for UTF-8 on its own: a bad byte flags one event, not the batch.
          const slice = item.body.subarray(item.start, item.end);
          normalized = normalizeLine(slice.toString('utf8'), { now: receivedAt, limits, invalidUtf8: !isUtf8(slice), defaultTimeZone, redact });
        }
      } else {
        normalized = normalizeEnvelope(item.content, item.meta, {
          now: receivedAt,
          limits,
          invalidUtf8: item.invalidUtf8,
          time: item.time,
          ...(item.level !== undefined ? { level: item.level } : {}),
          ...(item.logger !== undefined ? { logger: item.logger } : {}),
          defaultTimeZone,
          redact,
        });
      }
      byFormat.set(normalized.format, (byFormat.get(normalized.format) ?? 0) + 1);
      let how: Derived = normalized.derivedId ? DERIVED : GIVEN;
      let contentId = normalized.contentId;
      if (how === DERIVED && normalized.event[FLAG_FIELDS.noTimestamp] === true) {
        // Receive-stamped: an occurrence of its own, not a retry (receivedEventId).
        normalized.event['event.id'] = receivedEventId(normalized.event['event.id'], receivedAt, (request ??= randomUUID()));
        how = RECEIVED;
        contentId = false;
      }
      ids[i] = normalized.event['event.id'];
      if (dropRule) {
        // After normalizing, so a rule sees the fields a search would.
        const rule = dropRule(normalized.event);
        if (rule >= 0) {
          outcomes[i] = 'dropped';
          droppedBy[rule] = (droppedBy[rule] ?? 0) + 1;
          dropped++;
          continue;
        }
      }
      events.push(normalized.event);
      contentIds.push(contentId);
      derived.push(how);
      times.push(normalized.time);
      itemOf.push(i);
    } catch (err) {
      if (isLogshipError(err)) {
        itemErrors.push({ ref: item.ref, item: i, reason: err.message, code: err.code });
        continue;
      }
      // A bug in normalization must cost this item, not the batch: the
      // others are stored and this one is reported with a code.
      failures.push({ ref: item.ref, err });
      const failed = errors.lineFailed(err instanceof Error ? err.message : String(err));
      itemErrors.push({ ref: item.ref, item: i, reason: failed.message, code: failed.code });
    }
  }
  // A batch that is one request of its sender. Not Loki's: Loki keeps one of
  // a stream's entries identical in time and line, in one push or not, and
  // its senders expect that. Not syslog's: its batches are the server's
  // flush windows, where a sender's resend after a reconnect may land.
  // Receive-stamped events are each an occurrence in every protocol (a
  // firewall's five identical denies in one flush window are five).
  const oneRequest = protocol === 'native' || protocol === 'elasticsearch' || protocol === 'otlp';
  tellRepeatsApart(events, derived, oneRequest ? DERIVED : RECEIVED, (k, id) => {
    ids[itemOf[k]!] = id;
    contentIds[k] = false;
  });
  const redactions = redact ? redact.takeCounts() : [];
  return { events, contentIds, times, itemOf, itemErrors, outcomes, ids, byFormat, droppedBy, dropped, redactions, failures };
}

/**
 * Lines of one request with the same derived id (identical, and either the
 * same time or none of their own) are distinct events, not a retry: each
 * repeat after the first gets an id of its own (content-id.ts
 * repeatContentId), in request order, so a retry of the request is still
 * deduped line for line. Only events whose id was derived at least `from`
 * (DERIVED: every id the server made; RECEIVED: receive-stamped ones).
 */
function tellRepeatsApart(events: LogEvent[], derived: readonly Derived[], from: Derived, renamed: (k: number, id: string) => void): void {
  let seen: Map<string, number> | undefined;
  for (let k = 0; k < events.length; k++) {
    if (derived[k]! < from) continue;
    const id = events[k]!['event.id'];
    seen ??= new Map();
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    if (n === 0) continue;
    const repeat = repeatContentId(id, n);
    events[k]!['event.id'] = repeat;
    renamed(k, repeat);
  }
}
