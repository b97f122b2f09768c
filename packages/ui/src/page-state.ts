/**
 * The page's whole state lives in the URL (`?q=&from=&to=&cols=&live=&tz=`),
 * so a reload or a shared link restores it and back/forward walk through
 * past searches.
 */
export type TimeZoneMode = 'local' | 'utc';

export interface PageState {
  q: string;
  /** ISO date or date math, as the API takes it. */
  from: string;
  to: string;
  /** Extra fields shown as columns in the results. */
  cols: string[];
  live: boolean;
  tz: TimeZoneMode;
}

export const DEFAULT_STATE: PageState = { q: '', from: 'now-15m', to: 'now', cols: [], live: false, tz: 'local' };

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
  };
}

export function stateToUrl(s: PageState): string {
  const p = new URLSearchParams();
  p.set('q', s.q);
  p.set('from', s.from);
  p.set('to', s.to);
  if (s.cols.length > 0) p.set('cols', s.cols.join(','));
  if (s.live) p.set('live', '1');
  if (s.tz === 'utc') p.set('tz', 'utc');
  return `?${p.toString()}`;
}

export function sameState(a: PageState, b: PageState): boolean {
  return stateToUrl(a) === stateToUrl(b);
}
