/** "Lines around this one": N events before and after from the same host and source, the anchor highlighted. */
import type { LogEvent } from '@logship/query/browser';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { ContextAnswer } from './api-client.js';
import { EventLine } from './event-row.js';
import { keepTabInside } from './focus-trap.js';
import type { SortOrder, TimeZoneMode } from './page-state.js';

export interface ContextViewProps {
  context: ContextAnswer | null;
  error: string | null;
  tz: TimeZoneMode;
  /** The results' order, kept here. */
  sort: SortOrder;
  onClose: () => void;
}

export function ContextView({ context, error, tz, sort, onClose }: ContextViewProps) {
  const anchorRef = useRef<HTMLLIElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  // The dialog takes focus when it opens (the autofocus attribute is not
  // applied to an element added after the user has moved focus, so focus
  // stayed on "Lines around" behind the overlay and Escape did nothing), and
  // gives it back to where it was when it closes.
  useLayoutEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        close.current();
      }
      keepTabInside(e, box.current);
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  useEffect(() => {
    anchorRef.current?.scrollIntoView({ block: 'center' });
  }, [context]);
  // In the results' order (before and after are each oldest first).
  const oldestFirst: { ev: LogEvent; anchor: boolean }[] = context
    ? context.before.map((ev) => ({ ev, anchor: false }))
        .concat([{ ev: context.anchor, anchor: true }], context.after.map((ev) => ({ ev, anchor: false })))
    : [];
  const rows = sort === 'asc' ? oldestFirst : oldestFirst.reverse();
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
        <div class="dialog-head">
          <h2>Lines around{context ? ` (${context.before.length} before, ${context.after.length} after, same host and source)` : ''}</h2>
          <button type="button" onClick={onClose} ref={closeButton}>Close</button>
        </div>
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
              <EventLine ev={ev} cols={[]} tz={tz} />
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
