/**
 * The histogram's time axis: where its ticks go and what they read, chosen
 * from the chart's width in pixels and the width of the labels themselves,
 * so that no two labels ever overlap, from a phone to a 2560 px monitor.
 *
 * uPlot's own choice kept ticks 50 px apart whatever they said: a date
 * under the first tick (`2026-11-29`) then ran into the next day's
 * (`11-30`) on a wide chart. Here each round step, smallest first, is laid
 * out and measured, and the first whose labels all fit is taken (Kibana
 * and Grafana size their time axes from the labels too).
 *
 * Labels are the rows' own format, 24-hour and year-month-day: a first
 * line at every tick (`14:30`, `:15`, `12-06`), and a second one where the
 * larger unit changes, whole at the first tick (`2026-12-06`, then `12-07`).
 */
import type { TimeZoneMode } from './page-state.js';

export interface TimeTick {
  /** Epoch ms. */
  ms: number;
  /** One or two lines, `\n` between them (uPlot draws each line centred). */
  label: string;
}

/** Pixels at least between two labels of a line. */
export const LABEL_GAP_PX = 12;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Unit = 'ms' | 's' | 'm' | 'd' | 'w' | 'M' | 'y';

/** Round steps, smallest first: each a unit and how many of it. */
const STEPS: [Unit, number][] = [
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500].map((n): [Unit, number] => ['ms', n]),
  ...[1, 2, 5, 10, 15, 30].map((n): [Unit, number] => ['s', n]),
  ...[1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720].map((n): [Unit, number] => ['m', n]),
  ['d', 1], ['d', 2], ['w', 1], ['w', 2],
  ...[1, 2, 3, 6].map((n): [Unit, number] => ['M', n]),
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000].map((n): [Unit, number] => ['y', n]),
];

const UNIT_MS: Record<Unit, number> = { ms: 1, s: SECOND, m: MINUTE, d: DAY, w: 7 * DAY, M: 30 * DAY, y: 365 * DAY };

interface Parts { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number }

/** Calendar reading and making in the chosen zone (the browser's own, or UTC). */
interface Zone {
  parts: (ms: number) => Parts;
  /** Midnight starting the day (month 0-based; a day past the month's end rolls over). */
  midnight: (y: number, mo: number, d: number) => number;
}

/**
 * Midnight of a date in UTC. Not `Date.UTC(y, …)`: that reads years 0–99
 * as 1900–1999, and a range from year 0 (`from=0000-01-01`) got a tick in
 * 1900 before its year-1000 one, so no step's labels fitted and the axis
 * stayed blank.
 */
function utcMidnight(y: number, mo: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo, d);
  return t.getTime();
}

/** Local midnight of a date (`new Date(y, …)` reads years 0–99 as 1900–1999 too). */
function localMidnight(y: number, mo: number, d: number): number {
  const t = new Date(2000, 0, 1);
  t.setFullYear(y, mo, d);
  t.setHours(0, 0, 0, 0);
  return t.getTime();
}

const ZONES: Record<TimeZoneMode, Zone> = {
  utc: {
    parts: (ms) => {
      const t = new Date(ms);
      return { y: t.getUTCFullYear(), mo: t.getUTCMonth(), d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds(), ms: t.getUTCMilliseconds() };
    },
    midnight: utcMidnight,
  },
  local: {
    parts: (ms) => {
      const t = new Date(ms);
      return { y: t.getFullYear(), mo: t.getMonth(), d: t.getDate(), h: t.getHours(), mi: t.getMinutes(), s: t.getSeconds(), ms: t.getMilliseconds() };
    },
    midnight: localMidnight,
  },
};

/** Days since 1970-01-01 of a calendar date (the zone's own date, counted as UTC's). */
const epochDay = (p: Parts): number => Math.round(utcMidnight(p.y, p.mo, p.d) / DAY);

/** The ticks of one step over [min, max], oldest first. */
function stepTicks(unit: Unit, n: number, min: number, max: number, zone: Zone): number[] {
  const out: number[] = [];
  const first = zone.parts(min);
  if (unit === 'ms' || unit === 's' || unit === 'm') {
    // Every sub-day step divides a day: counted from each midnight, so
    // 3-hour ticks read 00:00, 03:00… in a zone half an hour off UTC too.
    const step = n * UNIT_MS[unit];
    for (let day = zone.midnight(first.y, first.mo, first.d), i = 1; day <= max; i++) {
      const next = zone.midnight(first.y, first.mo, first.d + i);
      for (let t = day + Math.max(0, Math.ceil((min - day) / step)) * step; t < next && t <= max; t += step) out.push(t);
      day = next;
    }
    return out;
  }
  if (unit === 'd' || unit === 'w') {
    for (let i = 0; ; i++) {
      const t = zone.midnight(first.y, first.mo, first.d + i);
      if (t > max) return out;
      const day = epochDay(zone.parts(t));
      // Weeks start on Monday (1970-01-01 was a Thursday).
      const keep = unit === 'd' ? day % n === 0 : (day + 3) % 7 === 0 && Math.floor((day + 3) / 7) % n === 0;
      if (keep && t >= min) out.push(t);
    }
  }
  const months = unit === 'M' ? n : 12 * n;
  for (let m = first.y * 12 + first.mo - ((first.y * 12 + first.mo) % months); ; m += months) {
    const t = zone.midnight(Math.floor(m / 12), m % 12, 1);
    if (t > max) return out;
    if (t >= min) out.push(t);
  }
}

