import { levelFromQuery, levelFromSlogName, normalizeLevel, type Level } from '@logship/query/core';

/*
 * Format-specific views on the project's one level table (@logship/query
 * levels.ts): each format says which scale its numbers are on, so a pino 30
 * is never read as anything but pino.
 */

/** Level names and aliases in any case (`WARN`, `Err`, `fatal`, slog's `ERROR+4`); no numbers. */
export function levelFromText(text: string): Level | undefined {
  return levelFromQuery(text) ?? levelFromSlogName(text.trim());
}

/**
 * Any level value a generic JSON logger may write: names, syslog 0–7, pino
 * 10–60, and winston's `http` (between info and verbose: a logger at info
 * leaves it out, so it is debug). `http` is a level only as a JSON level
 * value, never a word sniffed from plain text, where it is a protocol.
 */
export function levelFromAny(value: string | number): Level | undefined {
  const level = normalizeLevel(value);
  if (level !== undefined || typeof value !== 'string') return level;
  return value.trim().toLowerCase() === 'http' ? 'debug' : undefined;
}

/** pino / bunyan numeric levels: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
export function levelFromPino(n: number): Level | undefined {
  return n >= 10 ? normalizeLevel(n) : undefined;
}

/** syslog / journald PRIORITY 0–7. */
export function levelFromSyslogPriority(n: number): Level | undefined {
  return n >= 0 && n <= 7 ? normalizeLevel(n) : undefined;
}

/**
 * Python's numeric levels, which loguru's `level.no` also uses (5 TRACE,
 * 10 DEBUG, 20 INFO, 25 SUCCESS, 30 WARNING, 40 ERROR, 50 CRITICAL). SUCCESS
 * sits between info and warning, which is where notice is. Not in the shared
 * table because no other source uses this scale.
 */
export function levelFromPythonNumber(n: number): Level | undefined {
  if (n >= 50) return 'critical';
  if (n >= 40) return 'error';
  if (n >= 30) return 'warning';
  if (n >= 25) return 'notice';
  if (n >= 20) return 'info';
  if (n >= 10) return 'debug';
  if (n >= 0) return 'trace';
  return undefined;
}
