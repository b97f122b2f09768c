import type { IngestLimits } from '../config/server-config.js';
import type { RedactRule } from '../normalize/redactor.js';
import type { NormalizedBatch } from './ingest-batch.js';

/** What an ingest worker is started with (ingest-workers.ts): the server's normalizing settings, as plain data. */
export interface IngestWorkerData {
  limits: IngestLimits;
  defaultTimeZone: string;
  /** `ingest.drop`, compiled again on the worker (dropRules). */
  drop: { queries: readonly string[]; textFields: readonly string[] } | null;
  /** `ingest.redact` and the server's key (Redactor's arguments). */
  redact: { names: readonly string[]; rules: readonly RedactRule[]; key: Uint8Array; maxValueBytes: number } | null;
  /** The store's PreparingStore.preparer(). */
  preparer: { url: string; options: unknown };
}

/** One native request: its body and each line's [start, end) and number (the item's ref). */
export interface IngestJob {
  id: number;
  body: Uint8Array;
  refs: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  receivedAt: number;
  /** Send the events back (someone is told of committed events). */
  wantEvents: boolean;
}

export type IngestJobAnswer =
  | { id: number; ok: true; batch: NormalizedBatch; prepared: unknown }
  | { id: number; ok: false; message: string };
