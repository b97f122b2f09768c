/**
 * The server's saved queries (GET /api/v1/queries): the chips under the
 * header and the names `@` may refer to, which the page checks a query
 * against before the server is asked. The server's list changes with its
 * config (a reload, a restart), so the page's copy can be older than the
 * server's: it was asked on load and after a new token only, and a saved
 * query added since was refused by an open page until it was reloaded.
 * It is asked again when it can be stale and matters, not per keystroke
 * (as Kibana asks for its saved queries when their list is opened):
 *
 *   load, new token ─────────────────────────┐
 *   a query naming an `@name` the copy lacks ├─► GET /api/v1/queries (one at a time)
 *   the server refusing an unknown `@name`   │
 *   `@` typed in the bar, the tab shown again┘   (these two at most once a REFRESH_AFTER_MS)
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getJson, type SavedQueriesAnswer } from './api-client.js';

/** How old the list may be before `@` typed or the tab shown again asks for it. */
const REFRESH_AFTER_MS = 5_000;

export interface SavedQueries {
  /** The list as the server last answered it; null until it came (or if it could not be had). */
  saved: SavedQueriesAnswer['queries'] | null;
  names: readonly string[] | null;
  /** Asks for the list now (joining a request under way); resolves to its names, null if it could not be had. */
  refresh: () => Promise<readonly string[] | null>;
  /** Asks for it if the copy is older than REFRESH_AFTER_MS. */
  refreshIfOld: () => void;
}

export function useSavedQueries(authVersion: number): SavedQueries {
  const [saved, setSaved] = useState<SavedQueriesAnswer['queries'] | null>(null);
  const names = useMemo(() => saved?.map((s) => s.name) ?? null, [saved]);
  const asking = useRef<Promise<readonly string[] | null> | null>(null);
  const askedAt = useRef(0);
  /** Counts the requests sent: only the latest one's answer is applied. */
  const sent = useRef(0);

  const refresh = useCallback((): Promise<readonly string[] | null> => {
    if (asking.current) return asking.current;
    askedAt.current = Date.now();
    const mine = ++sent.current;
    // A request sent under an older token can finish after the one a new
    // token sent: it must not set the list (to null, if it was refused) nor
    // end the newer one's turn. Its callers get the newer one's answer.
    const p: Promise<readonly string[] | null> = getJson<SavedQueriesAnswer>('/api/v1/queries').then(
      (a) => {
        if (mine !== sent.current) return asking.current ?? a.queries.map((s) => s.name);
        setSaved(a.queries);
        return a.queries.map((s) => s.name);
      },
      () => {
        if (mine !== sent.current) return asking.current ?? null;
        setSaved(null);
        return null;
      },
    ).finally(() => { if (mine === sent.current) asking.current = null; });
    asking.current = p;
    return p;
  }, []);

  const refreshIfOld = useCallback(() => {
    if (Date.now() - askedAt.current >= REFRESH_AFTER_MS) void refresh();
  }, [refresh]);

  useEffect(() => {
    // A new token: what was asked under the old one may have been refused.
    asking.current = null;
    void refresh();
  }, [authVersion]);

  useEffect(() => {
    const onVisible = () => { if (document.visibilityState === 'visible') refreshIfOld(); };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [refreshIfOld]);

  return { saved, names, refresh, refreshIfOld };
}
