/**
 * Epoch ms of a stored `@timestamp` ('2026-11-30T00:00:28.800Z', what ingest
 * writes), as Date.parse gives it, but parsing only the seconds and
 * milliseconds when the date, hour and minute are those of the previous call:
 * rows of a block are sorted by time, and a batch's events mostly arrive in
 * time order, so nearly all share them (the stores' checkEvent reads every
 * written event's time with it). Anything else goes to Date.parse.
 */
let prefix = '';
let base = NaN;

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

export function isoMillis(s: string): number {
  // 'YYYY-MM-DDTHH:MM' ':SS.mmmZ'
  if (s.length !== 24 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) return Date.parse(s);
  const sec = digit(s, 17) * 10 + digit(s, 18);
  const ms = digit(s, 20) * 100 + digit(s, 21) * 10 + digit(s, 22);
  // Hour 24 is valid only as 24:00:00.000, which Date.parse knows.
  if (!(sec < 60) || !(ms >= 0) || !(digit(s, 11) * 10 + digit(s, 12) < 24)) return Date.parse(s);
  if (prefix === '' || !s.startsWith(prefix)) {
    prefix = s.slice(0, 16);
    base = Date.parse(prefix + ':00.000Z');
  }
  return base + sec * 1000 + ms;
}
