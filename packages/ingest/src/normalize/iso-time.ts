/**
 * `new Date(ms).toISOString()`, the text every event's `@timestamp` is, at
 * a tenth of its cost for times from 1970 to 9999 (a day's `YYYY-MM-DDT` is
 * formatted once and kept; the time of day is integer arithmetic). It was
 * a third of finishing a normalized event (normalize-line.ts) and shows in
 * merges, which rebuild every row's time (blocks/block-scan.ts eventAt).
 * Other times, and NaN (a RangeError, as toISOString throws), go to Date.
 */
const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from here on toISOString writes a six-digit year. */
const FAST_END = 253_402_300_800_000;

const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

let lastDay = -1;
let lastPrefix = '';

export function isoTime(ms: number): string {
  if (!(ms >= 0 && ms < FAST_END)) return new Date(ms).toISOString();
  // Date keeps whole milliseconds, truncating toward zero (TimeClip).
  const t = Math.trunc(ms);
  const day = Math.floor(t / DAY_MS);
  if (day !== lastDay) {
    lastPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    lastDay = day;
  }
  let rest = t - day * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return `${lastPrefix}${TWO[hour]!}:${TWO[minute]!}:${TWO[second]!}.${THREE[milli]!}Z`;
}