const pad = (x: number, w = 2): string => String(x).padStart(w, '0');

/** Each tick's two lines: its own, and (where the larger unit changes, and at the first tick) that unit's. */
function labelTicks(ticks: number[], unit: Unit, zone: Zone): [string, string][] {
  let prev: Parts | null = null;
  return ticks.map((t) => {
    const p = zone.parts(t);
    // Four digits always: year 500 reads `0500`, as the rows and the picker write it.
    const year = pad(p.y, 4);
    const date = `${year}-${pad(p.mo + 1)}-${pad(p.d)}`;
    const monthDay = `${pad(p.mo + 1)}-${pad(p.d)}`;
    const hm = `${pad(p.h)}:${pad(p.mi)}`;
    const newYear = prev === null || prev.y !== p.y;
    const newDay = newYear || prev!.mo !== p.mo || prev!.d !== p.d;
    let lines: [string, string];
    switch (unit) {
      case 'ms':
      case 's': {
        const own = unit === 'ms' ? `:${pad(p.s)}.${pad(p.ms, 3)}` : `:${pad(p.s)}`;
        const newMinute = newDay || prev!.h !== p.h || prev!.mi !== p.mi;
        lines = [own, newYear ? `${date} ${hm}` : newDay ? `${monthDay} ${hm}` : newMinute ? hm : ''];
        break;
      }
      case 'm':
        lines = [hm, newYear ? date : newDay ? monthDay : ''];
        break;
      case 'd':
      case 'w':
        lines = [monthDay, newYear ? year : ''];
        break;
      case 'M':
        lines = [`${year}-${pad(p.mo + 1)}`, ''];
        break;
      case 'y':
        lines = [year, ''];
        break;
    }
    prev = p;
    return lines;
  });
}

/**
 * Where a label `textWidth` wide is centred for a tick at `x` on an axis
 * `widthPx` long: on its tick, or moved in just enough to stay over the
 * plot. Centred on the first tick, the first date (`2026-12-07` under
 * `19:45`) reached under the count axis; Grafana moves its edge labels in.
 */
export function labelCentre(x: number, textWidth: number, widthPx: number): number {
  const half = textWidth / 2;
  return half * 2 >= widthPx ? widthPx / 2 : Math.min(Math.max(x, half), widthPx - half);
}

/** Whether each line's labels, placed by labelCentre, keep LABEL_GAP_PX apart. */
function fits(xs: number[], lines: [string, string][], widthPx: number, measure: (text: string) => number): boolean {
  for (const line of [0, 1] as const) {
    let prevRight = -Infinity;
    for (let i = 0; i < xs.length; i++) {
      const text = lines[i]![line];
      if (text === '') continue;
      const w = measure(text);
      const x = labelCentre(xs[i]!, w, widthPx);
      if (x - w / 2 < prevRight + LABEL_GAP_PX) return false;
      prevRight = x + w / 2;
    }
  }
  return true;
}

/**
 * The ticks of the smallest round step whose labels fit `widthPx` (the
 * plotting area, `min` at 0 and `max` at its right edge), measured by
 * `measure` in the axis's font. Steps with ticks closer than the narrowest
 * label could be are not laid out at all.
 */
export function timeTicks(min: number, max: number, widthPx: number, tz: TimeZoneMode, measure: (text: string) => number): TimeTick[] {
  if (!(max > min) || !(widthPx > 0)) return [];
  const zone = ZONES[tz];
  const pxPerMs = widthPx / (max - min);
  const narrowest = measure('88');
  for (const [unit, n] of STEPS) {
    if (n * UNIT_MS[unit] * pxPerMs < narrowest) continue;
    const ticks = stepTicks(unit, n, min, max, zone);
    if (ticks.length === 0) continue;
    const lines = labelTicks(ticks, unit, zone);
    if (fits(ticks.map((t) => (t - min) * pxPerMs), lines, widthPx, measure)) {
      return ticks.map((ms, i) => ({ ms, label: lines[i]![1] === '' ? lines[i]![0] : `${lines[i]![0]}\n${lines[i]![1]}` }));
    }
  }
  return [];
}
