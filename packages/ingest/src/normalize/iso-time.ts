/**
 * `new Date(ms).toISOString()`, the text every event's `@timestamp` is, at
 * a quarter of its cost for times from 1970 to 9999 (a day's `YYYY-MM-DDT` is
 * formatted once and kept; the time of day is integer arithmetic). It was
 * a third of finishing a normalized event (normalize-line.ts) and shows in
 * merges, which rebuild every row's time (blocks/row-events.ts rowEvents).
 * Other times, and NaN (a RangeError, as toISOString throws), go to Date.
 */
const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from here on toISOString writes a six-digit year. */
const FAST_END = 253_402_300_800_000;

let lastDay = -1;
/** Character codes of the day's `YYYY-MM-DDT`. */
const dayCodes: number[] = new Array<number>(11).fill(0);

export function isoTime(ms: number): string {
  if (!(ms >= 0 && ms < FAST_END)) return new Date(ms).toISOString();
  // Date keeps whole milliseconds, truncating toward zero (TimeClip).
  const t = Math.trunc(ms);
  const day = Math.floor(t / DAY_MS);
  if (day !== lastDay) {
    const prefix = new Date(day * DAY_MS).toISOString();
    for (let i = 0; i < 11; i++) dayCodes[i] = prefix.charCodeAt(i);
    lastDay = day;
  }
  let rest = t - day * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  const d = dayCodes;
  // One flat string from its codes: concatenating the parts made a tree of
  // eight cons strings an event, which survived until the batch was written
  // and were flattened again by the first reader (3× the time of this).
  return String.fromCharCode(
    d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!,
    48 + ((hour / 10) | 0), 48 + (hour % 10), 58,
    48 + ((minute / 10) | 0), 48 + (minute % 10), 58,
    48 + ((second / 10) | 0), 48 + (second % 10), 46,
    48 + ((milli / 100) | 0), 48 + (((milli / 10) | 0) % 10), 48 + (milli % 10), 90,
  );
}
