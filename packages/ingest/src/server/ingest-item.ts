/**
 * The items every protocol decodes a request into, and the fate each is
 * answered with. Their own module so that normalizing them
 * (normalize-items.ts, on either thread) and committing and answering them
 * (ingest-batch.ts) share them without importing each other.
 */
import type { Level } from '@logship/query/core';
import type { LogshipError } from '../errors/define-error.js';

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
