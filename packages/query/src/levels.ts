/**
 * The one level table. Ingest uses normalizeLevel() on whatever a source
 * carried (names, pino numbers, syslog/journald priorities); the query
 * language uses levelFromQuery(), which knows names and aliases only — a
 * query says `level:error`, never `level:50`.
 */
import { LEVELS, type Level } from './event.js';

const NAMES: Readonly<Record<string, Level>> = Object.freeze({
  trace: 'trace',
  verbose: 'debug',
  debug: 'debug',
  dbg: 'debug',
  // log15's four-letter names (Grafana's own logs: lvl=dbug, lvl=eror).
  dbug: 'debug',
  info: 'info',
  information: 'info',
  informational: 'info',
  notice: 'notice',
  warn: 'warning',
  warning: 'warning',
  err: 'error',
  eror: 'error',
  error: 'error',
  severe: 'error',
  crit: 'critical',
  critical: 'critical',
  fatal: 'critical',
  alert: 'alert',
  emerg: 'emergency',
  emergency: 'emergency',
  panic: 'emergency',
});

/** syslog / journald PRIORITY 0..7. */
const SYSLOG: readonly Level[] = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];

/** Level name or alias (case-insensitive) → canonical level. */
export function levelFromQuery(name: string): Level | undefined {
  return Object.hasOwn(NAMES, name.trim().toLowerCase()) ? NAMES[name.trim().toLowerCase()] : undefined;
}

/**
 * Any level a source may carry → canonical level, or undefined when unknown.
 *   - names and aliases, any case (`WARN`, `Fatal`, `err`);
 *   - syslog / journald priorities 0..7 (number or digit string);
 *   - pino / bunyan numbers 10..60+ (10 trace, 20 debug, 30 info,
 *     40 warning, 50 error, 60+ critical; custom levels fall to the band below).
 */
export function normalizeLevel(input: string | number): Level | undefined {
  if (typeof input === 'number') return levelFromNumber(input);
  const s = input.trim();
  if (/^[0-9]{1,3}$/.test(s)) return levelFromNumber(Number(s));
  return levelFromQuery(s);
}

function levelFromNumber(n: number): Level | undefined {
  if (!Number.isInteger(n) || n < 0) return undefined;
  if (n <= 7) return SYSLOG[n];
  if (n < 10) return undefined;
  if (n >= 60) return 'critical';
  if (n >= 50) return 'error';
  if (n >= 40) return 'warning';
  if (n >= 30) return 'info';
  if (n >= 20) return 'debug';
  return 'trace';
}

/** Severity rank: trace 0 … emergency 8. */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}
