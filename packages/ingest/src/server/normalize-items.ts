/**
 * The first half of the one ingest path (ingest-batch.ts): a request's
 * items normalized into the events to store and each item's fate so far.
 * Its own module because it runs on either thread: on the receiving one
 * through ingestBatch, or on an ingest worker (ingest.worker.ts), which
 * needs none of the commit and answer.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { LogEvent } from '@logship/query/core';
import type { IngestLimits } from '../config/server-config.js';
import { normalizeEnvelope, normalizeLine, type NormalizedLine } from '../normalize/normalize-line.js';
import { receivedEventId, repeatContentId } from '../normalize/content-id.js';
import { shareCutTraceErrors } from '../normalize/cut-trace.js';
import { FLAG_FIELDS } from '../normalize/limits.js';
import { isLogshipError } from '../errors/define-error.js';
import type { Redactor } from '../normalize/redactor.js';
import { errors } from './errors.js';
import type { DropRules } from './drop-rules.js';
import type { IngestItem, IngestProtocol, ItemError, ItemOutcome } from './ingest-item.js';

/** Who made an event's id: the source, the server from the content, or the server from the content and the request (receive-stamped). */
type Derived = 0 | 1 | 2;
const GIVEN = 0;
const DERIVED = 1;
const RECEIVED = 2;

/** What normalizing needs of the server: its limits and `ingest.*` settings. */
export interface NormalizeContext {
  limits: IngestLimits;
  /** Zone for offset-less times of events without `@timezone` (server `ingest.default_timezone`; default UTC). */
  defaultTimeZone?: string;
  /** `ingest.drop`: events matching a rule are answered `dropped` and not stored. */
  drop?: DropRules;
  /** `ingest.redact`: applied while normalizing, before anything else sees the event. */
  redact?: Redactor;
}

/**
 * What normalizing one request's items gave: the events to store (with
 * what LogStore.write takes beside them) and each item's fate so far. The
 * same whether the items were normalized on the receiving thread or an ingest
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
  // A trace the agent cut into parts (sent in one batch): every part gets the exception read from them all.
  if (protocol === 'native') shareCutTraceErrors(events, limits.max_value_bytes);
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
