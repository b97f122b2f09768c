/**
 * The fields of the current results (GET /api/v1/fields) with, on a click,
 * their top values and counts (GET /api/v1/fields/NAME/values); a click on a
 * value filters for it, its − button filters it out.
 */
import type { FieldValue, LogEvent } from '@logship/query/browser';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { failureText, type FieldsAnswer, type SearchAnswer, type ValuesAnswer } from './api-client.js';
import { fieldsMoment } from './fields-moment.js';
import { compareFieldNames } from './field-order.js';
import { valuesWithArrivals } from './live-histogram.js';
import type { TimeZoneMode } from './page-state.js';
import { formatTime } from './time-range.js';

export interface FieldSidebarProps {
  fields: FieldsAnswer | null;
  /**
   * A new search's field list is on its way: `fields`, if any, are the
   * previous search's, dimmed under a sign (their counts read as the new
   * hits' beside them).
   */
  loading: boolean;
  error: string | null;
  /** The hits' total as shown beside the list (null while a search runs): the list says when it counted other events (fields-moment.ts). */
  hits: SearchAnswer['total'] | null;
  /** Changes with every search: open fields ask for their values again. */
  searchSeq: number;
  loadValues: (field: string) => Promise<ValuesAnswer>;
  /** Events live added since the search (after its range): an open field's values count them too. */
  arrived: readonly LogEvent[];
  onFilter: (field: string, value: FieldValue, negate: boolean) => void;
  cols: string[];
  onToggleColumn: (field: string) => void;
  /** The page's zone: `@timestamp` values are shown in it, as the list shows times. */
  tz: TimeZoneMode;
}

/**
 * A top value as shown. `@timestamp` values come as UTC ISO text, which in
 * Local time read as another hour than the list beside them; they are shown
 * as the list shows times, and the filter a click makes keeps the exact value.
 */
function shownValue(name: string, value: string | number | boolean, tz: TimeZoneMode): string {
  if (name !== '@timestamp' || typeof value !== 'string') return String(value);
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? formatTime(ms, tz) : value;
}

