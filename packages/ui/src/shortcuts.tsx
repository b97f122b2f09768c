import type { SavedQueriesAnswer } from './api-client.js';

/** Below the header: the server's saved queries as chips, and the queries run before. */
export function Shortcuts({ saved, history, onQuery }: {
  saved: SavedQueriesAnswer['queries'];
  history: string[];
  onQuery: (q: string) => void;
}) {
  return (
    <nav class="shortcuts" aria-label="Saved queries">
      {saved.map((s) => (
        <button type="button" class="chip" key={s.name} title={s.query} onClick={() => onQuery(`@${s.name}`)}>
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
                    onQuery(h);
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
  );
}
