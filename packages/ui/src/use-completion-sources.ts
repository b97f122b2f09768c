/**
 * What the query bar's completion and the field sidebar ask: field names and
 * a field's top values, for the search shown. While the query in the bar
 * cannot run (its error cleared the fields and results, and its values
 * answer 400), they come from the last query that ran, or the range alone
 * when none has yet.
 */
import { useCallback, useRef } from 'preact/hooks';
import { getJson, type FieldsAnswer, type ValuesAnswer } from './api-client.js';
import type { PageState } from './page-state.js';
import { resolveRange } from './time-range.js';
import type { Search, SearchedRange } from './use-search.js';

export interface CompletionSources {
  /** A field's top 10 values for the search shown (asked once a search). */
  loadValues: (field: string) => Promise<ValuesAnswer>;
  fieldNames: () => Promise<string[]>;
  fieldValues: (field: string) => Promise<string[]>;
  /** A new search: what was asked for the previous one is asked again. */
  reset: () => void;
}

export function useCompletionSources(state: PageState, search: Search): CompletionSources {
  const valuesCache = useRef(new Map<string, Promise<ValuesAnswer>>());
  const fallbackValues = useRef(new Map<string, Promise<ValuesAnswer>>());
  const fallbackBase = useRef<SearchedRange | null>(null);
  const { fields, results, problem, failure, absRange, lastGood, lastFieldNames } = search;

  const loadValues = useCallback((field: string): Promise<ValuesAnswer> => {
    let p = valuesCache.current.get(field);
    if (!p) {
      p = getJson<ValuesAnswer>(`/api/v1/fields/${encodeURIComponent(field)}/values`, { q: state.q, ...absRange.current, size: 10 });
      valuesCache.current.set(field, p);
      p.catch(() => valuesCache.current.delete(field));
    }
    return p;
  }, [state.q]);

  const runsNow = problem === null && failure === null;
  // Fixed once per search, so the values are asked once, not on every keystroke.
  const fallback = useCallback((): SearchedRange => {
    if (fallbackBase.current) return fallbackBase.current;
    let base = lastGood.current;
    if (!base) {
      try {
        const r = resolveRange(state.from, state.to, state.tz);
        if (r.from <= r.to) base = { q: '', from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString() };
      } catch {
        // A range that does not resolve: the last 15 minutes, the page's default.
      }
    }
    return (fallbackBase.current = base ?? { q: '', from: new Date(Date.now() - 15 * 60_000).toISOString(), to: new Date().toISOString() });
  }, [state.from, state.to, state.tz]);

  const fieldNames = useCallback(async (): Promise<string[]> => {
    if (fields) return fields.fields.map((f) => f.name);
    if (!runsNow) {
      if (lastFieldNames.current) return lastFieldNames.current;
      const a = await getJson<FieldsAnswer>('/api/v1/fields', fallback());
      return (lastFieldNames.current = a.fields.map((f) => f.name));
    }
    const names = new Set<string>();
    for (const ev of results.events.slice(0, 200)) for (const k of Object.keys(ev)) names.add(k);
    return [...names].sort();
  }, [fields, results.events, runsNow, fallback]);

  const fieldValues = useCallback(async (field: string): Promise<string[]> => {
    let a: ValuesAnswer;
    if (runsNow) a = await loadValues(field);
    else {
      const base = fallback();
      const key = `${base.q}\u0000${base.from}\u0000${base.to}\u0000${field}`;
      let p = fallbackValues.current.get(key);
      if (!p) {
        p = getJson<ValuesAnswer>(`/api/v1/fields/${encodeURIComponent(field)}/values`, { ...base, size: 10 });
        fallbackValues.current.set(key, p);
        p.catch(() => fallbackValues.current.delete(key));
      }
      a = await p;
    }
    return a.values.map((v) => String(v.value));
  }, [loadValues, runsNow, fallback]);

  const reset = () => {
    valuesCache.current.clear();
    fallbackBase.current = null;
    fallbackValues.current.clear();
  };

  return { loadValues, fieldNames, fieldValues, reset };
}
