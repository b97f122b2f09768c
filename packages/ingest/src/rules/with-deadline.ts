/**
 * An evaluation's deadline: the ruler's rule evaluations and `logship rules
 * test` run under it.
 */
import type { AlertRule } from './rule-types.js';
import { rulesErrors as errors } from './rules-errors.js';

/**
 * Runs `fn` with a signal that aborts at the deadline (rejecting with
 * LS_RULES_EVALUATION_TIMEOUT) or when `stop` aborts.
 */
export async function withDeadline<T>(
  rule: AlertRule,
  timeout_ms: number,
  stop: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onStop: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = errors.rulesTimeout(rule.name, timeout_ms);
      ac.abort(err);
      reject(err);
    }, timeout_ms);
    onStop = () => {
      ac.abort(stop?.reason);
      reject(stop?.reason as Error);
    };
    if (stop?.aborted) onStop();
    else stop?.addEventListener('abort', onStop, { once: true });
  });
  try {
    return await Promise.race([fn(ac.signal), deadline]);
  } finally {
    clearTimeout(timer);
    if (onStop) stop?.removeEventListener('abort', onStop);
  }
}
