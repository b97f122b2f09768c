import type { FieldValue } from '@logship/query/core';
import { isCalendarDay } from './is-calendar-day.js';

const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const NGINX_LOCAL = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const RFC2822 = /^(?:[A-Za-z]{3},\s*)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) \d{2}:\d{2}(?::\d{2})? (?:GMT|UTC|[+-]\d{4})$/;
const NUMERIC = /^\d+(?:\.\d+)?$/;
// A zone named after the time: Rails' `2026-12-06 12:00:00 UTC`, and Go's
// time.Time.String(), `2026-12-06 12:00:00.123456789 +0100 CET` (the offset
// is the instant, the abbreviation only its name; ` m=+0.001` when the
// value still carries its monotonic clock reading).
const ZONE_NAME_AFTER = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)(?: ([+-]\d{4}) [A-Z]{2,5}| (?:UTC|GMT))(?: m=[+-]\d+\.\d+)?$/;
// Java's ZonedDateTime.toString() (what logback/log4j2 JSON layouts and Jackson write for it):
// `2026-12-05T10:00:00Z[UTC]`, `…+01:00[Europe/Paris]`. The offset before the bracket is the instant.
const JAVA_ZONE_ID = /^(.+(?:Z|[+-]\d{2}(?::?\d{2})?))\[[A-Za-z][\w/+-]{0,63}\]$/i;
const MONTHS: Record<string, string> = {
  jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06',
  jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};
// toISOString only yields the plain `YYYY-…Z` form within years 0000–9999.
const MAX_MS = 253_402_300_799_999;

/**
 * Reads the time formats log sources write and returns epoch milliseconds,
 * or undefined when the value is not a time we can trust.
 *
 * Numbers are epoch seconds, ms, µs or ns told apart by magnitude (zap and
 * loguru write float seconds, pino ms, journald µs). Text without an offset
 * (python's `asctime`, Django's TIME_ZONE) is wall-clock time in `timeZone`:
 * the source's `@timezone` from the agent, else the server's
 * `ingest.default_timezone` (UTC unless set). An offset in the value wins.
 * A day its month does not have (February 30th) is not a time: Date would
 * carry it into the next month (is-calendar-day.ts).
 */
export function parseTimestamp(value: FieldValue | undefined, timeZone = 'UTC'): number | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const fast = fastTime(text, timeZone);
  return fast !== null ? fast : parseText(text, timeZone);
}

/** Every text shape parseTimestamp reads (fastTime's too, the slow way): trimmed text in, epoch ms or undefined out. */
export function parseText(text: string, timeZone: string): number | undefined {
  if (NUMERIC.test(text)) return fromEpoch(Number(text));
  const zoneId = text.endsWith(']') ? JAVA_ZONE_ID.exec(text) : null;
  if (zoneId) return parseText(zoneId[1]!, timeZone);
  const last = text.charCodeAt(text.length - 1);
  const named = (last >= 65 && last <= 90) || text.includes(' m=') ? ZONE_NAME_AFTER.exec(text) : null;
  if (named) return parseText(`${named[1]}${named[2] ?? 'Z'}`, timeZone);

  let m = ISO.exec(text);
  if (m) {
    const [, date, time, fraction, zone] = m;
    if (!isCalendarDay(Number(date!.slice(0, 4)), Number(date!.slice(5, 7)), Number(date!.slice(8, 10)))) return undefined;
    const ms = (fraction ?? '').padEnd(3, '0').slice(0, 3);
    const hms = time!.length === 5 ? `${time}:00` : time;
    let tz = zone === undefined ? 'Z' : zone.toUpperCase();
    if (/^[+-]\d{2}$/.test(tz)) tz = `${tz}:00`;
    else if (/^[+-]\d{4}$/.test(tz)) tz = `${tz.slice(0, 3)}:${tz.slice(3)}`;
    const wall = Date.parse(`${date}T${hms}.${ms}${tz}`);
    if (zone !== undefined || timeZone === 'UTC' || !Number.isFinite(wall)) return check(wall);
    return check(wallTimeToUtc(wall, timeZone));
  }
  m = NGINX_LOCAL.exec(text);
  if (m) {
    const [, day, mon, year, hh, mm, ss, sign, tzh, tzm] = m;
    const month = MONTHS[mon!.toLowerCase()];
    if (month === undefined || !isCalendarDay(Number(year), Number(month), Number(day))) return undefined;
    return check(Date.parse(`${year}-${month}-${day}T${hh}:${mm}:${ss}.000${sign}${tzh}:${tzm}`));
  }
  m = RFC2822.exec(text);
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase()];
    if (month === undefined || !isCalendarDay(Number(m[3]), Number(month), Number(m[1]))) return undefined;
    return check(Date.parse(text));
  }
  return undefined;
}

/**
 * The shapes most sources write, read from character codes: ISO
 * (`2026-12-03T11:59:59.123Z`, python's `2026-12-03 11:59:59,123`,
 * `…+01:00`) and nginx's `time_local` (`03/Dec/2026:11:59:59 +0000`). What
 * the regexes and Date.parse of a rebuilt string give, without the match
 * array and the strings (a third of normalizing a line's time). Null for
 * anything else, and for what only Date.parse should judge (years before
 * 100, day 32 and up, hour 24, second 60, an offset past 23:59, space
 * before the zone): the general path (parseText) reads those as before.
 * A day 29–31 its month does not have is undefined here as there.
 * parse-timestamp.test.ts compares the two over generated times.
 */
