/**
 * Live tail: each new event at its place by time, so the newest on top
 * while the list is at the top; otherwise they wait behind the "N new"
 * marker so the view does not move. Oldest first, they go at the end, once
 * the last page is there. Events outside the search's range (late from
 * before its start, or stamped far ahead) are left out and counted apart. Each search
 * starts its own tail where it ended (searchSeq): a search run again while
 * live (the range changed, the server came back) had the tail go on from
 * the old position and send again what the new search had found.
 *
 *   /api/v1/tail (SSE, after= the search's read: tailFrom) ─► search.addArrived ─► top of the list, or "N new"
 *                                          event: warning ─► warnings ─► "Incomplete live replay" beside the live status
 */
import type { LogEvent } from '@logship/query/browser';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import type { PageState } from './page-state.js';
import { mergeWarnings, type AnswerWarning } from './answer-warnings.js';
import { keepCommitMark } from './commit-marks.js';
import { inLiveRange, placeArrivals } from './search-results.js';
import { startTail } from './tail-stream.js';
import type { Search } from './use-search.js';

export interface LiveTailOptions {
  state: PageState;
  search: Search;
  /** The page's state now (the search live reruns once the server is back). */
  latest: RefObject<PageState>;
  authVersion: number;
  /** The results list's scroller. */
  listRef: RefObject<HTMLDivElement | null>;
}

export interface LiveTail {
  /** `search.arrived` as the histogram shows it: at most four redraws a second. */
  histArrived: LogEvent[];
  /** Newest first: arrived while the user reads further down, behind "N new". */
  pending: LogEvent[];
  /** Events a second over the last 10 s. */
  rate: number;
  /** Events live sent that are outside the search's range (late, or stamped far ahead): left out. */
  outside: number;
  /** What this live view's replays from the store left out (`event: warning`), one each partition; none again once it restarts. */
  warnings: readonly AnswerWarning[];
  liveOpen: boolean;
  /**
   * A stream is being opened (or opened again) and is not open yet. False
   * while none is tried: before the search has answered, and while the
   * sign-in prompt waits for a token (its refused search starts none), so
   * the page never says "connecting…" behind the prompt.
   */
  connecting: boolean;
  showPending: () => void;
  onScroll: (top: number) => void;
  /** A new search: its list starts at its top, with nothing pending. */
  reset: () => void;
}

