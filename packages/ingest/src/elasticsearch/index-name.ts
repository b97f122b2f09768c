/**
 * Daily indices per retention class: `<prefix>-<class>-YYYY.MM.DD`, the day
 * being the UTC day of the events' @timestamp, so retention can delete a
 * whole index once its newest event has expired. Index names must be
 * lowercase; the exact class name lives in each document's `@class`.
 */
const DAY_SUFFIX = /^(.*)-(\d{4})\.(\d{2})\.(\d{2})$/;

/**
 * Prefixes: lowercase, no wildcards, nothing Elasticsearch forbids. A store
 * reads `<prefix>-*`, so two stores on one cluster need prefixes where
 * neither is the other followed by `-` (`logs` and `logs-eu` would overlap).
 */
export const INDEX_PREFIX = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function indexName(prefix: string, className: string, ms: number): string {
  return `${prefix}-${className.toLowerCase()}-${utcDay(ms).replaceAll('-', '.')}`;
}

/** All indices of a store (used for search, stats and retention). */
export function indexPattern(prefix: string): string {
  return `${prefix}-*`;
}

export interface ParsedIndexName {
  /** The lowercased class from the name. */
  classLower: string;
  /** YYYY-MM-DD. */
  day: string;
}

export function parseIndexName(prefix: string, name: string): ParsedIndexName | null {
  if (!name.startsWith(`${prefix}-`)) return null;
  const m = DAY_SUFFIX.exec(name.slice(prefix.length + 1));
  if (!m || !m[1]) return null;
  return { classLower: m[1], day: `${m[2]}-${m[3]}-${m[4]}` };
}
