import { notADuration, parseDuration } from '../rules/parse-duration.js';
import { configErrors as errors } from './config-errors.js';
import { MistakeList } from '../errors/mistake-list.js';

/**
 * The `alerting` durations, checked before buildAlertingConfig reads them.
 * The schema's pattern takes units in any order and zero, but the parser
 * wants Prometheus's spelling (largest unit first, each once), and
 * buildAlertingConfig falls back to the default for what it cannot read: so
 * `resend_delay: 30s1m` ran as 1m, and `query_timeout: 0s` failed every
 * evaluation, both without a word.
 */
export function checkAlertingDurations(raw: unknown): void {
  if (typeof raw !== 'object' || raw === null) return;
  const a = raw as Record<string, unknown>;
  // Each duration on its own: every one's mistake is told.
  const mistakes = new MistakeList();
  const check = (path: string, value: unknown, min_ms: number): void => mistakes.check(() => checkDuration(path, value, min_ms), undefined);
  check('alerting.evaluation_interval', a.evaluation_interval, 1000);
  check('alerting.resend_delay', a.resend_delay, 0);
  check('alerting.query_timeout', a.query_timeout, 1);
  check('alerting.alertmanager.timeout', (a.alertmanager as Record<string, unknown> | undefined)?.timeout, 1);
  if (Array.isArray(a.webhooks)) {
    a.webhooks.forEach((w, i) => {
      check(`alerting.webhooks[${i}].timeout`, (w as Record<string, unknown>).timeout, 1);
      check(`alerting.webhooks[${i}].repeat_interval`, (w as Record<string, unknown>).repeat_interval, 1000);
    });
  }
  mistakes.throwIfAny();
}

function checkDuration(path: string, value: unknown, min_ms: number): void {
  if (typeof value !== 'string') return;
  const ms = parseDuration(value);
  if (ms === null) throw errors.configInvalid(path, notADuration(value));
  if (ms < min_ms) throw errors.configInvalid(path, `must be at least ${min_ms >= 1000 ? `${min_ms / 1000}s` : `${min_ms}ms`}`);
}
