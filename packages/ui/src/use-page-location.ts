/**
 * The page's state as the URL holds it (page-state.ts), and the query bar's
 * text beside it. Every change that asks the server again goes through
 * `navigate`, which pushes a history entry and runs the search; the first
 * load (and a token given) and back/forward run what the URL says.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import { coherentLive, readLocation, sameState, writeLocation, type PageState } from './page-state.js';

export interface PageLocation {
  state: PageState;
  /** What the query bar holds now (not state: keystrokes need no re-render). */
  draft: RefObject<string>;
  /** Changes when the page sets the bar's text itself. */
  queryKey: number;
  /** `state` as of the last render, for callbacks made before it. */
  latest: RefObject<PageState>;
  /** Shows `s` (the bar's text too) without touching the URL or searching. */
  show: (s: PageState) => void;
}

export function usePageLocation(): PageLocation {
  const [state, setState] = useState<PageState>(readLocation);
  const draft = useRef(state.q);
  const [queryKey, setQueryKey] = useState(0);
  const latest = useRef(state);
  latest.current = state;
  const show = useCallback((s: PageState) => {
    setState(s);
    draft.current = s.q;
    setQueryKey((k) => k + 1);
  }, []);
  return { state, draft, queryKey, latest, show };
}

/**
 * `navigate(state)` applies a new state: a history entry, then a search
 * unless only display settings changed (`{ search: false }`).
 */
export function useNavigation(page: PageLocation, execute: (s: PageState) => void, authVersion: number) {
  const { show } = page;
  const navigate = useCallback((asked: PageState, opts: { search?: boolean } = {}) => {
    const next = coherentLive(asked);
    if (!sameState(next, readLocation())) writeLocation(next, 'push');
    show(next);
    if (opts.search !== false) execute(next);
  }, [execute, show]);

  // First load (and after a token is given): run what the URL says.
  useEffect(() => {
    const s = readLocation();
    writeLocation(s, 'replace');
    show(s);
    execute(s);
  }, [authVersion]);

  useEffect(() => {
    const onPop = () => {
      const s = readLocation();
      show(s);
      execute(s);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [execute]);

  return navigate;
}
