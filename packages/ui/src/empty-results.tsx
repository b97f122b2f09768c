/** What the results area says when a search found nothing, and why when it can tell. */
import { parse, queryHints } from '@logship/query/browser';
import type { MissingField } from './missing-fields.js';
import { maskSavedRefs } from './query-text.js';

/**
 * Habits of other query languages this one reads differently (`and` in
 * lower case as KQL takes it, `level=error` as Loki writes it, a level that
 * is none), as `logship search` says them: without them the page said only
 * "try a wider time range".
 */
function hintsFor(q: string): string[] {
  try {
    return queryHints(parse(maskSavedRefs(q)));
  } catch {
    return [];
  }
}

export function EmptyResults({ q, missing }: { q: string; missing: MissingField[] }) {
  const hints = hintsFor(q);
  return (
    <div class="empty" role="status">
      <p>No events match this query in this time range.</p>
      {hints.map((h) => <p key={h} class="hint">{h}.</p>)}
      {missing.map((m) => (
        <p key={m.field} class="missing-field" data-field={m.field}>
          No event in this range has the field <code>{m.field}</code>
          {m.nearest !== null && <>; did you mean <code>{m.nearest}</code>?</>}
        </p>
      ))}
      {missing.length === 0 && hints.length === 0 && <p class="muted">Try a wider time range, or fewer clauses.</p>}
    </div>
  );
}