export function useLiveTail({ state, search, latest, authVersion, listRef }: LiveTailOptions): LiveTail {
  const [histArrived, setHistArrived] = useState<LogEvent[]>([]);
  const [pending, setPending] = useState<LogEvent[]>([]);
  const [rate, setRate] = useState(0);
  const [liveOpen, setLiveOpen] = useState(false);
  const [trying, setTrying] = useState(false);
  const [outside, setOutside] = useState(0);
  const [warnings, setWarnings] = useState<readonly AnswerWarning[]>([]);
  const outsideIds = useRef(new Set<string>());
  const scrollTop = useRef(0);
  const arrivals = useRef<number[]>([]);
  const histDrawn = useRef(0);
  const { arrived, searchSeq, tailFrom, handleFailure, execute, setResults, addArrived, absRange, failureShown, searchFailed, clearFailure } = search;

  useEffect(() => {
    // Not before the page's first search has started: a stream asked for
    // then was given up at once for one from the search's end, and with one
    // stream to spare the server, not yet told of the first one's close,
    // refused the second (503), live waiting for the Retry-After.
    // Once the search has answered: its tail starts after its read (tailFrom).
    if (!state.live || searchSeq === 0 || tailFrom === null) return;
    arrivals.current = [];
    outsideIds.current = new Set();
    setOutside(0);
    setWarnings([]);
    // From the search's read, not from now: turned on a while after the
    // search, live showed what came next and silently left out what had
    // come in between.
    const searchedTo = Date.parse(absRange.current.to);
    // Events are taken in batches, a few times a second: one at a time, a
    // burst of thousands copied the list, the arrivals and the figures for
    // each, and the page froze for seconds.
    let batch: LogEvent[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      flushTimer = null;
      const evs = batch;
      batch = [];
      const fromMs = Date.parse(absRange.current.from);
      const now = Date.now();
      // Late from before the range, or stamped far ahead: not in the range
      // the search chose (searching it again does not find it), so not in
      // the list or the figures; the summary says how many were left out.
      const inRange = evs.filter((ev) => {
        if (inLiveRange(ev, fromMs, now)) return true;
        outsideIds.current.add(ev['event.id']);
        return false;
      });
      if (inRange.length < evs.length) setOutside(outsideIds.current.size);
      // Once each: a tail resumed after a drop may send an event again.
      const added = addArrived(inRange);
      if (added.length === 0) return;
      if (state.sort === 'asc' || scrollTop.current <= 2) {
        setResults((r) => placeArrivals(r, added, state.sort, searchedTo));
      } else {
        setPending((p) => added.slice().reverse().concat(p));
      }
    };
    const stop = startTail(state.q, {
      onEvent: (ev, id) => {
        // Which answers count it already: the figures add it only to the others.
        keepCommitMark(ev, id);
        arrivals.current.push(Date.now());
        batch.push(ev);
        flushTimer ??= setTimeout(flush, 50);
      },
      // With the query, so a 400 on it is the query's error the search shows too, not a second one.
      onError: (err) => { setLiveOpen(false); handleFailure(err, state.q); },
      onOpen: () => {
        setLiveOpen(true);
        if (!failureShown.current) return;
        // Back after a failure. When the search failed too (the server
        // restarted), it runs again, so the page is not left with the error
        // and no results. Otherwise the error was live's (no stream to
        // spare, the server away a while) and this stream replays from where
        // the last one left off: only the error goes. Run again, the search
        // started a new stream in place of this one, which the server, not
        // yet told of this one's close, could refuse (its last stream just
        // freed), and so on after every Retry-After.
        if (searchFailed.current) execute(latest.current);
        else clearFailure();
      },
      // Cut off as too slow: the search runs again, starting a new stream
      // at its end (the server closed the old one first, so that takes no
      // second stream), and the list has every event.
      onCut: () => execute(latest.current),
      // A resumed stream may say a partition again (the server says each
      // once a stream): shown once each.
      onWarnings: (more) => setWarnings((shown) => mergeWarnings(shown, more)),
    }, tailFrom);
    setTrying(true);
    const timer = setInterval(() => {
      const cutoff = Date.now() - 10_000;
      arrivals.current = arrivals.current.filter((t) => t >= cutoff);
      setRate(arrivals.current.length / 10);
    }, 1000);
    return () => {
      stop();
      if (flushTimer !== null) clearTimeout(flushTimer);
      clearInterval(timer);
      setRate(0);
      setLiveOpen(false);
      setTrying(false);
      setWarnings([]);
    };
  }, [state.live, state.q, state.sort, searchSeq, tailFrom, authVersion, handleFailure, execute, clearFailure]);

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

  const showPending = () => {
    setResults((r) => {
      const searchedTo = Date.parse(absRange.current.to);
      // In the order they came (pending is newest first).
      return placeArrivals(r, pending.slice().reverse(), state.sort, searchedTo);
    });
    setPending([]);
    if (listRef.current) listRef.current.scrollTop = 0;
    scrollTop.current = 0;
  };

  const onScroll = (top: number) => {
    scrollTop.current = top;
    if (top <= 2 && pending.length > 0) showPending();
  };

  const reset = () => {
    setPending([]);
    outsideIds.current = new Set();
    setOutside(0);
    scrollTop.current = 0;
  };

  return { histArrived, pending, rate, outside, warnings, liveOpen, connecting: trying && !liveOpen, showPending, onScroll, reset };
}