export function fastTime(text: string, timeZone: string): number | undefined | null {
  if (text.length === 26 && text.charCodeAt(2) === 47) return nginxFast(text);
  return isoFast(text, timeZone);
}

function isoFast(text: string, timeZone: string): number | undefined | null {
  const n = text.length;
  if (n < 16 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58) return null;
  const sep = text.charCodeAt(10);
  if (sep !== 84 && sep !== 116 && sep !== 32) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  let at = 16;
  let second = 0;
  if (at < n && text.charCodeAt(at) === 58) {
    second = digits(text, at + 1, 2);
    if (second < 0 || second > 59) return null;
    at += 3;
  }
  let ms = 0;
  const dot = at < n ? text.charCodeAt(at) : 0;
  if (dot === 46 || dot === 44) {
    // Milliseconds from the first three digits, as the general path reads them ('5' is 500).
    let k = at + 1;
    let scale = 100;
    for (; k < n; k++) {
      const c = text.charCodeAt(k) - 48;
      if (c < 0 || c > 9) break;
      ms += c * scale;
      scale = scale === 1 ? 0 : scale / 10;
    }
    if (k === at + 1) return null;
    at = k;
  }
  let offset = 0;
  let zoned = false;
  if (at < n) {
    const z = text.charCodeAt(at);
    if ((z === 90 || z === 122) && at + 1 === n) zoned = true;
    else if (z === 43 || z === 45) {
      const oh = digits(text, at + 1, 2);
      let om = 0;
      if (at + 3 === n) om = 0;
      else if (at + 5 === n) om = digits(text, at + 3, 2);
      else if (at + 6 === n && text.charCodeAt(at + 3) === 58) om = digits(text, at + 4, 2);
      else return null;
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return null;
      offset = (z === 45 ? -1 : 1) * (oh * 60 + om) * 60_000;
      zoned = true;
    } else return null;
  }
  if (day > 28 && !isCalendarDay(year, month, day)) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (zoned || timeZone === 'UTC') return check(wall - offset);
  return check(wallTimeToUtc(wall, timeZone));
}

/** `DD/Mon/YYYY:HH:MM:SS ±HHMM`, 26 characters with '/' at 2 (the caller checked those two). */
function nginxFast(text: string): number | undefined | null {
  if (text.charCodeAt(6) !== 47 || text.charCodeAt(11) !== 58 || text.charCodeAt(14) !== 58 || text.charCodeAt(17) !== 58 || text.charCodeAt(20) !== 32) return null;
  const sign = text.charCodeAt(21);
  if (sign !== 43 && sign !== 45) return null;
  const month = MONTH_NUMBERS.get(text.slice(3, 6).toLowerCase());
  const day = digits(text, 0, 2);
  const year = digits(text, 7, 4);
  const hour = digits(text, 12, 2);
  const minute = digits(text, 15, 2);
  const second = digits(text, 18, 2);
  const oh = digits(text, 22, 2);
  const om = digits(text, 24, 2);
  if (month === undefined || year < 100 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return null;
  if (day > 28 && !isCalendarDay(year, month, day)) return undefined;
  const offset = (sign === 45 ? -1 : 1) * (oh * 60 + om) * 60_000;
  return check(Date.UTC(year, month - 1, day, hour, minute, second) - offset);
}

const MONTH_NUMBERS: ReadonlyMap<string, number> = new Map(Object.entries(MONTHS).map(([name, mm]) => [name, Number(mm)]));

/** The `len` decimal digits at `at` as a number; -1 when one is not a digit (or the text ends). */
function digits(text: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = text.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

function fromEpoch(n: number): number | undefined {
  // Below 1e8 (1973 in seconds) a number is a count or an id, not a time.
  if (!Number.isFinite(n) || n < 1e8) return undefined;
  if (n < 1e11) return check(Math.round(n * 1000));
  if (n < 1e14) return check(Math.floor(n));
  if (n < 1e17) return check(Math.floor(n / 1e3));
  return check(Math.floor(n / 1e6));
}

function check(ms: number): number | undefined {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_MS ? ms : undefined;
}

const ZONE_FORMATS = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(zone: string): Intl.DateTimeFormat {
  let f = ZONE_FORMATS.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (ZONE_FORMATS.size >= 256) ZONE_FORMATS.clear();
    ZONE_FORMATS.set(zone, f);
  }
  return f;
}

/** True for a time zone name Intl knows (`UTC`, `America/Chicago`). */
export function isTimeZone(zone: string): boolean {
  try {
    zoneFormat(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at instant `ms`, in ms (Chicago in winter: -6 h). */
export function zoneOffsetAt(ms: number, zone: string): number {
  const parts = zoneFormat(zone).formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant at which clocks in `zone` showed `wall` (wall-clock fields
 * encoded as if UTC), DST-correct, resolving the two special hours as
 * JavaScript's Temporal does by default ("compatible"): a time that occurs
 * twice (clocks turned back) is the earlier of the two; a time that never
 * occurs (clocks turned forward) is read with the offset before the
 * change, so 02:30 on a spring-forward night in Chicago is 03:30 CDT.
 */
export function wallTimeToUtc(wall: number, zone: string): number {
  const before = zoneOffsetAt(wall - 86_400_000, zone);
  const after = zoneOffsetAt(wall + 86_400_000, zone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((t) => wall - zoneOffsetAt(t, zone) === t)
    .sort((a, b) => a - b);
  return candidates[0] ?? wall - before;
}
