import type { Level } from '@logship/query';
import { normalizeLevelText } from './level-text.js';

/** Level names and aliases in any case (`WARN`, `Err`, `fatal`) → canonical level. */
export function levelFromText(text: string): Level | undefined {
  return normalizeLevelText(text);
}

/** pino / bunyan numeric levels: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
export function levelFromPino(n: number): Level | undefined {
  if (n >= 60) return 'critical';
  if (n >= 50) return 'error';
  if (n >= 40) return 'warning';
  if (n >= 30) return 'info';
  if (n >= 20) return 'debug';
  if (n >= 0) return 'trace';
  return undefined;
}

const SYSLOG: readonly Level[] = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];

/** syslog / journald PRIORITY 0–7. */
export function levelFromSyslogPriority(n: number): Level | undefined {
  return Number.isInteger(n) ? SYSLOG[n] : undefined;
}

/**
 * Python's numeric levels, which loguru's `level.no` also uses (5 TRACE,
 * 10 DEBUG, 20 INFO, 25 SUCCESS, 30 WARNING, 40 ERROR, 50 CRITICAL). SUCCESS
 * sits between info and warning, which is where notice is.
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
