/**
 * "Lines around this one": N events before and after from the same host and
 * source, the anchor highlighted; the partitions its reads left out said as
 * a search's are (incomplete-notice.tsx).
 */
import type { LogEvent } from '@logship/query/browser';
import { useEffect, useRef } from 'preact/hooks';
import type { ContextAnswer } from './api-client.js';
import { ColumnHeader, TableLine, tableTemplate } from './column-table.js';
import { EventLine } from './event-row.js';
import { IncompleteNotice } from './incomplete-notice.js';
import { useDialog } from './use-dialog.js';
import type { SortOrder, TimeZoneMode } from './page-state.js';

export interface ContextViewProps {
  context: ContextAnswer | null;
  error: string | null;
  tz: TimeZoneMode;
  /** The results' columns (`cols=`): a table as the results are, under the same header. */
  cols: string[];
  /** The results' order, kept here. */
  sort: SortOrder;
  onClose: () => void;
}

export function ContextView({ context, error, tz, cols, sort, onClose }: ContextViewProps) {
  const anchorRef = useRef<HTMLLIElement>(null);
  const { box, closeButton } = useDialog(onClose);
  useEffect(() => {
    anchorRef.current?.scrollIntoView({ block: 'center' });
  }, [context]);
  // In the results' order (before and after are each oldest first).
  const oldestFirst: { ev: LogEvent; anchor: boolean }[] = context
    ? context.before.map((ev) => ({ ev, anchor: false }))
        .concat([{ ev: context.anchor, anchor: true }], context.after.map((ev) => ({ ev, anchor: false })))
    : [];
  const rows = sort === 'asc' ? oldestFirst : oldestFirst.reverse();
  const template = cols.length > 0 ? tableTemplate(rows.map((r) => r.ev), cols) : '';
  return (
    <div class="overlay" onClick={onClose}>
      <div
        class="dialog context"
        ref={box}
        role="dialog"
        aria-modal="true"
        aria-label="Context"
        onClick={(e) => e.stopPropagation()}
      >
        {/* The title and the columns' header stay at the top together as the rows scroll under them, as the results' header does. */}
        <div class="context-top">
          <div class="dialog-head">
            <h2>Lines around{context ? ` (${context.before.length} before, ${context.after.length} after, same host and source)` : ''}</h2>
            <button type="button" onClick={onClose} ref={closeButton}>Close</button>
          </div>
          {context && template && <ColumnHeader cols={cols} template={template} />}
        </div>
        {/* A damaged or denied day in its reads: without this, the lines stopped there as if the log began or ended. */}
        <IncompleteNotice warnings={context?.warnings ?? []} of="the time around this event" leftOutOf="these lines" kind="context" />
        {error && <p role="alert" class="error-text">{error}</p>}
        {!context && !error && <p class="muted">Loading…</p>}
        <ol class="context-rows">
          {rows.map(({ ev, anchor }) => (
            <li
              key={ev['event.id']}
              ref={anchor ? anchorRef : undefined}
              class={anchor ? 'row anchor' : 'row'}
              data-event-id={ev['event.id']}
              aria-current={anchor ? 'true' : undefined}
            >
              {template ? <TableLine ev={ev} cols={cols} tz={tz} template={template} /> : <EventLine ev={ev} tz={tz} />}
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
