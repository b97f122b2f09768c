/**
 * One event on its own, from a link (`?event=ID&at=TIMESTAMP`): Kibana's
 * "View single document", Grafana's shareable log line. The event is asked
 * by id (GET /api/v1/context with nothing around it), so it shows whatever
 * the link's search and range, and however many events share its second.
 */
import type { LogEvent } from '@logship/query/browser';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, failureText, getJson, type ContextAnswer } from './api-client.js';
import { ColumnHeader, TableLine, tableTemplate } from './column-table.js';
import { EventDetail, type EventActions } from './event-detail.js';
import { EventLine } from './event-row.js';
import type { TimeZoneMode } from './page-state.js';
import { useDialog } from './use-dialog.js';

export interface EventDialogProps {
  id: string;
  ts: string;
  tz: TimeZoneMode;
  cols: string[];
  actions: EventActions;
  onClose: () => void;
}

export function EventDialog({ id, ts, tz, cols, actions, onClose }: EventDialogProps) {
  const [ev, setEv] = useState<LogEvent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { box, closeButton } = useDialog(onClose);
  useEffect(() => {
    setEv(null);
    setError(null);
    getJson<ContextAnswer>('/api/v1/context', { id, ts, before: 0, after: 0 }).then(
      (a) => setEv(a.anchor),
      (err: Error) => setError(err instanceof ApiFailure && err.code === 'LS_CONTEXT_NOT_FOUND'
        ? `No event ${id} at ${ts}: it may have expired or the link may be cut.`
        : failureText(err)),
    );
  }, [id, ts]);
  return (
    <div class="overlay" onClick={onClose}>
      <div class="dialog event" ref={box} role="dialog" aria-modal="true" aria-label="Event" onClick={(e) => e.stopPropagation()}>
        <div class="dialog-head">
          <h2>Event <code>{id}</code></h2>
          <button type="button" onClick={onClose} ref={closeButton}>Close</button>
        </div>
        {error && <p role="alert" class="error-text">{error}</p>}
        {!ev && !error && <p class="muted">Loading…</p>}
        {/* With columns chosen, the event as a row of the results' table, under its header. */}
        {ev && cols.length > 0 && <ColumnHeader cols={cols} template={tableTemplate([ev], cols)} />}
        {ev && (
          <div class="row open single" data-event-id={ev['event.id']}>
            {cols.length > 0
              ? <TableLine ev={ev} cols={cols} tz={tz} template={tableTemplate([ev], cols)} />
              : <EventLine ev={ev} tz={tz} />}
            <EventDetail ev={ev} cols={cols} tz={tz} actions={actions} />
          </div>
        )}
      </div>
    </div>
  );
}
