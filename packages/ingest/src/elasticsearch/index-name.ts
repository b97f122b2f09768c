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

/** Beyond this many days a read names the whole `<prefix>-*` instead of one pattern per day. */
const MAX_DAY_PATTERNS = 45;
const MAX_LIST_CHARS = 2000;
const DAY = 86_400_000;
/** 1970-01-01 .. 9999-12-31: days utcDay() surely writes as YYYY-MM-DD. */
const FIRST_MS = 0;
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * The indices a read over [from, to] (epoch ms, inclusive) can find events
 * in: an event lives in the index of its @timestamp's UTC day, so only the
 * days of the range are searched (`<prefix>-*-YYYY.MM.DD` per day, every
 * class) instead of every index the store has. Fewer shards to visit is
 * most of a small query's cost. Wide ranges fall back to `<prefix>-*`; the
 * time-range filter still decides which events match either way.
 */
export function indexPatternFor(prefix: string, from: number, to: number): string {
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to || from < FIRST_MS || to > LAST_MS) return indexPattern(prefix);
  const first = Math.floor(from / DAY);
  const last = Math.floor(to / DAY);
  if (last - first + 1 > MAX_DAY_PATTERNS) return indexPattern(prefix);
  const patterns: string[] = [];
  for (let d = first; d <= last; d++) patterns.push(`${prefix}-*-${utcDay(d * DAY).replaceAll('-', '.')}`);
  const list = patterns.join(',');
  // The list travels in the URL path (http.max_initial_line_length is 4 KiB).
  return list.length > MAX_LIST_CHARS ? indexPattern(prefix) : list;
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
