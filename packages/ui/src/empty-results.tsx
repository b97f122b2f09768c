/** What the results area says when a search found nothing, and why when it can tell. */
import { parse, queryHints, type ValueElsewhere } from '@logship/query/browser';
import type { MissingField } from './missing-fields.js';
import type { TimeZoneMode } from './page-state.js';
import { maskSavedRefs } from './query-text.js';
import { formatTime } from './time-range.js';

/**
 * Habits of other query languages this one reads differently (`and` in
 * lower case as KQL takes it, `level=error` as Loki writes it, a level that
 * is none), as `logship search` says them: without them the page said only
 * "try a wider time range". Which fields are text (a regex on one spans
 * no words) is the server's `text_fields`, as the CLI says it.
 */
function hintsFor(q: string, textFields: readonly string[] | undefined): string[] {
  try {
    return queryHints(parse(maskSavedRefs(q)), textFields);
  } catch {
    return [];
  }
}

export interface EmptyResultsProps {
  q: string;
  missing: MissingField[];
  /** `method:get` where events hold `GET` (case-hints.ts). */
  cases: string[];
  /** `203.0.113.250` searched as text where events hold it in remote_addr (value-elsewhere.ts): the query that finds it runs in one click. */
  elsewhere: ValueElsewhere[];
  /** For a range with no event at all: the newest event's @timestamp, null when there is none at all, undefined while unknown or when the range has events. */
  newest?: string | null | undefined;
  tz: TimeZoneMode;
  /** The server's text fields (the fields answer's `text_fields`); the default list when it does not say. */
  textFields: readonly string[] | undefined;
  onShowNewest: (atMs: number) => void;
  onQuery: (q: string) => void;
}

export function EmptyResults({ q, missing, cases, elsewhere, newest, tz, textFields, onShowNewest, onQuery }: EmptyResultsProps) {
  const hints = hintsFor(q, textFields);
  const noQuery = q.trim() === '' || q.trim() === '*';
  const newestMs = typeof newest === 'string' ? Date.parse(newest) : NaN;
  // With no query, "no events match" and "fewer clauses" said nothing of an
  // idle server (Last 15 minutes on a quiet night) or of one never sent a line;
  // with one, a range that holds no event at all is said the same way, not
  // as the query's fields being in no event.
  if (noQuery || newest !== undefined) {
    return (
      <div class="empty" role="status">
        <p>{noQuery ? 'No events in this time range.' : 'No events at all in this time range, whatever the query.'}</p>
        {newest === null && <p class="muted">This server has no events yet: point logship-agent or another shipper at it (README, Quick start).</p>}
        {Number.isFinite(newestMs) && (
          <p>
            The newest event is from {formatTime(newestMs, tz).replace(/\.\d{3}$/, '')}.{' '}
            <button type="button" class="link" onClick={() => onShowNewest(newestMs)}>Search up to it</button>
          </p>
        )}
      </div>
    );
  }
  return (
    <div class="empty" role="status">
      <p>No events match this query in this time range.</p>
      {hints.map((h) => <p key={h} class="hint">{h}.</p>)}
      {missing.map((m) => (
        <p key={m.field} class="missing-field" data-field={m.field}>
          No event in this range has the field <code>{m.field}</code>
          {m.nearest !== null && <>; did you mean <code>{m.nearest}</code>?</>}
          {m.quoted !== null && <>; <code>{m.quoted}</code> (in quotes) searches the text</>}
        </p>
      ))}
      {cases.map((c) => <p key={c} class="case-hint">{c[0]!.toUpperCase()}{c.slice(1)}.</p>)}
      {elsewhere.map((e) => (
        <p key={e.values.join(" ")} class="elsewhere-hint" data-value={e.values.join(" ")}>
          {e.said}: <code>{e.query}</code>{' '}
          <button type="button" class="link" onClick={() => onQuery(e.query)}>Search it</button>
        </p>
      ))}
      {missing.length === 0 && hints.length === 0 && cases.length === 0 && elsewhere.length === 0 && <p class="muted">Try a wider time range, or fewer clauses.</p>}
    </div>
  );
}
