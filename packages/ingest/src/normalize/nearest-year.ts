import { isCalendarDay } from './is-calendar-day.js';

/**
 * A time written without its year (RFC 3164 syslog, `/var/log/syslog` and
 * `auth.log` in rsyslog's traditional format): the one of last, this or
 * next year that has that day and lands nearest `now`, as wall-clock fields encoded as if
 * UTC (the caller converts from the source's zone). Undefined for fields
 * out of range.
 */
export function nearestYear(month: number, day: number, h: number, mi: number, s: number, now: number): number | undefined {
  if (day < 1 || day > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const year = new Date(now).getUTCFullYear();
  let best: number | undefined;
  for (const y of [year - 1, year, year + 1]) {
    // February 29th only in a leap year; February 30th in none (Date.UTC would carry it into March).
    if (!isCalendarDay(y, month + 1, day)) continue;
    const t = Date.UTC(y, month, day, h, mi, s);
    if (best === undefined || Math.abs(t - now) < Math.abs(best - now)) best = t;
  }
  return best;
}
