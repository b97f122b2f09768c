/**
 * The range a link to one event carries: absolute times, always holding the
 * event. A link that kept the page's relative range (`from=now-15m`),
 * opened an hour later, searched another window, one without the event
 * (Grafana's "Lock time range" and Kibana's snapshot share pin theirs).
 */
import type { TimeZoneMode } from './page-state.js';
import { formatTime } from './time-range.js';

export interface PinnedRange {
  from: string;
  to: string;
}

/** Used when the page has searched no range yet: a quarter of an hour around the event. */
const DEFAULT_LENGTH_MS = 15 * 60_000;

/**
 * The range the page searched (`searched`, ISO, as use-search.ts resolved
 * it) when it holds the event at `atMs`; else one as long centred on the
 * event (an event live added after the range's end, or one opened from an
 * older link whose range no longer holds it).
 */
export function pinnedRange(searched: { from: string; to: string }, atMs: number): PinnedRange {
  const from = Date.parse(searched.from);
  const to = Date.parse(searched.to);
  if (Number.isFinite(from) && Number.isFinite(to) && from <= atMs && atMs <= to) return { from: searched.from, to: searched.to };
  const length = Number.isFinite(from) && Number.isFinite(to) && to > from ? to - from : DEFAULT_LENGTH_MS;
  return { from: new Date(atMs - Math.floor(length / 2)).toISOString(), to: new Date(atMs + Math.ceil(length / 2)).toISOString() };
}

/** The Copy link button's title: what the link holds. */
export function pinnedTitle(r: PinnedRange, tz: TimeZoneMode): string {
  const at = (iso: string) => formatTime(Date.parse(iso), tz).replace(/\.000$/, '');
  return `Copies a link to this event and its search, over the time range pinned to absolute times (${at(r.from)} → ${at(r.to)}): opened later, it still shows this event.`;
}
