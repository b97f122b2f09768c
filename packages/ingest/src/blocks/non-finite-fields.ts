import type { LogEvent } from '@logship/query/core';

/**
 * Fields holding +Infinity or -Infinity in some event (only API callers can
 * send them: JSON cannot). A block lists them (`blocks.nonfinite`): its
 * min/max are over finite numbers, so a numeric range does not trust them there.
 */
export function nonFiniteFields(events: readonly LogEvent[]): string[] {
  const out = new Set<string>();
  for (const e of events) {
    for (const k in e) {
      const v = e[k];
      if (typeof v === 'number' && (v === Infinity || v === -Infinity)) out.add(k);
    }
  }
  return [...out];
}
