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
}

export const DEFAULT_NORMALIZE_LIMITS: Readonly<NormalizeLimits> = Object.freeze({
  max_fields: 500,
  max_depth: 10,
  max_value_bytes: 65_536,
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
   * is stamped again, later.
   */
  noTimestamp: 'logship.no_timestamp',
});
