/**
 * An expanded row: every field as a table and the raw JSON, with copy
 * buttons, and per value: filter for, filter out, show as a column.
 */
import type { FieldValue, LogEvent } from '@logship/query/browser';
import { useState } from 'preact/hooks';
import { compareFieldNames } from './field-order.js';
import type { TimeZoneMode } from './page-state.js';
import { formatTime } from './time-range.js';

export interface EventActions {
  onFilter: (field: string, value: FieldValue, negate: boolean) => void;
  onToggleColumn: (field: string) => void;
  onContext: (ev: LogEvent) => void;
  /** The address that opens the page on this one event (Grafana's "Copy shareable link"), its range pinned. */
  linkTo: (ev: LogEvent) => string;
  /** What that link holds, said in its button's title (event-link.ts). */
  linkTitle?: (ev: LogEvent) => string;
}

async function copy(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (plain http on another host): select-and-copy.
    const ta = document.createElement('textarea');
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
}

function CopyButton({ text, label, shown, title }: { text: string; label: string; shown?: string; title?: string | undefined }) {
  const [done, setDone] = useState(false);
  return (
    <button type="button" class="small" aria-label={label} title={title} onClick={() => void copy(text).then(() => setDone(true))}>
      {done ? 'Copied' : (shown ?? 'Copy')}
    </button>
  );
}

/**
 * Bidirectional controls (U+202E and its kin) written as \u escapes in the
 * JSON: raw, one in a value reversed the rest of its line, quotes and commas
 * included, so the JSON read as other than it is. Escaped it is the same JSON.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function EventDetail({ ev, cols, tz, actions }: { ev: LogEvent; cols: string[]; tz: TimeZoneMode; actions: EventActions }) {
  const names = Object.keys(ev).sort(compareFieldNames);
  const json = JSON.stringify(ev, null, 2).replace(BIDI_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return (
    // Its keys go on up: the list acts only on keys its rows get (and Escape),
    // and stopped here, `/` from the detail's buttons never reached the query bar.
    <div class="detail" onClick={(e) => e.stopPropagation()}>
      <div class="detail-bar">
        <button type="button" onClick={() => actions.onContext(ev)}>Lines around</button>
        <CopyButton text={json} label="Copy JSON" shown="Copy JSON" />
        <CopyButton text={actions.linkTo(ev)} label="Copy link to this event" shown="Copy link" title={actions.linkTitle?.(ev)} />
      </div>
      <table class="fields-table" aria-label="Fields">
        <tbody>
          {names.map((name) => {
            const value = ev[name] ?? null;
            const text = value === null ? 'null' : String(value);
            // @timestamp as the row above shows it, in the page's zone: as UTC
            // ISO it read as another hour than its own row. The exact value
            // stays in its title, its Copy, its filters and the JSON.
            const ms = name === '@timestamp' && typeof value === 'string' ? Date.parse(value) : NaN;
            const shown = Number.isFinite(ms) ? formatTime(ms, tz) : text;
            return (
              <tr key={name} data-field={name}>
                <th scope="row">{name}</th>
                {/* An empty string read as a missing value (a blank cell); Kibana says (empty). */}
                <td class="value">{text === '' ? <span class="muted">(empty)</span> : <span class="pre" dir="auto" title={shown === text ? undefined : text}>{shown}</span>}</td>
                <td class="actions">
                  <button type="button" class="small" aria-label={`Filter for ${name}`} title="Filter for value" onClick={() => actions.onFilter(name, value, false)}>+</button>
                  <button type="button" class="small" aria-label={`Filter out ${name}`} title="Filter out value" onClick={() => actions.onFilter(name, value, true)}>−</button>
                  <button type="button" class="small" aria-label={`Column ${name}`} aria-pressed={cols.includes(name)} title="Show as a column" onClick={() => actions.onToggleColumn(name)}>⊞</button>
                  <CopyButton text={text} label={`Copy ${name}`} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <pre class="json" aria-label="JSON">{json}</pre>
    </div>
  );
}
