/**
 * One search of the page: the hits' first page, the three histograms (all,
 * errors, warnings) and the field list, asked together; the next pages by
 * cursor; the events live added since (in the chosen range, so they add
 * to its total and its bars); and what went wrong, as the page shows it.
 *
 *   execute(state) ─► parse here (a syntax error never reaches the server,
 *                     nor an unknown `@name` once the saved queries are known)
 *                  ├► search (first page) ┐
 *                  ├► histogram ×3        ├─► results, histogram, fields
 *                  └► fields              ┘   (and the search's and histograms' warnings)
 *   loadMore() ─► next_cursor page
 */
import { parse, QueryError, QuerySyntaxError, savedQueryReferences, type LogEvent } from '@logship/query/browser';
import { useCallback, useRef, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import {
  ApiFailure, failureText, getJson, isSignInRefusal, readToken, ServerUnreachable,
  type FieldsAnswer, type HistogramAnswer, type SearchAnswer,
} from './api-client.js';
import type { HistogramData } from './histogram.js';
import type { MissingField } from './missing-fields.js';
import { NO_VALUE_HINTS, nothingFound, type ValueHints } from './nothing-found.js';
import type { PageState } from './page-state.js';
import { levelQuery, maskSavedRefs, readHistory, rememberQuery } from './query-text.js';
import { queryMistake, unknownSavedQuery, unknownSavedRef, type QueryProblem } from './query-problem.js';
import { appendNew, bucketize, EMPTY_RESULTS, exactTotal, PAGE_SIZE, placeArrivals, type Results } from './search-results.js';
import { histogramInterval, resolveRange } from './time-range.js';
import { answerMark } from './commit-marks.js';
import { backwardsRangeText } from './backwards-range-words.js';
import type { AnswerWarning } from './answer-warnings.js';
import { useAnswerWarnings } from './use-answer-warnings.js';
import type { AuthRefusal } from './token-prompt.js';

/** A query and the absolute range it was searched over (a type, so it passes as request parameters). */
export type SearchedRange = {
  q: string;
  from: string;
  to: string;
};

export interface SearchOptions {
  /** The page's state now: the next pages are of its query and order. */
  state: PageState;
  /** A 401 or 403 (or too many refused tokens): why the token prompt opens. */
  onAuth: (refusal: AuthRefusal) => void;
  /** As each search starts, before anything is asked: what else the page keeps per search is reset. */
  onStart: () => void;
  /** The server's saved queries' names (/api/v1/queries); null until they came. */
  savedNames: readonly string[] | null;
  /** Asks for them again (use-saved-queries.ts): a name they lack may be one the server's config added since. */
  refreshSaved: () => Promise<readonly string[] | null>;
}

export interface Search {
  problem: QueryProblem | null;
  failure: string | null;
  /**
   * The search the answers shown are of, when they are not of the page's
   * query: one that cannot run (a syntax error, a range that does not
   * resolve) keeps the last answers, said to be stale, as Kibana and
   * Grafana keep the last results under a query's error. Null otherwise.
   */
  stale: SearchedRange | null;
  results: Results;
  setResults: (update: (r: Results) => Results) => void;
  /** The search's histogram, as the server answered it (live arrivals are folded in to show it). */
  histogram: HistogramData | null;
  /** Why the search's histogram could not be had (said in the chart's place). */
  histogramError: string | null;
  /** The search's histogram is asked and not answered yet: the bars shown, if any, are the previous search's. */
  histogramLoading: boolean;
  fields: FieldsAnswer | null;
  fieldsError: string | null;
  /** The search's field list is asked and not answered yet: `fields`, if any, are the previous search's. */
  fieldsLoading: boolean;
  /** For a search that found nothing: the fields it names that no event has (null until known). */
  missing: MissingField[] | null;
  /** Values events hold only in another case (case-hints.ts), or in a field free text does not search (value-elsewhere.ts), said with missing. */
  valueHints: ValueHints;
  /** For a range with no event at all (whatever the query): the newest event's time, null when the store has none. */
  newest: string | null | undefined;
  /** Partitions of the range left out of this search's answers, one each (IncompleteNotice). */
  warnings: readonly AnswerWarning[];
  /** Counts searches: each one's list and live tail are new. */
  searchSeq: number;
  /**
   * Where this search's live tail starts (null until its answer, or its
   * failure, has come): after the commit mark of the search's read and its
   * range's end, `<boot>.<seq>:<ms>|\uffff`. The server then sends exactly
   * what it committed after that read, a late event committed between the
   * read and the stream's opening included (from the range's end alone,
   * by time, that one was never shown); without a mark, or one the server
   * no longer keeps, it replays from the range's end by time.
   */
  tailFrom: string | null;
  history: string[];
  /** Oldest first: the events live added since the search (each once). */
  arrived: LogEvent[];
  arrivedRef: RefObject<LogEvent[]>;
  /** Adds events live sent; returns those not already added (a resumed tail may send one again). */
  addArrived: (evs: LogEvent[]) => LogEvent[];
  /** The absolute range the last search resolved to. */
  absRange: RefObject<{ from: string; to: string }>;
  /** The last query that ran (its answer came), with its range. */
  lastGood: RefObject<SearchedRange | null>;
  lastFieldNames: RefObject<string[] | null>;
  /** Whether a failure is shown now (read by live, which reruns the search once the server is back). */
  failureShown: RefObject<boolean>;
  /** Whether the last search failed (no answer of it is shown): live reruns it once its stream opens. */
  searchFailed: RefObject<boolean>;
  /** Takes away the failure shown (live's own, once its stream is open again). */
  clearFailure: () => void;
  handleFailure: (err: unknown, q?: string) => void;
  execute: (s: PageState, listed?: { names: readonly string[] | null }) => void;
  loadMore: () => void;
}

export function useSearch({ state, onAuth, onStart, savedNames, refreshSaved }: SearchOptions): Search {
  const [problem, setProblem] = useState<QueryProblem | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [stale, setStale] = useState<SearchedRange | null>(null);
  const [results, setResults] = useState<Results>(EMPTY_RESULTS);
  const [histogram, setHistogram] = useState<HistogramData | null>(null);
  const [histogramError, setHistogramError] = useState<string | null>(null);
  // True from the first render: the page's first search starts right after
  // it (use-page-location.ts), and an empty chart read as "no events".
  const [histogramLoading, setHistogramLoading] = useState(true);
  const [arrived, setArrived] = useState<LogEvent[]>([]);
  const [fields, setFields] = useState<FieldsAnswer | null>(null);
  const [fieldsError, setFieldsError] = useState<string | null>(null);
  const [fieldsLoading, setFieldsLoading] = useState(true);
  const [history, setHistory] = useState<string[]>(readHistory);
  const [searchSeq, setSearchSeq] = useState(0);
  const [tailFrom, setTailFrom] = useState<string | null>(null);
  const [missing, setMissing] = useState<MissingField[] | null>(null);
  const [valueHints, setValueHints] = useState<ValueHints>(NO_VALUE_HINTS);
  const [newest, setNewest] = useState<string | null | undefined>(undefined);
  const notes = useAnswerWarnings();

  const run = useRef<AbortController | null>(null);
  const failureShown = useRef(false);
  failureShown.current = failure !== null;
  const searchFailed = useRef(false);
  const absRange = useRef<{ from: string; to: string }>({ from: '', to: '' });
  const arrivedRef = useRef<LogEvent[]>([]);
  const arrivedIds = useRef(new Set<string>());
  const lastGood = useRef<SearchedRange | null>(null);
  const lastFieldNames = useRef<string[] | null>(null);
  // The answers shown now, for a search that cannot run to keep (as stale).
  const shown = useRef({ results, histogram, fields });
  shown.current = { results, histogram, fields };
  // Called through a ref so execute stays one function for the page's life.
  const started = useRef(onStart);
  started.current = onStart;
  const authFailed = useRef(onAuth);
  authFailed.current = onAuth;
  const names = useRef(savedNames);
  names.current = savedNames;
  const refreshNames = useRef(refreshSaved);
  refreshNames.current = refreshSaved;

  const handleFailure = useCallback((err: unknown, q?: string): void => {
    if (err instanceof DOMException && err.name === 'AbortError') return;
    if (err instanceof ApiFailure) {
      // Said in the token prompt alone: its words around it read as the page's errors.
      if (isSignInRefusal(err)) {
        authFailed.current({ status: err.status, code: err.code, message: err.message, tokenGiven: readToken() !== null });
        return;
      }
      if (err.status === 400 && q !== undefined && (err.offset !== undefined || err.code.startsWith('LS_QUERY'))) {
        setProblem({ message: err.message, offset: err.offset ?? null, q });
        return;
      }
      const unknown = q !== undefined ? unknownSavedQuery(err, q) : null;
      if (unknown) {
        setProblem(unknown);
        // The page's list may hold it still (the server's config dropped it): the chips follow the server.
        void refreshNames.current();
        return;
      }
      setFailure(`${err.code}: ${err.message}`);
      return;
    }
    // The server down or unreachable (getJson's ServerUnreachable, or the
    // live stream's own fetch rejecting with a TypeError).
    setFailure(err instanceof ServerUnreachable || err instanceof TypeError ? `${failureText(err)}. Search again once it is back; live mode retries by itself.` : failureText(err));
  }, []);

  const clearFailure = useCallback(() => setFailure(null), []);

  const addArrived = useCallback((evs: LogEvent[]): LogEvent[] => {
    const added = evs.filter((ev) => {
      if (arrivedIds.current.has(ev['event.id'])) return false;
      arrivedIds.current.add(ev['event.id']);
      return true;
    });
    if (added.length === 0) return added;
    arrivedRef.current = arrivedRef.current.concat(added);
    setArrived(arrivedRef.current);
    return added;
  }, []);

  // `listed`: the saved queries' names just asked again for this search (see the unknown `@name` below).
  const execute: Search['execute'] = useCallback((s: PageState, listed?: { names: readonly string[] | null }) => {
    run.current?.abort();
    const ctrl = new AbortController();
    run.current = ctrl;
    const signal = ctrl.signal;
    const noted = notes.start(signal);
    setProblem(null);
    setFailure(null);
    setStale(null);
    searchFailed.current = false;
    // The last answers that ran, kept if this search turns out to be the query's mistake.
    const before = { ...shown.current, of: lastGood.current };
    arrivedRef.current = [];
    arrivedIds.current = new Set();
    setArrived([]);
    setMissing(null);
    setValueHints(NO_VALUE_HINTS);
    setNewest(undefined);
    started.current();
    // A search that stops before asking the server keeps the last answers
    // that ran, said to be stale (`stale`: the page dims them and takes the
    // controls that act on them away). Emptied, the page lost its
    // histogram, fields and hits to a typo; shown as they were, the previous
    // query's read as the new one's.
    const clearAnswers = () => {
      searchFailed.current = true;
      // No read, so no place for live to start: the previous search's
      // stayed, and live went on (or started, with a new query) under the
      // error, its events in the list.
      setTailFrom(null);
      setHistogramError(null);
      setHistogramLoading(false);
      setFieldsError(null);
      setFieldsLoading(false);
      keepStale();
    };
    const keepStale = () => {
      const { results: r, histogram: h, fields: f, of } = before;
      setStale(of);
      setResults(of !== null && !r.loading ? r : EMPTY_RESULTS);
      setHistogram(of !== null ? h : null);
      setFields(of !== null ? f : null);
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
    // An unknown `@name`, said here once the saved queries' names came (the
    // server's words and suggestion: query-problem.ts); before they come, the
    // search alone asks and the rest wait for its answer. Each of the five
    // requests was refused with it, and the page looked its own suggestion up.
    const known = listed ? listed.names : names.current;
    const unknownRef = known !== null ? unknownSavedRef(s.q, known) : null;
    if (unknownRef && !listed) {
      // The list may be older than the server's config (a reload adds saved
      // queries; an open page refused one until reloaded): asked again, once,
      // before the query is refused. The search waits for it.
      refreshNames.current().then((fresh) => { if (run.current === ctrl) execute(s, { names: fresh }); }, () => {});
      return;
    }
    if (unknownRef) {
      setProblem(unknownRef);
      clearAnswers();
      return;
    }
    const searchFirst = known === null && savedQueryReferences(s.q).length > 0;
    let range: { from: number; to: number };
    try {
      range = resolveRange(s.from, s.to, s.tz);
    } catch (err) {
      setFailure(`Time range: ${(err as Error).message}`);
      clearAnswers();
      return;
    }
    // Said here, once, in the API's and the time picker's words: the server
    // was asked five times (search, three histograms, fields) to refuse it.
    if (range.from > range.to) {
      setFailure(backwardsRangeText(s.from, s.to));
      clearAnswers();
      return;
    }
    const from = new Date(range.from).toISOString();
    const to = new Date(range.to).toISOString();
    absRange.current = { from, to };
    setSearchSeq((n) => n + 1);
    setTailFrom(null);
    // After every event of that millisecond: the search's range includes
    // its end, and an event found there was counted twice.
    const fromEnd = `${range.to}|\uffff`;
    setResults({ ...EMPTY_RESULTS, loading: true });
    // The previous search's bars stay (dimmed, so the chart does not jump)
    // but say they are not this search's until its histogram comes: shown
    // as they were beside the new hits, they read as the new query's counts.
    setHistogramLoading(true);
    setFieldsLoading(true);
    setHistory(rememberQuery(s.q));

    const searchAnswer = getJson<SearchAnswer>('/api/v1/search', { q: s.q, from, to, limit: PAGE_SIZE, sort: s.sort }, signal);
    // The others go with the search, or once it answered when it may be refused for an unknown `@name`.
    const asked = searchFirst ? searchAnswer.then(() => undefined) : Promise.resolve();
    // Its answer also tells the case hints which fields are text.
    const fieldsAnswer = asked.then(() => getJson<FieldsAnswer>('/api/v1/fields', { q: s.q, from, to }, signal));
    const textFields = fieldsAnswer.then((a) => a.text_fields, () => undefined);

    // Whichever of the search and the histogram answers second makes the total exact.
    let histogramSum: number | null = null;
    let histogramAnswer: HistogramAnswer | undefined;
    searchAnswer.then(noted).then(
      (a) => {
        if (signal.aborted) return;
        lastGood.current = { q: s.q, from, to };
        const total = exactTotal(a.total, histogramSum);
        const totalMark = answerMark(total === a.total ? a : histogramAnswer);
        // Live events that came before this answer, each at its place by
        // time (mostly after the range: on top, or after the last page).
        const answered: Results = { events: a.hits, total, totalMark, tookMs: a.took_ms, next: a.next_cursor, loading: false, loadingMore: false, moreError: null, tail: [] };
        setResults(placeArrivals(answered, arrivedRef.current, s.sort, range.to));
        setTailFrom(a.commit_mark !== undefined ? `${a.commit_mark}:${fromEnd}` : fromEnd);
        if (total.value === 0) {
          nothingFound(s.q, { from, to }, textFields, signal).then((n) => {
            n.newest?.then((t) => { if (!signal.aborted) setNewest(t); }, () => {});
            if (!signal.aborted) { setValueHints({ cases: n.cases, elsewhere: n.elsewhere }); setMissing(n.missing); }
          }, () => { if (!signal.aborted) setMissing([]); });
        }
      },
      (err) => {
        if (signal.aborted) return;
        searchFailed.current = true;
        // The query's mistake (an unknown saved query): the last answers stay, stale.
        if (queryMistake(err)) {
          const { results: r, of } = before;
          setStale(of);
          setResults(of !== null && !r.loading ? r : EMPTY_RESULTS);
        } else setResults(EMPTY_RESULTS);
        handleFailure(err, s.q);
        // Live still starts: it is what notices the server is back
        // (use-live-tail.ts). Not for a refused token: its stream would be
        // refused too, and the search runs again once a token is given.
        if (!isSignInRefusal(err)) setTailFrom(fromEnd);
      },
    );

    const interval = histogramInterval(range.to - range.from);
    const agg = (q: string) => asked.then(() => getJson<HistogramAnswer>('/api/v1/aggregate', { type: 'date_histogram', q, from, to, interval: interval.text }, signal)).then(noted);
    // The errors and warnings bars are the query with a level clause added:
    // a query near the length limit is then too long for them (400), and
    // any of the three failing took the whole chart away, with nothing said.
    // Now only the hits' own histogram is needed (its failure is said in
    // the chart's place); without the others the bars are not coloured.
    Promise.allSettled([agg(s.q), agg(levelQuery(s.q, 'errors')), agg(levelQuery(s.q, 'warnings'))]).then(
      ([all, errs, warns]) => {
        if (signal.aborted) return;
        if (all.status === 'rejected') {
          if (all.reason instanceof DOMException && all.reason.name === 'AbortError') return;
          setHistogram(queryMistake(all.reason) && before.of !== null ? before.histogram : null);
          setHistogramLoading(false);
          const err = all.reason as unknown;
          // The query's own mistake (the search fails on it too) is said
          // once, at the query, and a refused token in the token prompt:
          // each was said again in the chart's place.
          setHistogramError(queryMistake(err) || isSignInRefusal(err) ? null : failureText(err));
          return;
        }
        // No answer, no mark: the live events are all this series has.
        const none: HistogramAnswer = { ...all.value, buckets: [], commit_mark: undefined };
        const answers = [all.value, errs.status === 'fulfilled' ? errs.value : none, warns.status === 'fulfilled' ? warns.value : none];
        histogramSum = all.value.buckets.reduce((n, b) => n + b.count, 0);
        histogramAnswer = all.value;
        setHistogram(bucketize(range.from, range.to, interval.ms, answers));
        setHistogramError(null);
        setHistogramLoading(false);
        setResults((r) => {
          if (!r.total || r.loading) return r;
          const total = exactTotal(r.total, histogramSum);
          return total === r.total ? r : { ...r, total, totalMark: answerMark(histogramAnswer) };
        });
      },
    );

    fieldsAnswer.then(
      (a) => {
        if (signal.aborted) return;
        setFields(a);
        setFieldsError(null);
        setFieldsLoading(false);
        lastFieldNames.current = a.fields.map((f) => f.name);
      },
      (err: unknown) => {
        if (signal.aborted) return;
        setFields(queryMistake(err) && before.of !== null ? before.fields : null);
        setFieldsLoading(false);
        // Only a missing route means an older server; an unknown saved query
        // is the search's own error, shown above once, and a refused token
        // is the token prompt's.
        if (isSignInRefusal(err) || (err instanceof ApiFailure && err.code === 'LS_API_UNKNOWN_SAVED_QUERY')) setFieldsError(null);
        else setFieldsError(err instanceof ApiFailure && err.status === 404 && (err.code === 'LS_API_NOT_FOUND' || err.code === 'HTTP_404') ? 'This server has no field list.' : `Fields: ${failureText(err)}`);
      },
    );
  }, [handleFailure, notes.start]);

  const loadMore = useCallback(() => {
    const cursor = results.next;
    if (!cursor || results.loadingMore) return;
    const signal = run.current?.signal;
    setResults((r) => ({ ...r, loadingMore: true, moreError: null }));
    getJson<SearchAnswer>('/api/v1/search', { q: state.q, ...absRange.current, limit: PAGE_SIZE, sort: state.sort, cursor }, signal).then(notes.noted(signal)).then(
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
        const why = failureText(err);
        setResults((r) => ({ ...r, loadingMore: false, moreError: why }));
      },
    );
  }, [results.next, results.loadingMore, state.q, state.sort, handleFailure, notes.noted]);

  return {
    problem, failure, stale, results, setResults, warnings: notes.warnings, histogram, histogramError, histogramLoading, fields, fieldsError, fieldsLoading, missing, valueHints, newest, searchSeq, tailFrom, history,
    arrived, arrivedRef, addArrived, absRange, lastGood, lastFieldNames, failureShown, searchFailed, clearFailure, handleFailure, execute, loadMore,
  };
}
