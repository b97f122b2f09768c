/**
 * The stored event (DESIGN.md §3): a flat record. Nested source objects are
 * flattened to dotted keys (`http.status`), so every backend and the matcher
 * see the same field names.
 *
 * CONTRACT shared by ingest (which produces it), the stores and the matcher.
 */
export type FieldValue = string | number | boolean | null;

export interface LogEvent {
  /** Event time, ISO 8601 UTC with milliseconds: `2026-02-08T12:00:00.000Z`. */
  '@timestamp': string;
  /** Stable id used for deduplication. */
  'event.id': string;
  /** One of LEVELS, lowercase, when known. */
  level?: string;
  message?: string;
  logger?: string;
  host?: string;
  source?: string;
  job?: string;
  unit?: string;
  [field: string]: FieldValue | undefined;
}

/** Canonical levels, in increasing severity (syslog order reversed). */
export const LEVELS = [
  'trace',
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
] as const;

export type Level = (typeof LEVELS)[number];

/** The fields every event has or may have at the top level. */
export const CANONICAL_FIELDS = [
  '@timestamp',
  'level',
  'message',
  'logger',
  'host',
  'source',
  'job',
  'unit',
  'event.id',
] as const;

/**
 * Sets a field on an event (or any plain record of fields) as an own
 * property, even when its name is `__proto__`, which a plain assignment
 * would take as the prototype. Field names come from senders and users.
 */
export function setEventField(event: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') {
    Object.defineProperty(event, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    event[name] = value;
  }
}

/** A field's value only when the event has it as its own (never an `Object.prototype` member). */
export function ownField<T>(event: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(event, name) ? event[name] : undefined;
}
