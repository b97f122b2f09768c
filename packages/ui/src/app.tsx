/**
 * The search page. One state object (page-state.ts) mirrors the URL; every
 * change that asks the server again goes through `navigate`, which pushes a
 * history entry and runs the search, histogram and field list together.
 *
 *   URL ─► state (use-page-location.ts) ─► search (first page) ┐  use-search.ts
 *                                        ├► histogram ×3        ├─► render; scroll ─► next_cursor pages
 *                                        └► fields              ┘
 *   Live on ─► /api/v1/tail (SSE) ─► prepend, or "N new" while the user reads  (use-live-tail.ts)
 */
import type { FieldValue, LogEvent } from '@logship/query/browser';
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { failureText, getJson, saveToken, type ContextAnswer } from './api-client.js';
import { AlertsButton, AlertsPanel } from './alerts-panel.js';
import { ContextView } from './context-view.js';
import { EmptyResults } from './empty-results.js';
import { EventDialog } from './event-dialog.js';
import { pinnedRange, pinnedTitle } from './event-link.js';
import { FieldSidebar } from './field-sidebar.js';
import { Histogram } from './histogram.js';
import { IncompleteNotice } from './incomplete-notice.js';
import { notInAnswer } from './commit-marks.js';
import { fieldsWithArrivals, withArrivals } from './live-histogram.js';
import { stateToUrl } from './page-state.js';
import { QueryBar } from './query-bar.js';
import { addClause, clauseFor, errorExcerpt } from './query-text.js';
import { ResultsList } from './results-list.js';
import { SearchSummary } from './search-summary.js';
import { StaleNote } from './stale-note.js';
import { Shortcuts } from './shortcuts.js';
import { relativeFrom, resolveRange, withinSearched } from './time-range.js';
import { TimePicker } from './time-picker.js';
import { TokenPrompt, type AuthRefusal } from './token-prompt.js';
import { useCompletionSources } from './use-completion-sources.js';
import { useLiveTail } from './use-live-tail.js';
import { useMenuDismiss } from './use-menu-dismiss.js';
import { useNavigation, usePageLocation } from './use-page-location.js';
import { problemText } from './query-problem.js';
import { useSavedQueries } from './use-saved-queries.js';
import { useSearch } from './use-search.js';

