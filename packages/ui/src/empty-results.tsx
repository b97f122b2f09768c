/** What the results area says when a search found nothing, and why when it can tell. */
import type { MissingField } from './missing-fields.js';

export function EmptyResults({ missing }: { missing: MissingField[] }) {
  return (
    <div class="empty" role="status">
      <p>No events match this query in this time range.</p>
      {missing.map((m) => (
        <p key={m.field} class="missing-field" data-field={m.field}>
          No event in this range has the field <code>{m.field}</code>
          {m.nearest !== null && <>; did you mean <code>{m.nearest}</code>?</>}
        </p>
      ))}
      {missing.length === 0 && <p class="muted">Try a wider time range, or fewer clauses.</p>}
    </div>
  );
}
