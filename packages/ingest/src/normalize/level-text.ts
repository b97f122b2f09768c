import type { Level } from '@logship/query';

const ALIASES: Record<string, Level> = {
  trace: 'trace', trc: 'trace', verbose: 'trace', finest: 'trace',
  debug: 'debug', dbg: 'debug', fine: 'debug',
  info: 'info', inf: 'info', information: 'info', informational: 'info',
  notice: 'notice', success: 'notice',
  warning: 'warning', warn: 'warning', wrn: 'warning',
  error: 'error', err: 'error', eror: 'error', severe: 'error',
  critical: 'critical', crit: 'critical', fatal: 'critical', panic: 'emergency',
  alert: 'alert',
  emergency: 'emergency', emerg: 'emergency',
};

/** Canonical level for a level word in any case, or undefined. */
export function normalizeLevelText(text: string): Level | undefined {
  return ALIASES[text.trim().toLowerCase()];
}