export function App() {
  const page = usePageLocation();
  const { state, draft, queryKey, latest } = page;
  const [context, setContext] = useState<{ answer: ContextAnswer | null; error: string | null } | null>(null);
  const [auth, setAuth] = useState<AuthRefusal | null>(null);
  const [authVersion, setAuthVersion] = useState(0);
  // null until the server's list came (or if it could not be had): use-search.ts then lets the server say an unknown `@name`.
  const savedQueries = useSavedQueries(authVersion);
  const saved = savedQueries.saved;
  const [alertsOpen, setAlertsOpen] = useState(false);
  const listRef = useRef<HTMLDivElement | null>(null);

  const search = useSearch({
    state,
    onAuth: setAuth,
    savedNames: savedQueries.names,
    refreshSaved: savedQueries.refresh,
    // Called only once a search runs, after this render has made both.
    onStart: () => {
      live.reset();
      completion.reset();
    },
  });
  const { problem, failure, stale, results, histogram, fields, fieldsError, missing, valueHints, newest, searchSeq, history, arrived, arrivedRef, absRange } = search;
  const live = useLiveTail({ state, search, latest, authVersion, listRef });
  const completion = useCompletionSources(state, search);
  const navigate = useNavigation(page, search.execute, authVersion);

  useMenuDismiss();

  // Each adds the live events its answer lacks (commit-marks.ts): a late one
  // committed before its read is in it already.
  const shownHistogram = useMemo(() => withArrivals(histogram, live.histArrived), [histogram, live.histArrived]);
  const shownFields = useMemo(() => fieldsWithArrivals(fields, live.histArrived), [fields, live.histArrived]);
  const shownTotal = results.total && { ...results.total, value: results.total.value + notInAnswer(arrived, results.totalMark).length };
  // The sidebar's, beside fields counted with the same arrivals (histArrived, redrawn four times a second): the two never differ between redraws.
  const sidebarHits = results.loading || !results.total ? null : { ...results.total, value: results.total.value + notInAnswer(live.histArrived, results.totalMark).length };

  const filter = useCallback((field: string, value: FieldValue, negate: boolean) => {
    navigate({ ...state, q: addClause(state.q, clauseFor(field, value), negate) });
  }, [state, navigate]);

  const toggleColumn = useCallback((field: string) => {
    const cols = state.cols.includes(field) ? state.cols.filter((c) => c !== field) : [...state.cols, field];
    navigate({ ...state, cols }, { search: false });
  }, [state, navigate]);

  // The table header's remove and move (column-table.tsx): the new order as is.
  const setColumns = useCallback((cols: string[]) => navigate({ ...state, cols }, { search: false }), [state, navigate]);

  const openContext = useCallback((ev: LogEvent) => {
    setContext({ answer: null, error: null });
    getJson<ContextAnswer>('/api/v1/context', { id: ev['event.id'], ts: ev['@timestamp'], before: 20, after: 20 }).then(
      (answer) => setContext({ answer, error: null }),
      (err: unknown) => setContext({ answer: null, error: failureText(err) }),
    );
  }, []);

  // The current search, its range pinned to absolute times holding the
  // event (event-link.ts), and the event: opened, the page runs the same
  // search behind the event, as Grafana's shareable link does.
  const pinned = useCallback((ev: LogEvent) => pinnedRange(absRange.current, Date.parse(ev['@timestamp'])), [absRange]);
  const linkTo = useCallback((ev: LogEvent) => `${location.origin}${location.pathname}${stateToUrl({ ...state, q: draft.current, ...pinned(ev), live: false, event: { id: ev['event.id'], ts: ev['@timestamp'] } })}`, [state, pinned]);
  const linkTitle = useCallback((ev: LogEvent) => pinnedTitle(pinned(ev), state.tz), [pinned, state.tz]);

  const actions = useMemo(() => ({ onFilter: filter, onToggleColumn: toggleColumn, onContext: openContext, linkTo, linkTitle }), [filter, toggleColumn, openContext, linkTo, linkTitle]);

  // In the one-event dialog: a filter or the lines around close it first.
  const eventActions = useMemo(() => ({
    onFilter: (field: string, value: FieldValue, negate: boolean) => navigate({ ...state, event: null, q: addClause(state.q, clauseFor(field, value), negate) }),
    onToggleColumn: toggleColumn,
    onContext: (ev: LogEvent) => {
      navigate({ ...state, event: null }, { search: false });
      openContext(ev);
    },
    linkTo,
    linkTitle,
  }), [state, navigate, toggleColumn, openContext, linkTo, linkTitle]);

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

  // Once live has added to the results, the bars run up to now.
  const narrowTo = (fromMs: number, toMs: number) => {
    const searched = absRange.current;
    const r = searched.from
      ? withinSearched(fromMs, toMs, Date.parse(searched.from), arrivedRef.current.length > 0 ? Math.max(Date.parse(searched.to), Date.now()) : Date.parse(searched.to))
      : { from: fromMs, to: toMs };
    navigate({ ...state, q: draft.current, from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString() });
  };

  const toggleLive = () => {
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
          onChange={(q) => {
            // An `@` typed: a saved query is coming, and the chips should be the server's now (not per keystroke: at most every few seconds).
            if (q.split('@').length > draft.current.split('@').length) savedQueries.refreshIfOld();
            draft.current = q;
          }}
          fieldNames={completion.fieldNames}
          fieldValues={completion.fieldValues}
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
          onClick={toggleLive}
        >
          Live
        </button>
        <AlertsButton authVersion={authVersion} onOpen={() => setAlertsOpen(true)} />
      </header>
      <Shortcuts saved={saved ?? []} history={history} onQuery={(q) => navigate({ ...state, q })} />
      {problem && (
        <div role="alert" class="query-error" data-offset={problem.offset ?? ''}>
          {caret && <pre class="caret">{caret.text}{'\n'}<span class="caret-pad" aria-hidden="true">{caret.before}</span>^</pre>}
          <span>{problemText(problem)}</span>
        </div>
      )}
      {failure && <div role="alert" class="failure">{failure}</div>}
      {stale && <StaleNote of={stale} tz={state.tz} />}
      {/* Stale answers are shown dimmed and inert: a filter, a sort or a bar's click would act on another query's answers. */}
      <div class={stale ? 'body stale' : 'body'} inert={stale !== null} data-stale={stale ? 'true' : undefined}>
        <FieldSidebar
          fields={shownFields}
          loading={search.fieldsLoading}
          error={fieldsError}
          hits={sidebarHits}
          searchSeq={searchSeq}
          loadValues={completion.loadValues}
          arrived={live.histArrived}
          onFilter={filter}
          cols={state.cols}
          onToggleColumn={toggleColumn}
          tz={state.tz}
        />
        <main class="main">
          {search.histogramError && <p class="muted histogram-error" role="status">No histogram: {search.histogramError}</p>}
          <Histogram data={shownHistogram} loading={search.histogramLoading} stale={stale !== null} tz={state.tz} onSelect={narrowTo} />
          {/*
            Download exports the search shown: its query and the range it
            resolved to, not the bar's draft; up to now once live has added
            to it (the search's end left out the rows live had put on top).
          */}
          <SearchSummary
            results={results}
            total={shownTotal}
            live={state.live}
            stale={stale !== null}
            liveOpen={live.liveOpen}
            connecting={live.connecting}
            rate={live.rate}
            pending={live.pending.length}
            outside={live.outside}
            onShowPending={live.showPending}
            sort={state.sort}
            onSort={(sort) => navigate({ ...state, q: draft.current, sort })}
            cols={state.cols}
            exportRequest={() => (results.total && absRange.current.from
              ? { q: state.q, from: absRange.current.from, to: arrivedRef.current.length > 0 ? new Date().toISOString() : absRange.current.to, sort: state.sort }
              : null)}
          />
          {/* Beside live's status: its replays from the store (after a drop, a server restart) read past a partition they could not, said as the search's are. */}
          {state.live && <IncompleteNotice warnings={live.warnings} of="the time live replayed" leftOutOf="what live sent" kind="live" />}
          <IncompleteNotice warnings={search.warnings} />
          {results.total?.value === 0 && results.events.length === 0 && !results.loading && missing !== null && (
            <EmptyResults
              q={state.q}
              missing={missing}
              cases={valueHints.cases}
              elsewhere={valueHints.elsewhere}
              onQuery={runQuery}
              newest={newest}
              tz={state.tz}
              textFields={fields?.text_fields}
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
            onMore={search.loadMore}
            onColumns={setColumns}
            actions={actions}
            onScroll={live.onScroll}
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
      {context && <ContextView context={context.answer} error={context.error} tz={state.tz} cols={state.cols} sort={state.sort} onClose={() => setContext(null)} />}
      {auth && (
        <TokenPrompt
          refusal={auth}
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
