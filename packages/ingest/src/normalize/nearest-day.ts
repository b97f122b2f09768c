import { wallTimeToUtc } from './parse-timestamp.js';

/** How far ahead of `now` a time of day may be and still be today's: clocks of a host and the server disagree a little. */
const AHEAD_MS = 3_600_000;

/**
 * A time of day written without its date (logback's and log4j2's default
 * patterns, `%d{HH:mm:ss.SSS}`; pino-pretty's `[12:34:56.789]`): the latest
 * of that wall-clock time in `timeZone` on the day before, of or after
 * `now` that is not more than an hour after `now`. A line is read after it
 * is written (soon, when tailed; hours later, when a backlog is read), so
 * 23:59:59 read at 00:00:02 is yesterday, and 14:00 read at 06:10 is
 * yesterday afternoon, not this afternoon. Undefined for fields out of range.
 */
export function nearestDay(h: number, mi: number, s: number, ms: number, now: number, timeZone: string): number | undefined {
  if (h > 23 || mi > 59 || s > 59 || ms > 999) return undefined;
  const today = new Date(now);
  // The zone's date is within a day of UTC's, so these days hold the answer in any zone.
  for (const d of [1, 0, -1, -2]) {
    const wall = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + d, h, mi, s, ms);
    const t = timeZone === 'UTC' ? wall : wallTimeToUtc(wall, timeZone);
    if (t <= now + AHEAD_MS) return t;
  }
  return undefined;
}