/** The values API answers strings; a number field's values filter as numbers. */
function typed(value: string | number | boolean, types: string[]): FieldValue {
  if (typeof value === 'string' && types.length === 1 && types[0] === 'number' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return value;
}

/** Share of the matching events, as Kibana's field popover shows it: `42%`, `<1%` for a rare value. */
function percent(count: number, of: number): string {
  if (of <= 0) return '';
  const p = (100 * count) / of;
  return p > 0 && p < 1 ? '<1%' : `${p < 10 && p % 1 !== 0 ? p.toFixed(1) : Math.round(p)}%`;
}

function FieldEntry({ name, count, sampled, types, props }: { name: string; count: number; sampled: boolean; types: string[]; props: FieldSidebarProps }) {
  const [open, setOpen] = useState(false);
  const [answer, setValues] = useState<ValuesAnswer | null>(null);
  const values = useMemo(() => valuesWithArrivals(answer, name, props.arrived), [answer, name, props.arrived]);
  const [error, setError] = useState<string | null>(null);
  // Open, the values follow the search: they were the first search's, so
  // after filtering level:info the list still showed debug, error, … with
  // their old counts.
  useEffect(() => {
    setValues(null);
    setError(null);
    if (!open) return;
    let current = true;
    props.loadValues(name).then(
      (v) => { if (current) setValues(v); },
      (e: unknown) => { if (current) setError(failureText(e)); },
    );
    return () => { current = false; };
  }, [open, props.searchSeq]);
  const of = values ? values.values.reduce((n, v) => n + v.count, 0) + values.other_count + values.missing_count : 0;
  // A sampled count is an estimate from the newest events, and read as a
  // plain number beside exact values it could be less than its own top
  // value: it says ≈, and open, the exact count its values add up to replaces it.
  const exact = sampled && values?.counts === 'exact' ? of - values.missing_count : null;
  // Top values sampled from the newest events (message, @timestamp, a field
  // past the terms limit) are scaled estimates too, and read as exact they
  // promised a filter more (or fewer) events than it finds.
  const about = values?.counts === 'sampled' ? '≈' : '';
  const aboutTitle = about ? 'An estimate from the newest events (sampled)' : undefined;
  return (
    <li class="field" data-field={name}>
      <div class="field-head">
        <button type="button" class="link" aria-expanded={open} onClick={() => setOpen(!open)}>{name}</button>
        {exact !== null
          ? <span class="count">{exact.toLocaleString()}</span>
          : sampled
            ? <span class="count" title="An estimate from the newest events (sampled); open the field for its exact count">≈{count.toLocaleString()}</span>
            : <span class="count">{count.toLocaleString()}</span>}
        <button type="button" class="small" aria-label={`Column ${name}`} aria-pressed={props.cols.includes(name)} onClick={() => props.onToggleColumn(name)}>⊞</button>
      </div>
      {open && (
        <ul class="values" aria-label={`Top values of ${name}`}>
          {error && <li class="muted">{error}</li>}
          {!values && !error && <li class="muted">Loading…</li>}
          {values?.values.map((v) => {
            const pct = percent(v.count, of);
            const shown = shownValue(name, v.value, props.tz);
            return (
              <li key={String(v.value)} style={{ '--share': `${of > 0 ? (100 * v.count) / of : 0}%` }}>
                <button type="button" class="link value" title={`Filter for ${name}: ${shown}`} onClick={() => props.onFilter(name, typed(v.value, types), false)}>
                  {v.value === '' ? <span class="muted">(empty)</span> : <span class="value-text">{shown}</span>}
                </button>
                <span class="count" title={aboutTitle}>{about}{v.count.toLocaleString()}</span>
                <span class="pct" title={`${pct} of the events found`}>{pct}</span>
                <button type="button" class="small" aria-label={`Filter out ${name}: ${shown}`} title="Filter out value" onClick={() => props.onFilter(name, typed(v.value, types), true)}>−</button>
              </li>
            );
          })}
          {values && values.other_count > 0 && <li class="muted">other: {about}{values.other_count.toLocaleString()} ({percent(values.other_count, of)})</li>}
          {values && values.missing_count > 0 && <li class="muted">no {name}: {about}{values.missing_count.toLocaleString()} ({percent(values.missing_count, of)})</li>}
        </ul>
      )}
    </li>
  );
}

export function FieldSidebar(props: FieldSidebarProps) {
  // At phone width the list folds under its heading (CSS shows the toggle
  // there only): open, it took a third of the screen from the results.
  const [folded, setFolded] = useState(true);
  // Kibana's "Search field names": journald and Kubernetes events bring
  // forty fields and more, and the one wanted was a long scroll away.
  const [match, setMatch] = useState('');
  const title = `Fields${props.fields?.counts === 'sampled' ? ' (sampled)' : ''}`;
  const needle = match.trim().toLowerCase();
  const moment = props.loading ? null : fieldsMoment(props.fields, props.hits);
  // Most common first, as the API answers; among equals the page's natural
  // name order (field-order.ts), not the API's plain text order.
  const shown = (props.fields?.fields.filter((f) => needle === '' || f.name.toLowerCase().includes(needle)) ?? [])
    .sort((a, b) => b.count - a.count || compareFieldNames(a.name, b.name));
  return (
    <aside class={`sidebar${folded ? ' folded' : ''}`} aria-label="Fields">
      <h2 class="wide-only">{title}</h2>
      <button type="button" class="link fields-toggle" aria-expanded={!folded} onClick={() => setFolded(!folded)}>
        {folded ? '▸' : '▾'} {title}{props.fields ? ` (${props.fields.fields.length})` : ''}
      </button>
      <input
        type="search"
        class="field-filter"
        aria-label="Filter field names"
        placeholder="Filter field names"
        value={match}
        onInput={(e) => setMatch((e.target as HTMLInputElement).value)}
      />
      {props.loading && <p class="muted fields-loading" role="status">Loading fields…</p>}
      {props.error && <p class="muted">{props.error}</p>}
      {moment && <p class="muted fields-moment" role="note">{moment}</p>}
      {props.fields && needle !== '' && shown.length === 0 && <p class="muted">No field name holds “{match.trim()}”.</p>}
      <ul class={props.loading ? 'field-list loading' : 'field-list'} aria-busy={props.loading}>
        {shown.map((f) => <FieldEntry key={f.name} name={f.name} count={f.count} sampled={props.fields?.counts === 'sampled'} types={f.types} props={props} />)}
      </ul>
    </aside>
  );
}
