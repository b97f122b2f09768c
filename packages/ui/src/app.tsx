/**
 * The search page. One state object (page-state.ts) mirrors the URL; every
 * change that asks the server again goes through `navigate`, which pushes a
 * history entry and runs the search, histogram and field list together.
 *
 *   URL ─► state ─► search (first page) ┐
 *                 ├► histogram ×3        ├─► render; scroll ─► next_cursor pages
 *                 └► fields              ┘
 *   Live on ─► /api/v1/tail (SSE) ─► prepend, or "N new" while the user reads
 */
import { parse, QueryError, QuerySyntaxError, type FieldValue, type LogEvent } from '@logship/query/browser';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  ApiFailure, getJson, readToken, saveToken,
  type ContextAnswer, type FieldsAnswer, type HistogramAnswer, type SavedQueriesAnswer, type SearchAnswer, type ValuesAnswer,
} from './api-client.js';
import { AlertsButton, AlertsPanel } from './alerts-panel.js';
import { ContextView } from './context-view.js';
import { EmptyResults } from './empty-results.js';
import { FieldSidebar } from './field-sidebar.js';
import { Histogram, type HistogramData } from './histogram.js';
import { coherentLive, readLocation, sameState, stateToUrl, writeLocation, type PageState } from './page-state.js';
import { EventDialog } from './event-dialog.js';
import { ExportMenu } from './export-menu.js';
import { QueryBar } from './query-bar.js';
import { addClause, clauseFor, errorExcerpt, maskSavedRefs, readHistory, rememberQuery } from './query-text.js';
import { ResultsList } from './results-list.js';
import { startTail } from './tail-stream.js';
import { missingFields, type MissingField } from './missing-fields.js';
import { fieldsWithArrivals, withArrivals } from './live-histogram.js';
import { histogramInterval, relativeFrom, resolveRange } from './time-range.js';
import { TimePicker } from './time-picker.js';
import { TokenPrompt } from './token-prompt.js';

const PAGE_SIZE = 100;
const ERROR_LEVELS = 'level:(error OR critical OR alert OR emergency)';

interface QueryProblem {
  message: string;
  offset: number | null;
  q: string;
}

interface Results {
  events: LogEvent[];
  total: SearchAnswer['total'] | null;
  tookMs: number | null;
  next: string | null;
  loading: boolean;
  loadingMore: boolean;
  /** Why the next page failed: paging stops there until the user retries. */
  moreError: string | null;
  /**
   * Oldest first, live: events that arrived while pages remain. They come
   * after the last page (which ends where the search's range ended), so they
   * are added when it is loaded.
   */
  tail: LogEvent[];
}

const EMPTY_RESULTS: Results = { events: [], total: null, tookMs: null, next: null, loading: false, loadingMore: false, moreError: null, tail: [] };

/** `events` then those of `more` not among them. */
function appendNew(events: LogEvent[], more: LogEvent[]): LogEvent[] {
  const seen = new Set(events.map((e) => e['event.id']));
  return events.concat(more.filter((e) => !seen.has(e['event.id'])));
}

/**
 * The search counts hits up to 10,000 (`gte` past that); the histogram of
 * the same query and range counts them all. Past the search's limit the
 * histogram's sum is the total, as Kibana's Discover shows it, rather than
 * "≥ 10,000" for any busy quarter hour.
 */
function exactTotal(total: SearchAnswer['total'], histogramSum: number | null): SearchAnswer['total'] {
  return total.relation === 'gte' && histogramSum !== null && histogramSum >= total.value ? { value: histogramSum, relation: 'eq' } : total;
}

function withClause(q: string, clause: string): string {
  return q.trim() === '' || q.trim() === '*' ? clause : `(${q}) AND ${clause}`;
}

/** Fills every bucket of the range (older servers leave empty ones out). */
function bucketize(from: number, to: number, intervalMs: number, answers: HistogramAnswer[]): HistogramData {
  const start = Math.floor(from / intervalMs) * intervalMs;
  const keys: number[] = [];
  for (let k = start; k <= to; k += intervalMs) keys.push(k);
  const series = answers.map((a) => {
    const byKey = new Map(a.buckets.map((b) => [b.key, b.count]));
    return keys.map((k) => byKey.get(k) ?? 0);
  });
  return { keys, total: series[0]!, errors: series[1]!, warnings: series[2]!, intervalMs };
}

