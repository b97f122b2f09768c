/**
 * Said above answers kept from the last query that ran when the page's
 * query cannot run (use-search.ts `stale`): whose they are, so they do not
 * read as the new query's.
 */
import type { TimeZoneMode } from './page-state.js';
import { formatTime } from './time-range.js';
import type { SearchedRange } from './use-search.js';

/** A range's end to the second (to the minute when that is whole). */
function shortTime(iso: string, tz: TimeZoneMode): string {
  return formatTime(Date.parse(iso), tz).replace(/\.\d{3}$/, '').replace(/:00$/, '');
}

export function StaleNote({ of, tz }: { of: SearchedRange; tz: TimeZoneMode }) {
  return (
    <p class="stale-note" role="status" data-q={of.q}>
      Below, dimmed: the last results that ran, of <code>{of.q.trim() === '' ? '*' : of.q}</code> from {shortTime(of.from, tz)} to {shortTime(of.to, tz)}.
      They do not match the query in the bar.
    </p>
  );
}
