/**
 * The page's whole state lives in the URL (`?q=&from=&to=&cols=&live=&tz=&sort=&event=&at=`),
 * so a reload or a shared link restores it and back/forward walk through
 * past searches.
 */
export type TimeZoneMode = 'local' | 'utc';
/** By @timestamp: newest first (the default) or oldest first. */
export type SortOrder = 'desc' | 'asc';

export interface PageState {
  q: string;
  /** ISO date or date math, as the API takes it. */
  from: string;
  to: string;
  /** Extra fields shown as columns in the results. */
  cols: string[];
  live: boolean;
  tz: TimeZoneMode;
  sort: SortOrder;
  /** One event shown on its own (a link to it): its id and @timestamp. */
  event: { id: string; ts: string } | null;
}

export const DEFAULT_STATE: PageState = { q: '', from: 'now-15m', to: 'now', cols: [], live: false, tz: 'local', sort: 'desc', event: null };

export function stateFromUrl(search: string): PageState {
  const p = new URLSearchParams(search);
  const cols = (p.get('cols') ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  return {
    q: p.get('q') ?? DEFAULT_STATE.q,
    from: p.get('from') || DEFAULT_STATE.from,
    to: p.get('to') || DEFAULT_STATE.to,
    cols,
    live: p.get('live') === '1',
    tz: p.get('tz') === 'utc' ? 'utc' : 'local',
    sort: p.get('sort') === 'asc' ? 'asc' : 'desc',
    event: p.get('event') && p.get('at') ? { id: p.get('event')!, ts: p.get('at')! } : null,
  };
}

/**
 * Live follows new events, so it goes with a range that ends now: a range
 * picked that ends elsewhere (the time picker, a histogram zoom, a link)
 * turns live off, as Grafana hides live for an absolute range. Before, live
 * prepended today's events to yesterday's hour.
 */
export function coherentLive(s: PageState): PageState {
  return s.live && s.to !== 'now' ? { ...s, live: false } : s;
}

export function stateToUrl(s: PageState): string {
  const p = new URLSearchParams();
  p.set('q', s.q);
  p.set('from', s.from);
  p.set('to', s.to);
  if (s.cols.length > 0) p.set('cols', s.cols.join(','));
  if (s.live) p.set('live', '1');
  if (s.tz === 'utc') p.set('tz', 'utc');
  if (s.sort === 'asc') p.set('sort', 'asc');
  if (s.event) {
    p.set('event', s.event.id);
    p.set('at', s.event.ts);
  }
  return `?${p.toString()}`;
}

export function sameState(a: PageState, b: PageState): boolean {
  return stateToUrl(a) === stateToUrl(b) && a.q === b.q;
}

/**
 * Longest address the page writes. The server reads request heads up to
 * 128 KiB, room for any query the parser takes (8192 characters) however it
 * percent-encodes; only a query already too long to run gets past this, and
 * in a URL the server could not read (431) it made the reload a dead page.
 */
export const MAX_URL_CHARS = 96 * 1024;

interface HistoryEntry {
  /** The query, when it is too long for the address (kept out of it). */
  longQ?: string;
}

/** The state of the current history entry: the URL, and a query kept out of it. */
export function readLocation(): PageState {
  const s = coherentLive(stateFromUrl(location.search));
  const entry = window.history.state as HistoryEntry | null;
  return typeof entry?.longQ === 'string' ? { ...s, q: entry.longQ } : s;
}

/**
 * Writes the state as a new history entry (or in place of the current one).
 * A query that would make the address longer than MAX_URL_CHARS stays in
 * the entry's state, which reload and back/forward keep, and out of the URL.
 */
export function writeLocation(s: PageState, mode: 'push' | 'replace'): void {
  const url = stateToUrl(s);
  const [entry, shown]: [HistoryEntry | null, string] = url.length > MAX_URL_CHARS ? [{ longQ: s.q }, stateToUrl({ ...s, q: '' })] : [null, url];
  if (mode === 'push') window.history.pushState(entry, '', shown);
  else window.history.replaceState(entry, '', shown);
}
