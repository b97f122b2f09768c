/**
 * A request's `from` / `to` (API parameters, CLI `--from` / `--to`): what
 * resolveDate reads (ISO 8601, date math), and bare epoch numbers in the
 * unit the tools users come from send them in. Grafana sends epoch
 * milliseconds, VictoriaLogs' and Prometheus' `start`/`end` take seconds
 * (`1770552000`, `1770552000.5`), Loki's nanoseconds; read as milliseconds,
 * a number of seconds was a range in January 1970 that found nothing.
 *
 * An integer is read by its size: below 10^11 seconds (to the year 5138),
 * below 10^15 milliseconds (1973 to 9999, all of them: VictoriaLogs' 2^31
 * bounds would read a millisecond time after January 2038 as
 * microseconds), below 10^18 microseconds (from 2001), else nanoseconds.
 * A decimal fraction is seconds.
 * Exactly four digits stay a year (`2026`), as in resolveDate.
 *
 * A duration alone (`1h`, `-15m`, `1h30m`) is that long before now, as
 * VictoriaLogs reads `start=1h` and Loki `since=1h`; date math without its
 * `now` (`-1d/d`, the CLI's `--from -1d/d`) is read from now. A time whose offset
 * lost its `+` to URL decoding (`?from=2026-02-08T12:00:00+01:00` typed
 * into curl arrives as `…12:00:00 01:00`) is read with the `+`.
 *
 * Inside a query, `@timestamp:>1770552000000` keeps Elasticsearch's
 * epoch_millis reading (docs/QUERY_LANGUAGE.md, "Dates and date math").
 */
import { MAX_DATE_MS, MIN_DATE_MS, resolveDate, type ResolveDateOptions } from './date-math.js';
import { QueryError } from './errors.js';

const SECONDS_BELOW = 1e11;
const MILLISECONDS_BELOW = 1e15;
const MICROSECONDS_BELOW = 1e18;
const INTEGER_RE = /^-?\d+$/;
const DECIMAL_SECONDS_RE = /^(-?)(\d+)\.(\d+)$/;
const DURATION_RE = /^-?(?:\d+(?:ms|s|m|h|d|w|y))+$/;
/** A leading minus, a number and a unit: date math without its `now`. */
const RELATIVE_MATH_RE = /^-\d+[yMwdhHms]/;
const DURATION_PART = /(\d+)(ms|s|m|h|d|w|y)/g;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 365 * 86_400_000 };
/** A date and time whose `+hh:mm` offset came through URL decoding as ` hh:mm`. */
const LOST_PLUS_RE = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) (\d{2}(?::?\d{2})?)$/;

export function resolveTimeParam(text: string, opts: ResolveDateOptions): number {
  const ms = epochOrDuration(text.trim(), opts);
  if (ms === null) {
    // `-1d/d`, `-2h+30m`: a relative time with more date math than a duration (`-1h`) holds is read from now.
    if (RELATIVE_MATH_RE.test(text.trim())) {
      try {
        return resolveDate(`now${text.trim()}`, opts);
      } catch {
        // said below, of the text as written
      }
    }
    return resolveDate(text, opts);
  }
  if (!(ms >= MIN_DATE_MS && ms <= MAX_DATE_MS)) {
    throw new QueryError('LS_QUERY_INVALID_DATE', `cannot resolve date "${text}": outside the years 0000-9999`);
  }
  return ms;
}

/** An epoch number or a duration before now, in epoch ms; null for anything else (an ISO time, date math). */
function epochOrDuration(t: string, opts: ResolveDateOptions): number | null {
  if (INTEGER_RE.test(t) && !/^\d{4}$/.test(t)) {
    const n = Number(t);
    const abs = Math.abs(n);
    // A whole second as an inclusive end (`to`) is filled to its last millisecond, as a date is.
    if (abs < SECONDS_BELOW) return n * 1000 + (opts.roundUp ? 999 : 0);
    if (abs < MILLISECONDS_BELOW) return n;
    // Below a millisecond: the millisecond holding the instant.
    if (abs < MICROSECONDS_BELOW) return Math.floor(n / 1e3);
    return Math.floor(n / 1e6);
  }
  const frac = DECIMAL_SECONDS_RE.exec(t);
  if (frac) {
    const [, sign, whole, digits] = frac;
    // By digits, not by float multiplication (1770552000.123 * 1000 is …122.99).
    const ms = Number(whole) * 1000 + Number(digits!.slice(0, 3).padEnd(3, '0'));
    return sign === '-' ? -ms : ms;
  }
  if (DURATION_RE.test(t)) {
    let ms = 0;
    for (const [, n, unit] of t.matchAll(DURATION_PART)) ms += Number(n) * UNIT_MS[unit!]!;
    return opts.now - ms;
  }
  const lost = LOST_PLUS_RE.exec(t);
  if (lost) return resolveDate(`${lost[1]}+${lost[2]}`, opts);
  return null;
}
