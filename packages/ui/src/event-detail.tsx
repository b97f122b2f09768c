/**
 * An expanded row: every field as a table and the raw JSON, with copy
 * buttons, and per value: filter for, filter out, show as a column.
 */
import type { FieldValue, LogEvent } from '@logship/query/browser';
import { useState } from 'preact/hooks';

export interface EventActions {
  onFilter: (field: string, value: FieldValue, negate: boolean) => void;
  onToggleColumn: (field: string) => void;
  onContext: (ev: LogEvent) => void;
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

function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button type="button" class="small" aria-label={label} onClick={() => void copy(text).then(() => setDone(true))}>
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

export function EventDetail({ ev, cols, actions }: { ev: LogEvent; cols: string[]; actions: EventActions }) {
  const names = Object.keys(ev).sort((a, b) => (a === '@timestamp' ? -1 : b === '@timestamp' ? 1 : a.localeCompare(b)));
  const json = JSON.stringify(ev, null, 2);
  return (
    <div class="detail" onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
      <div class="detail-bar">
        <button type="button" onClick={() => actions.onContext(ev)}>Lines around</button>
        <CopyButton text={json} label="Copy JSON" />
      </div>
      <table class="fields-table" aria-label="Fields">
        <tbody>
          {names.map((name) => {
            const value = ev[name] ?? null;
            const text = value === null ? 'null' : String(value);
            return (
              <tr key={name} data-field={name}>
                <th scope="row">{name}</th>
                <td class="value"><span class="pre">{text}</span></td>
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
