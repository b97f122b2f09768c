/**
 * Caps that keep one hostile or runaway line from bloating the store. Values
 * are in the units their names carry; the server config (`limits:`) overrides
 * them, these are the defaults.
 */
export interface NormalizeLimits {
  /** Fields kept per event; the rest are dropped and `logship.fields_capped` is set. */
  max_fields: number;
  /** Nesting depth flattened; deeper objects are kept as JSON text and `logship.depth_capped` is set. */
  max_depth: number;
  /** Longest string value in UTF-8 bytes; longer ones are cut and `logship.truncated` is set. */
  max_value_bytes: number;
  /**
   * How far ahead of the receive time an event's own time may be. A later
   * one is stored at the receive time, its own kept in
   * `logship.original_timestamp` and `logship.future_timestamp` set: each
   * far-future day costs the SQLite store a partition file (1,000 events on
   * 1,000 future days cost 1,128 files, +275 MB RSS and stalled ingest 21 s).
   */
  max_future_s: number;
}

export const DEFAULT_NORMALIZE_LIMITS: Readonly<NormalizeLimits> = Object.freeze({
  max_fields: 500,
  max_depth: 10,
  max_value_bytes: 65_536,
  max_future_s: 86_400,
});

/** Flag fields ingest adds; prefixed so they never collide with a source's own fields. */
export const FLAG_FIELDS = Object.freeze({
  truncated: 'logship.truncated',
  fieldsCapped: 'logship.fields_capped',
  depthCapped: 'logship.depth_capped',
  invalidUtf8: 'logship.invalid_utf8',
  /**
   * The line carried no time of its own, so `@timestamp` is when ingest
   * received it. The store dedupes such events by `event.id` alone: a retry
   * is stamped again, later. Without an id of the source's, ingest's takes
   * in the receive time and request (content-id.ts receivedEventId): a
   * line sent again later is another occurrence.
   */
  noTimestamp: 'logship.no_timestamp',
  /**
   * The line's own time was more than `limits.max_future_s` ahead of the
   * receive time, so `@timestamp` is the receive time and the line's time is
   * in `originalTimestamp`. Deduped by `event.id` alone, like `noTimestamp`.
   */
  futureTimestamp: 'logship.future_timestamp',
  originalTimestamp: 'logship.original_timestamp',
});