export function App() {
  const [state, setState] = useState<PageState>(readLocation);
  // What the query bar holds now (not state: keystrokes need no re-render);
  // queryKey changes when the page sets the bar's text itself.
  const draft = useRef(state.q);
  const [queryKey, setQueryKey] = useState(0);
  const [problem, setProblem] = useState<QueryProblem | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [results, setResults] = useState<Results>(EMPTY_RESULTS);
  /** The search's histogram, as the server answered it (live arrivals are folded in to show it). */
  const [histogram, setHistogram] = useState<HistogramData | null>(null);
  /**
   * Oldest first: the events live added since the search (each once). They
   * are after the search's range, so they add to its total and its bars.
   */
  const [arrived, setArrived] = useState<LogEvent[]>([]);
  /** `arrived` as the histogram shows it: at most four redraws a second. */
  const [histArrived, setHistArrived] = useState<LogEvent[]>([]);
  const [fields, setFields] = useState<FieldsAnswer | null>(null);
  const [fieldsError, setFieldsError] = useState<string | null>(null);
  const [saved, setSaved] = useState<SavedQueriesAnswer['queries']>([]);
  const [history, setHistory] = useState<string[]>(readHistory);
  const [context, setContext] = useState<{ answer: ContextAnswer | null; error: string | null } | null>(null);
  const [auth, setAuth] = useState<string | null>(null);
  const [authVersion, setAuthVersion] = useState(0);
  const [alertsOpen, setAlertsOpen] = useState(false);
  const [pending, setPending] = useState<LogEvent[]>([]);
  const [rate, setRate] = useState(0);
  const [liveOpen, setLiveOpen] = useState(false);
  const [searchSeq, setSearchSeq] = useState(0);
  /** For a search that found nothing: the fields it names that no event has (null until known). */
  const [missing, setMissing] = useState<MissingField[] | null>(null);
  /** For an empty range searched with no query: the newest event's time, null when the store has none. */
  const [newest, setNewest] = useState<string | null | undefined>(undefined);

  const run = useRef<AbortController | null>(null);
  const latest = useRef(state);
  latest.current = state;
  const failureShown = useRef(false);
  failureShown.current = failure !== null;
  const absRange = useRef<{ from: string; to: string }>({ from: '', to: '' });
  const valuesCache = useRef(new Map<string, Promise<ValuesAnswer>>());
  const listRef = useRef<HTMLDivElement | null>(null);
  const scrollTop = useRef(0);
  const arrivals = useRef<number[]>([]);
  const arrivedRef = useRef<LogEvent[]>([]);
  const arrivedIds = useRef(new Set<string>());
  const histDrawn = useRef(0);
  /** The last query that ran (its answer came), with its range: completion's values while the bar's query cannot run. */
  const lastGood = useRef<{ q: string; from: string; to: string } | null>(null);
  const lastFieldNames = useRef<string[] | null>(null);
  const fallbackValues = useRef(new Map<string, Promise<ValuesAnswer>>());
  const fallbackBase = useRef<{ q: string; from: string; to: string } | null>(null);

  const handleFailure = useCallback((err: unknown, q?: string): void => {
    if (err instanceof DOMException && err.name === 'AbortError') return;
    if (err instanceof ApiFailure) {
      if (err.status === 401) {
        setAuth(readToken() ? `The token was not accepted (401 ${err.code}).` : `The server answered 401 (${err.code}): enter a token with the read scope.`);
        return;
      }
      if (err.status === 403) {
        setAuth(`This token may not read logs (403 ${err.code}): ${err.message}`);
        return;
      }
      if (err.status === 400 && q !== undefined && (err.offset !== undefined || err.code.startsWith('LS_QUERY'))) {
        setProblem({ message: err.message, offset: err.offset ?? null, q });
        return;
      }
      setFailure(`${err.code}: ${err.message}`);
      return;
    }
    // fetch's own rejection (a TypeError: "Failed to fetch") is the network:
    // the server is down or unreachable, which its text does not say.
    setFailure(err instanceof TypeError ? `Cannot reach the server (${err.message}). Search again once it is back; live mode retries by itself.` : err instanceof Error ? err.message : String(err));
  }, []);

  const execute = useCallback((s: PageState) => {
    run.current?.abort();
    const ctrl = new AbortController();
    run.current = ctrl;
    const signal = ctrl.signal;
    setProblem(null);
    setFailure(null);
    setPending([]);
    arrivedRef.current = [];
    arrivedIds.current = new Set();
    setArrived([]);
    // The new list starts at its top (it is a new one): live puts events there.
    scrollTop.current = 0;
    setMissing(null);
    setNewest(undefined);
    valuesCache.current.clear();
    fallbackBase.current = null;
    fallbackValues.current.clear();
    // A search that stops before asking the server shows no answers at all:
    // the previous query's histogram and fields beside an error read as its.
    const clearAnswers = () => {
      setResults(EMPTY_RESULTS);
      setHistogram(null);
      setFields(null);
      setFieldsError(null);
    };
    // Early errors: the parser runs here before the server is asked.
    try {
      parse(maskSavedRefs(s.q));
    } catch (err) {
      if (err instanceof QuerySyntaxError) {
        setProblem({ message: err.message, offset: err.offset, q: s.q });
        clearAnswers();
        return;
      }
      if (err instanceof QueryError) {
        setProblem({ message: err.message, offset: null, q: s.q });
        clearAnswers();
        return;
      }
      throw err;
    }
    let range: { from: number; to: number };
    try {
      range = resolveRange(s.from, s.to, s.tz);
      // Said here, once, as the time picker says it: the server was asked
      // five times (search, three histograms, fields) to refuse it.
      if (range.from > range.to) throw new Error(`"from" (${s.from}) is after "to" (${s.to})`);
    } catch (err) {
      setFailure(`Time range: ${(err as Error).message}`);
      clearAnswers();
      return;
    }
    const from = new Date(range.from).toISOString();
    const to = new Date(range.to).toISOString();
    absRange.current = { from, to };
    setSearchSeq((n) => n + 1);
    setResults({ ...EMPTY_RESULTS, loading: true });
    setHistory(rememberQuery(s.q));

    // Whichever of the search and the histogram answers second makes the total exact.
    let histogramSum: number | null = null;
    getJson<SearchAnswer>('/api/v1/search', { q: s.q, from, to, limit: PAGE_SIZE, sort: s.sort }, signal).then(
      (a) => {
        if (signal.aborted) return;
        lastGood.current = { q: s.q, from, to };
        const total = exactTotal(a.total, histogramSum);
        // Live events that came before this answer: after its range, so
        // first (newest first) or, oldest first, after its last page.
        const live = arrivedRef.current;
        let events = a.hits;
        let tail: LogEvent[] = [];
        if (live.length > 0) {
          if (s.sort === 'desc') events = appendNew(live.slice().reverse(), a.hits);
          else if (a.next_cursor === null) events = appendNew(a.hits, live);
          else tail = live.slice();
        }
        setResults({ events, total, tookMs: a.took_ms, next: a.next_cursor, loading: false, loadingMore: false, moreError: null, tail });
        if (total.value === 0) {
          missingFields(s.q, { from, to }, signal).then(
            (m) => { if (!signal.aborted) setMissing(m); },
            () => { if (!signal.aborted) setMissing([]); },
          );
          // Nothing at all in the range: when was the newest event, if any?
          // (Only for no query: all time is cheap to search newest first then.)
          if (s.q.trim() === '' || s.q.trim() === '*') {
            getJson<SearchAnswer>('/api/v1/search', { q: '', from: '0', to: 'now', limit: 1, fields: '@timestamp' }, signal).then(
              (n) => { if (!signal.aborted) setNewest(n.hits[0]?.['@timestamp'] ?? null); },
              () => {},
            );
          }
        }
      },
      (err) => {
        if (signal.aborted) return;
        setResults(EMPTY_RESULTS);
        handleFailure(err, s.q);
      },
    );

    const interval = histogramInterval(range.to - range.from);
    const agg = (q: string) => getJson<HistogramAnswer>('/api/v1/aggregate', { type: 'date_histogram', q, from, to, interval: interval.text }, signal);
    Promise.all([agg(s.q), agg(withClause(s.q, ERROR_LEVELS)), agg(withClause(s.q, 'level:warning'))]).then(
      (answers) => {
        if (signal.aborted) return;
        histogramSum = answers[0]!.buckets.reduce((n, b) => n + b.count, 0);
        setHistogram(bucketize(range.from, range.to, interval.ms, answers));
        setResults((r) => (r.total && !r.loading ? { ...r, total: exactTotal(r.total, histogramSum) } : r));
      },
      () => { if (!signal.aborted) setHistogram(null); },
    );

    getJson<FieldsAnswer>('/api/v1/fields', { q: s.q, from, to }, signal).then(
      (a) => {
        if (signal.aborted) return;
        setFields(a);
        setFieldsError(null);
        lastFieldNames.current = a.fields.map((f) => f.name);
      },
      (err: unknown) => {
        if (signal.aborted) return;
        setFields(null);
        // Only a missing route means an older server; any other 404 (an
        // unknown saved query) is the search's own error, shown above.
        setFieldsError(err instanceof ApiFailure && err.status === 404 && (err.code === 'LS_API_NOT_FOUND' || err.code === 'HTTP_404') ? 'This server has no field list.' : `Fields: ${(err as Error).message}`);
      },
    );
  }, [handleFailure]);

  /** Applies a new state: a history entry, then a search unless only display settings changed. */
  const navigate = useCallback((asked: PageState, opts: { search?: boolean } = {}) => {
    const next = coherentLive(asked);
    if (!sameState(next, readLocation())) writeLocation(next, 'push');
    setState(next);
    draft.current = next.q;
    setQueryKey((k) => k + 1);
    if (opts.search !== false) execute(next);
  }, [execute]);

  // First load (and after a token is given): run what the URL says.
  useEffect(() => {
    const s = readLocation();
    writeLocation(s, 'replace');
    setState(s);
    draft.current = s.q;
    setQueryKey((k) => k + 1);
    execute(s);
    getJson<SavedQueriesAnswer>('/api/v1/queries').then((a) => setSaved(a.queries), () => setSaved([]));
  }, [authVersion]);

  useEffect(() => {
    const onPop = () => {
      const s = readLocation();
      setState(s);
      draft.current = s.q;
      setQueryKey((k) => k + 1);
      execute(s);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [execute]);

  // The History and Download menus close on Escape or a click outside them,
  // as the time picker does; a <details> stays open until its own summary is clicked.
  useEffect(() => {
    const close = (e: Event) => {
      for (const menu of document.querySelectorAll<HTMLDetailsElement>('details.history[open], details.export[open]')) {
        if (e instanceof KeyboardEvent ? e.key === 'Escape' : !menu.contains(e.target as Node)) {
          menu.open = false;
          if (e instanceof KeyboardEvent && menu.contains(document.activeElement)) menu.querySelector('summary')?.focus();
        }
      }
    };
    document.addEventListener('keydown', close);
    document.addEventListener('mousedown', close);
    return () => {
      document.removeEventListener('keydown', close);
      document.removeEventListener('mousedown', close);
    };
  }, []);

  const loadMore = useCallback(() => {
    const cursor = results.next;
    if (!cursor || results.loadingMore) return;
    const signal = run.current?.signal;
    setResults((r) => ({ ...r, loadingMore: true, moreError: null }));
    getJson<SearchAnswer>('/api/v1/search', { q: state.q, ...absRange.current, limit: PAGE_SIZE, sort: state.sort, cursor }, signal).then(
      (a) => {
        if (signal?.aborted) return;
        setResults((r) => {
          const events = appendNew(r.events, a.hits);
          return a.next_cursor === null
            ? { ...r, events: appendNew(events, r.tail), tail: [], next: null, loadingMore: false }
            : { ...r, events, next: a.next_cursor, loadingMore: false };
        });
      },
      (err: unknown) => {
        if (signal?.aborted) return;
        // The cursor is kept: the list says the page failed and offers to
        // try again, instead of "End of results" with the rest unseen.
        if (err instanceof ApiFailure && err.isAuth) handleFailure(err);
        const why = err instanceof ApiFailure ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
        setResults((r) => ({ ...r, loadingMore: false, moreError: why }));
      },
    );
  }, [results.next, results.loadingMore, state.q, state.sort, handleFailure]);

  // Live tail: newest events on top while the list is at the top; otherwise
  // they wait behind the "N new" marker so the view does not move. Oldest
  // first, they go at the end, once the last page is there. Each search
  // starts its own tail where it ended (searchSeq): a search run again while
  // live (the range changed, the server came back) had the tail go on from
  // the old position and send again what the new search had found.
  useEffect(() => {
    if (!state.live) return;
    arrivals.current = [];
    // From where the search's range ended, not from now: turned on a while
    // after the search, live showed what came next and silently left out
    // what had come in between.
    const searchedTo = Date.parse(absRange.current.to);
    const stop = startTail(state.q, {
      onEvent: (ev) => {
        arrivals.current.push(Date.now());
        // Once each: a tail resumed after a drop may send an event again.
        if (arrivedIds.current.has(ev['event.id'])) return;
        arrivedIds.current.add(ev['event.id']);
        arrivedRef.current = [...arrivedRef.current, ev];
        setArrived(arrivedRef.current);
        if (state.sort === 'asc') {
          setResults((r) => (r.next === null ? { ...r, events: appendNew(r.events, [ev]) } : { ...r, tail: [...r.tail, ev] }));
        } else if (scrollTop.current <= 2) {
          setResults((r) => (r.events.some((e) => e['event.id'] === ev['event.id']) ? r : { ...r, events: [ev, ...r.events] }));
        } else {
          setPending((p) => [ev, ...p]);
        }
      },
      // With the query, so a 400 on it is the query's error the search shows too, not a second one.
      onError: (err) => { setLiveOpen(false); handleFailure(err, state.q); },
      onOpen: () => {
        setLiveOpen(true);
        // Back after a failure (the server restarted): the search runs
        // again, so the page is not left with the error and no results.
        if (failureShown.current) execute(latest.current);
      },
    // After every event of that millisecond: the search's range includes
    // its end, and an event found there was counted twice.
    }, Number.isFinite(searchedTo) ? `${searchedTo}|\uffff` : undefined);
    const timer = setInterval(() => {
      const cutoff = Date.now() - 10_000;
      arrivals.current = arrivals.current.filter((t) => t >= cutoff);
      setRate(arrivals.current.length / 10);
    }, 1000);
    return () => {
      stop();
      clearInterval(timer);
      setRate(0);
      setLiveOpen(false);
    };
  }, [state.live, state.q, state.sort, searchSeq, authVersion, handleFailure, execute]);

  useEffect(() => {
    if (arrived.length === 0) {
      setHistArrived(arrived);
      return;
    }
    const t = setTimeout(() => {
      histDrawn.current = Date.now();
      setHistArrived(arrived);
    }, Math.max(0, histDrawn.current + 250 - Date.now()));
    return () => clearTimeout(t);
  }, [arrived]);
  const shownHistogram = useMemo(() => withArrivals(histogram, histArrived), [histogram, histArrived]);
  const shownFields = useMemo(() => fieldsWithArrivals(fields, histArrived), [fields, histArrived]);
  const shownTotal = results.total && { ...results.total, value: results.total.value + arrived.length };

  const showPending = () => {
    setResults((r) => {
      const seen = new Set(r.events.map((e) => e['event.id']));
      return { ...r, events: pending.filter((e) => !seen.has(e['event.id'])).concat(r.events) };
    });
    setPending([]);
    if (listRef.current) listRef.current.scrollTop = 0;
    scrollTop.current = 0;
  };

  const onScroll = (top: number) => {
    scrollTop.current = top;
    if (top <= 2 && pending.length > 0) showPending();
  };

  const filter = useCallback((field: string, value: FieldValue, negate: boolean) => {
    navigate({ ...state, q: addClause(state.q, clauseFor(field, value), negate) });
  }, [state, navigate]);

  const toggleColumn = useCallback((field: string) => {
    const cols = state.cols.includes(field) ? state.cols.filter((c) => c !== field) : [...state.cols, field];
    navigate({ ...state, cols }, { search: false });
  }, [state, navigate]);

  const openContext = useCallback((ev: LogEvent) => {
    setContext({ answer: null, error: null });
    getJson<ContextAnswer>('/api/v1/context', { id: ev['event.id'], ts: ev['@timestamp'], before: 20, after: 20 }).then(
      (answer) => setContext({ answer, error: null }),
      (err: Error) => setContext({ answer: null, error: err instanceof ApiFailure ? `${err.code}: ${err.message}` : err.message }),
    );
  }, []);

  const loadValues = useCallback((field: string): Promise<ValuesAnswer> => {
    let p = valuesCache.current.get(field);
    if (!p) {
      p = getJson<ValuesAnswer>(`/api/v1/fields/${encodeURIComponent(field)}/values`, { q: state.q, ...absRange.current, size: 10 });
      valuesCache.current.set(field, p);
      p.catch(() => valuesCache.current.delete(field));
    }
    return p;
  }, [state.q]);

  // What completion offers while the query in the bar cannot run (its
  // error cleared the fields and results, and its values answer 400): the
  // last query that ran, or the range alone when none has yet.
  const runsNow = problem === null && failure === null;
  // Fixed once per search, so the values are asked once, not on every keystroke.
  const fallback = useCallback((): { q: string; from: string; to: string } => {
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

  // The current search and range, and the event: opened, the page runs the
  // same search behind the event, as Grafana's shareable link does.
  const linkTo = useCallback((ev: LogEvent) => `${location.origin}${location.pathname}${stateToUrl({ ...state, q: draft.current, live: false, event: { id: ev['event.id'], ts: ev['@timestamp'] } })}`, [state]);

  const actions = useMemo(() => ({ onFilter: filter, onToggleColumn: toggleColumn, onContext: openContext, linkTo }), [filter, toggleColumn, openContext, linkTo]);

  // In the one-event dialog: a filter or the lines around close it first.
  const eventActions = useMemo(() => ({
    onFilter: (field: string, value: FieldValue, negate: boolean) => navigate({ ...state, event: null, q: addClause(state.q, clauseFor(field, value), negate) }),
    onToggleColumn: toggleColumn,
    onContext: (ev: LogEvent) => {
      navigate({ ...state, event: null }, { search: false });
      openContext(ev);
    },
    linkTo,
  }), [state, navigate, toggleColumn, openContext, linkTo]);

  /** Twice the range around its centre; a range ending now keeps ending now (and live stays on). */
  const zoomOut = () => {
    let r: { from: number; to: number };
    try {
      r = resolveRange(state.from, state.to, state.tz);
    } catch {
      return;
    }
    const length = Math.max(r.to - r.from, 1000);
    if (state.to === 'now') {
      navigate({ ...state, q: draft.current, from: relativeFrom(2 * length), to: 'now' });
      return;
    }
    const centre = (r.from + r.to) / 2;
    const to = Math.round(centre + length);
    navigate({ ...state, q: draft.current, from: new Date(Math.round(centre - length)).toISOString(), to: to >= Date.now() ? 'now' : new Date(to).toISOString() });
  };

  const runQuery = (q: string) => navigate({ ...state, q });
  const caret = problem && problem.offset !== null ? errorExcerpt(problem.q, problem.offset) : null;

  return (
    <div class="page">
      <header class="top">
        <a class="brand" href="/">logship</a>
        <QueryBar
          value={state.q}
          valueKey={queryKey}
          errorOffset={problem?.offset ?? null}
          onRun={runQuery}
          onChange={(q) => { draft.current = q; }}
          fieldNames={fieldNames}
          fieldValues={fieldValues}
          onDown={() => {
            const row = listRef.current?.querySelector<HTMLElement>('[data-index="0"]');
            row?.focus();
            return row !== null && row !== undefined;
          }}
        />
        <button type="button" class="primary" onClick={() => runQuery(draft.current)}>Search</button>
        <TimePicker
          from={state.from}
          to={state.to}
          tz={state.tz}
          onChange={(r) => navigate({ ...state, q: draft.current, ...r })}
          onTz={(tz) => navigate({ ...state, tz })}
          onZoomOut={zoomOut}
        />
        <button
          type="button"
          class={state.live ? 'live on' : 'live'}
          aria-pressed={state.live}
          title={state.to === 'now' ? undefined : 'Live follows new events: the range becomes one of the same length ending now'}
          onClick={() => {
            if (state.live || state.to === 'now') {
              navigate({ ...state, live: !state.live }, { search: false });
              return;
            }
            // A range ending elsewhere: the same length, ending now, searched again.
            try {
              const r = resolveRange(state.from, state.to, state.tz);
              navigate({ ...state, q: draft.current, from: relativeFrom(r.to - r.from), to: 'now', live: true });
            } catch {
              navigate({ ...state, q: draft.current, from: 'now-15m', to: 'now', live: true });
            }
          }}
        >
          Live
        </button>
        <AlertsButton authVersion={authVersion} onOpen={() => setAlertsOpen(true)} />
      </header>
      <nav class="shortcuts" aria-label="Saved queries">
        {saved.map((s) => (
          <button type="button" class="chip" key={s.name} title={s.query} onClick={() => navigate({ ...state, q: `@${s.name}` })}>
            @{s.name}
          </button>
        ))}
        {history.length > 0 && (
          <details class="history">
            <summary>History</summary>
            <ul>
              {history.map((h) => (
                <li key={h}>
                  <button
                    type="button"
                    class="link"
                    title={h.length > 80 ? h.slice(0, 1000) : undefined}
                    onClick={(e) => {
                      (e.currentTarget as HTMLElement).closest('details')?.removeAttribute('open');
                      navigate({ ...state, q: h });
                    }}
                  >
                    {h}
                  </button>
                </li>
              ))}
            </ul>
          </details>
        )}
      </nav>
      {problem && (
        <div role="alert" class="query-error" data-offset={problem.offset ?? ''}>
          {caret && <pre class="caret">{caret}</pre>}
          <span>{problem.message}</span>
        </div>
      )}
      {failure && <div role="alert" class="failure">{failure}</div>}
      <div class="body">
        <FieldSidebar
          fields={shownFields}
          error={fieldsError}
          searchSeq={searchSeq}
          loadValues={loadValues}
          arrived={histArrived}
          onFilter={filter}
          cols={state.cols}
          onToggleColumn={toggleColumn}
        />
        <main class="main">
          <Histogram data={shownHistogram} tz={state.tz} onSelect={(f, t) => navigate({ ...state, q: draft.current, from: new Date(f).toISOString(), to: new Date(t).toISOString() })} />
          <div class="summary">
            <span class="total" data-total={shownTotal?.value ?? ''} data-relation={shownTotal?.relation ?? ''}>
              {results.loading ? 'Searching…' : shownTotal ? `${shownTotal.relation === 'gte' ? '≥ ' : ''}${shownTotal.value.toLocaleString()} hits` : ''}
            </span>
            {results.tookMs !== null && <span class="muted"> in {results.tookMs} ms</span>}
            {state.live && (
              <span class="rate" data-live={liveOpen ? 'open' : 'connecting'}>
                · {liveOpen ? `live, ${rate.toFixed(1)} events/s` : 'connecting…'}
              </span>
            )}
            {pending.length > 0 && (
              <button type="button" class="new-marker" onClick={showPending}>{pending.length} new</button>
            )}
            <select
              class="order"
              aria-label="Order"
              value={state.sort}
              onChange={(e) => navigate({ ...state, q: draft.current, sort: (e.target as HTMLSelectElement).value === 'asc' ? 'asc' : 'desc' })}
            >
              <option value="desc">Newest first</option>
              <option value="asc">Oldest first</option>
            </select>
            {/*
              The search shown: its query and the range it resolved to, not
              the bar's draft; up to now once live has added to it (the
              search's end left out the rows live had put on top).
            */}
            <ExportMenu request={() => (results.total && absRange.current.from
              ? { q: state.q, from: absRange.current.from, to: arrivedRef.current.length > 0 ? new Date().toISOString() : absRange.current.to, sort: state.sort }
              : null)}
            />
          </div>
          {results.total?.value === 0 && results.events.length === 0 && !results.loading && missing !== null && (
            <EmptyResults
              q={state.q}
              missing={missing}
              newest={newest}
              tz={state.tz}
              onShowNewest={(at) => {
                // The range's length, ending at the newest event.
                const r = resolveRange(state.from, state.to, state.tz);
                navigate({ ...state, q: draft.current, from: new Date(at - (r.to - r.from)).toISOString(), to: new Date(at).toISOString() });
              }}
            />
          )}
          <ResultsList
            key={searchSeq}
            events={results.events}
            cols={state.cols}
            tz={state.tz}
            hasMore={results.next !== null}
            loadingMore={results.loadingMore}
            moreError={results.moreError}
            onMore={loadMore}
            actions={actions}
            onScroll={onScroll}
            scrollRef={listRef}
          />
        </main>
      </div>
      {alertsOpen && (
        <AlertsPanel
          onClose={() => setAlertsOpen(false)}
          onSearch={(q, window) => {
            setAlertsOpen(false);
            navigate({ ...state, q, from: `now-${window}`, to: 'now' });
          }}
        />
      )}
      {state.event && !context && (
        <EventDialog
          id={state.event.id}
          ts={state.event.ts}
          tz={state.tz}
          cols={state.cols}
          actions={eventActions}
          onClose={() => navigate({ ...state, event: null }, { search: false })}
        />
      )}
      {context && <ContextView context={context.answer} error={context.error} tz={state.tz} sort={state.sort} onClose={() => setContext(null)} />}
      {auth && (
        <TokenPrompt
          reason={auth}
          onToken={(t) => {
            saveToken(t);
            setAuth(null);
            setAuthVersion((n) => n + 1);
          }}
        />
      )}
    </div>
  );
}
