import type { SearchAnswer } from './api-client.js';
import { ExportMenu } from './export-menu.js';
import type { ExportRequest } from './export-results.js';
import type { SortOrder } from './page-state.js';
import type { Results } from './search-results.js';

export interface SearchSummaryProps {
  results: Results;
  /** The search's total with live's arrivals added. */
  total: SearchAnswer['total'] | null;
  live: boolean;
  /** The answers are a previous query's (use-search.ts `stale`): order and Download, which act on them, are not offered. */
  stale: boolean;
  liveOpen: boolean;
  /** Live's stream is being opened: "connecting…" (said only then, never behind the sign-in prompt). */
  connecting: boolean;
  rate: number;
  pending: number;
  /** Events live sent outside the range (late, or stamped far ahead), left out. */
  outside: number;
  onShowPending: () => void;
  sort: SortOrder;
  onSort: (sort: SortOrder) => void;
  /** The chosen columns: a CSV download has these (export-results.ts). */
  cols: string[];
  /** What Download exports (null: nothing to export yet). */
  exportRequest: () => ExportRequest | null;
}

/** Above the results: hits and time taken, live's rate, "N new", order and Download. */
export function SearchSummary({ results, total, live, stale, liveOpen, connecting, rate, pending, outside, onShowPending, sort, onSort, cols, exportRequest }: SearchSummaryProps) {
  return (
    <div class="summary">
      <span class="total" data-total={total?.value ?? ''} data-relation={total?.relation ?? ''}>
        {results.loading ? 'Searching…' : total ? `${total.relation === 'gte' ? '≥ ' : ''}${total.value.toLocaleString()} ${total.value === 1 && total.relation === 'eq' ? 'hit' : 'hits'}` : ''}
      </span>
      {results.tookMs !== null && <span class="muted"> in {results.tookMs} ms</span>}
      {live && (liveOpen || connecting) && (
        <span class="rate" data-live={liveOpen ? 'open' : 'connecting'}>
          · {liveOpen ? `live, ${rate.toFixed(1)} events/s` : 'connecting…'}
        </span>
      )}
      {live && outside > 0 && (
        <span class="muted outside" data-outside={outside} title="Sent live with a time outside the range (late, or a clock ahead): not listed or counted. Search that time to see them.">
          {' '}· {outside.toLocaleString()} outside the range
        </span>
      )}
      {pending > 0 && (
        <button type="button" class="new-marker" onClick={onShowPending}>{pending} new</button>
      )}
      {!stale && <select
        class="order"
        aria-label="Order"
        value={sort}
        onChange={(e) => onSort((e.target as HTMLSelectElement).value === 'asc' ? 'asc' : 'desc')}
      >
        <option value="desc">Newest first</option>
        <option value="asc">Oldest first</option>
      </select>}
      {!stale && <ExportMenu request={exportRequest} cols={cols} />}
    </div>
  );
}
