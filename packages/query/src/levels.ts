/**
 * The one level table. Ingest uses normalizeLevel() on whatever a source
 * carried (names, pino numbers, syslog/journald priorities); the query
 * language uses levelFromQuery(), which knows names and aliases only — a
 * query says `level:error`, never `level:50`.
 */
import { LEVELS, type Level } from './event.js';

const NAMES: Readonly<Record<string, Level>> = Object.freeze({
  trace: 'trace',
  // winston's npm levels end in silly, below debug.
  silly: 'trace',
  // zerolog's ConsoleWriter writes three letters: TRC DBG INF WRN ERR FTL PNC.
  trc: 'trace',
  // java.util.logging's FINEST … CONFIG, where OpenTelemetry's bridge puts them.
  finest: 'trace',
  finer: 'debug',
  fine: 'debug',
  config: 'debug',
  verbose: 'debug',
  debug: 'debug',
  dbg: 'debug',
  // log15's four-letter names (Grafana's own logs: lvl=dbug, lvl=eror).
  dbug: 'debug',
  info: 'info',
  inf: 'info',
  information: 'info',
  informational: 'info',
  notice: 'notice',
  // loguru's SUCCESS (25) sits between info and warning, where notice is.
  success: 'notice',
  warn: 'warning',
  wrn: 'warning',
  warning: 'warning',
  err: 'error',
  eror: 'error',
  error: 'error',
  severe: 'error',
  crit: 'critical',
  critical: 'critical',
  fatal: 'critical',
  ftl: 'critical',
  alert: 'alert',
  emerg: 'emergency',
  emergency: 'emergency',
  panic: 'emergency',
  pnc: 'emergency',
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
  return levelFromQuery(s) ?? levelFromSlogName(s);
}

const SLOG_OFFSET = /^(debug|info|warn|error)([+-]\d{1,3})$/i;
const SLOG_BASE: Readonly<Record<string, number>> = Object.freeze({ debug: -4, info: 0, warn: 4, error: 8 });

/**
 * Go's log/slog names a level between its four by offset (`DEBUG-4`,
 * `WARN+2`, `ERROR+4`: what its handlers write for the custom TRACE and
 * FATAL levels people define): the level whose band the value falls in,
 * below DEBUG trace, from ERROR+4 critical.
 */
export function levelFromSlogName(name: string): Level | undefined {
  const m = SLOG_OFFSET.exec(name);
  if (m === null) return undefined;
  const n = SLOG_BASE[m[1]!.toLowerCase()]! + Number(m[2]);
  if (n < -4) return 'trace';
  if (n < 0) return 'debug';
  if (n < 4) return 'info';
  if (n < 8) return 'warning';
  if (n < 12) return 'error';
  return 'critical';
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
