/**
 * The fields of the current results (GET /api/v1/fields) with, on a click,
 * their top values and counts (GET /api/v1/fields/NAME/values); a click on a
 * value filters for it, its − button filters it out.
 */
import type { FieldValue } from '@logship/query/browser';
import { useState } from 'preact/hooks';
import type { FieldsAnswer, ValuesAnswer } from './api-client.js';

export interface FieldSidebarProps {
  fields: FieldsAnswer | null;
  error: string | null;
  loadValues: (field: string) => Promise<ValuesAnswer>;
  onFilter: (field: string, value: FieldValue, negate: boolean) => void;
  cols: string[];
  onToggleColumn: (field: string) => void;
}

/** The values API answers strings; a number field's values filter as numbers. */
function typed(value: string | number | boolean, types: string[]): FieldValue {
  if (typeof value === 'string' && types.length === 1 && types[0] === 'number' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return value;
}

function FieldEntry({ name, count, types, props }: { name: string; count: number; types: string[]; props: FieldSidebarProps }) {
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<ValuesAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const toggle = () => {
    const next = !open;
    setOpen(next);
    if (next && !values) {
      props.loadValues(name).then(setValues, (e: Error) => setError(e.message));
    }
  };
  return (
    <li class="field" data-field={name}>
      <div class="field-head">
        <button type="button" class="link" aria-expanded={open} onClick={toggle}>{name}</button>
        <span class="count">{count.toLocaleString()}</span>
        <button type="button" class="small" aria-label={`Column ${name}`} aria-pressed={props.cols.includes(name)} onClick={() => props.onToggleColumn(name)}>⊞</button>
      </div>
      {open && (
        <ul class="values" aria-label={`Top values of ${name}`}>
          {error && <li class="muted">{error}</li>}
          {!values && !error && <li class="muted">Loading…</li>}
          {values?.values.map((v) => (
            <li key={String(v.value)}>
              <button type="button" class="link value" title={`Filter for ${name}: ${String(v.value)}`} onClick={() => props.onFilter(name, typed(v.value, types), false)}>
                {String(v.value)}
              </button>
              <span class="count">{v.count.toLocaleString()}</span>
              <button type="button" class="small" aria-label={`Filter out ${name}: ${String(v.value)}`} title="Filter out value" onClick={() => props.onFilter(name, typed(v.value, types), true)}>−</button>
            </li>
          ))}
          {values && values.other_count > 0 && <li class="muted">other: {values.other_count.toLocaleString()}</li>}
        </ul>
      )}
    </li>
  );
}

export function FieldSidebar(props: FieldSidebarProps) {
  // At phone width the list folds under its heading (CSS shows the toggle
  // there only): open, it took a third of the screen from the results.
  const [folded, setFolded] = useState(true);
  const title = `Fields${props.fields?.counts === 'sampled' ? ' (sampled)' : ''}`;
  return (
    <aside class={`sidebar${folded ? ' folded' : ''}`} aria-label="Fields">
      <h2 class="wide-only">{title}</h2>
      <button type="button" class="link fields-toggle" aria-expanded={!folded} onClick={() => setFolded(!folded)}>
        {folded ? '▸' : '▾'} {title}{props.fields ? ` (${props.fields.fields.length})` : ''}
      </button>
      {props.error && <p class="muted">{props.error}</p>}
      <ul>
        {props.fields?.fields.map((f) => <FieldEntry key={f.name} name={f.name} count={f.count} types={f.types} props={props} />)}
      </ul>
    </aside>
  );
}
