/**
 * The results as a table once fields are chosen as columns (`cols=`), as
 * Kibana Discover's document table: a header (time, the columns, message)
 * and each row's values in cells under it. The columns were `status=200
 * path=/api/cart` text before each message, nothing aligned, and no way to
 * take a column away or move it but the sidebar.
 *
 *   cols ─► tableColumns(events, cols) ─► one grid template (ch widths)
 *        ─► ColumnHeader (remove, move left/right ─► onColumns(next cols))
 *        └► TableLine per row, laid out on the same template
 *
 * The one-event dialog (event-dialog.tsx) and "Lines around"
 * (context-view.tsx) show the same header, without its buttons, over the
 * same TableLine rows.
 *
 * Every row is its own grid on the same fixed template (no widths from a
 * row's own content), so cells line up without one table element around
 * the virtualized rows.
 */
import type { LogEvent } from '@logship/query/browser';
import { MessageText } from './event-row.js';
import type { TimeZoneMode } from './page-state.js';
import { formatTime } from './time-range.js';

/** A cell's widest, in characters: past it a value is cut (whole on hover and in the opened row). */
const MAX_CH = 40;
/** The narrowest a column gets when many share the width: its name's start and the ellipsis. */
const MIN_CH = 6;
/** Rows a column's width is fitted to: the first page, so widths do not jump as pages load. */
const FIT_ROWS = 200;

/** A cell as shown: a value cut only by CSS. */
export function cellText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** The message column last unless it is chosen itself (then where it was put). */
export function withMessage(cols: readonly string[]): boolean {
  return !cols.includes('message');
}

/**
 * The grid template shared by the header and every row: time, each column
 * as wide as its longest value in the first rows (or its name), at most
 * MAX_CH, and the message the rest, 200 px at least. Columns shrink
 * towards MIN_CH before the message goes under 200 px.
 */
export function tableTemplate(events: readonly LogEvent[], cols: readonly string[]): string {
  const fitted = cols.map((c) => {
    // The name, and room for the header's buttons shown on hover.
    let ch = c.length + 1;
    for (const ev of events.slice(0, FIT_ROWS)) {
      const v = ev[c];
      const len = v === undefined || v === null ? 1 : v === '' ? 7 : cellText(v).length;
      if (len > ch) ch = len;
    }
    const w = Math.min(MAX_CH, ch) + 1;
    return `minmax(${Math.min(w, MIN_CH)}ch, ${w}ch)`;
  });
  return ['23ch', ...fitted, ...(withMessage(cols) ? ['minmax(200px, 1fr)'] : [])].join(' ');
}

export interface ColumnHeaderProps {
  cols: string[];
  template: string;
  /** Absent where the columns are only shown (the one-event dialog, lines around): no buttons. */
  onColumns?: (cols: string[]) => void;
  headRef?: { current: HTMLDivElement | null };
}

/** The header: each column's name, and on hover or focus its move and remove buttons. */
export function ColumnHeader({ cols, template, onColumns, headRef }: ColumnHeaderProps) {
  const move = (i: number, by: -1 | 1) => {
    const next = [...cols];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    onColumns?.(next);
  };
  return (
    <div class="table-head" ref={headRef} role="group" aria-label="Columns">
      <div class="table-line" style={{ gridTemplateColumns: template }}>
        <span class="th"><span class="th-name">Time</span></span>
        {cols.map((c, i) => (
          <span class="th" key={c} data-col={c}>
            <span class="th-name" title={c}>{c}</span>
            {onColumns && <span class="th-tools">
              <button type="button" class="small" aria-label={`Move ${c} left`} title="Move left" disabled={i === 0} onClick={() => move(i, -1)}>‹</button>
              <button type="button" class="small" aria-label={`Move ${c} right`} title="Move right" disabled={i === cols.length - 1} onClick={() => move(i, 1)}>›</button>
              <button type="button" class="small" aria-label={`Remove column ${c}`} title="Remove column" onClick={() => onColumns(cols.filter((x) => x !== c))}>×</button>
            </span>}
          </span>
        ))}
        {withMessage(cols) && <span class="th"><span class="th-name">message</span></span>}
      </div>
    </div>
  );
}

/**
 * A row's cells. An event without the field reads – (Kibana's "-"), an
 * empty value (empty); a value cut by its width is whole on hover.
 */
export function TableLine({ ev, cols, tz, template }: { ev: LogEvent; cols: string[]; tz: TimeZoneMode; template: string }) {
  return (
    <div class="line table-line" style={{ gridTemplateColumns: template }}>
      <time class="ts" dateTime={ev['@timestamp']}>{formatTime(Date.parse(ev['@timestamp']), tz)}</time>
      {cols.map((c) => {
        const value = ev[c];
        if (value === undefined || value === null) {
          return <span class="col" key={c} data-col={c} title={`No ${c}`}><span class="muted">–</span></span>;
        }
        const text = cellText(value);
        if (text === '') return <span class="col" key={c} data-col={c}><span class="muted">(empty)</span></span>;
        return <span class="col" key={c} data-col={c} dir="auto" title={text}>{text}</span>;
      })}
      {withMessage(cols) && <MessageText message={ev.message} rows={3} />}
    </div>
  );
}
