/**
 * The results, in the chosen order, virtualized: only rows near the viewport are in
 * the DOM; heights are measured as rows render (messages wrap and tracebacks
 * keep their lines), unseen rows count an estimate. Scrolling near the end
 * asks for the next page. Keyboard: ↑/↓ move between rows, Page Up/Down a list's
 * height, Home/End to the first and last, Enter expands, Escape closes.
 *
 *   Page Down ─► a page on within the loaded rows? ─► focus there
 *            └► past them, more to come ─► ask the next page (once), focus
 *               stays, the list's end and "Loading more…" in sight
 *               ─► rows in and measured ─► focus a page on from that row
 *               (the page failed or none left: the last loaded row)
 */
import type { LogEvent } from '@logship/query/browser';
import type { VNode } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ColumnHeader, TableLine, tableTemplate } from './column-table.js';
import { EventDetail, type EventActions } from './event-detail.js';
import { EventLine } from './event-row.js';
import type { TimeZoneMode } from './page-state.js';

const ESTIMATE = 26;
const OVERSCAN_PX = 600;

export interface ResultsListProps {
  events: LogEvent[];
  cols: string[];
  tz: TimeZoneMode;
  hasMore: boolean;
  loadingMore: boolean;
  /** The next page failed: no more automatic loading, a Retry button instead. */
  moreError: string | null;
  onMore: () => void;
  actions: EventActions;
  /** Called with the list's scrollTop, so live tail can pause while the user reads. */
  onScroll: (scrollTop: number) => void;
  scrollRef: { current: HTMLDivElement | null };
  /** The chosen columns changed from the table's header (removed, moved). */
  onColumns: (cols: string[]) => void;
  /** Event id highlighted (context anchor); optional. */
  highlight?: string;
}

/**
 * Scrolls `list` the least that puts `row` in sight, as laid out. A row was
 * scrolled to by offsets that count an estimate for rows never rendered;
 * taller ones (a table's messages wrapping onto a second line) put End's
 * row hundreds of pixels below the list's bottom, focused out of sight.
 */
function bringIntoSight(list: HTMLElement, row: HTMLElement): void {
  const r = row.getBoundingClientRect();
  const top = list.getBoundingClientRect().top + list.clientTop;
  const bottom = top + list.clientHeight;
  if (r.top < top) list.scrollTop -= top - r.top;
  else if (r.bottom > bottom) list.scrollTop += Math.min(r.bottom - bottom, r.top - top);
}

export function ResultsList(props: ResultsListProps) {
  const { events, cols, tz } = props;
  const heights = useRef(new Map<string, number>());
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(800);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [, force] = useState(0);
  const pendingFocus = useRef<number | null>(null);
  // The row that last had focus, by id (live events shift indexes).
  const focusedId = useRef<string | null>(null);
  // A Page Down that went past the loaded rows while more exist: the row it
  // was pressed on (by id) and the pages asked for since, carried out when
  // the next page is in. `reveal`: the list's end not yet scrolled to.
  const pagingOn = useRef<{ from: string; pages: number; reveal: boolean } | null>(null);
  // The list's length when a Page Down asked for the next page: asked once.
  const askedAt = useRef(-1);
  const box = props.scrollRef;
  // Chosen columns make the list a table (column-table.tsx); its header
  // sits above the scrolled rows and follows them sideways.
  const table = cols.length > 0;
  const template = useMemo(() => (table ? tableTemplate(events, cols) : ''), [table, events, cols]);
  const head = useRef<HTMLDivElement | null>(null);

  const heightOf = (ev: LogEvent): number => heights.current.get(ev['event.id']) ?? ESTIMATE;
  // Offsets of every row; a few thousand additions per render is cheap.
  const offsets = new Array<number>(events.length + 1);
  offsets[0] = 0;
  for (let i = 0; i < events.length; i++) offsets[i + 1] = offsets[i]! + heightOf(events[i]!);
  const total = offsets[events.length]!;
  let first = 0;
  while (first < events.length && offsets[first + 1]! < scrollTop - OVERSCAN_PX) first++;
  let last = first;
  while (last < events.length && offsets[last]! < scrollTop + viewport + OVERSCAN_PX) last++;
  // The focused row stays in the page when the wheel scrolls it far away:
  // unmounted, focus fell to the body and ↑/↓ moved nothing until a click,
  // where Kibana's list goes on from that row. It is laid out where it
  // belongs (spacers either side), so nothing else moves.
  const kept = focusedId.current === null ? -1 : events.findIndex((ev) => ev['event.id'] === focusedId.current);
  const keptAbove = kept >= 0 && kept < first;
  const keptBelow = kept >= last;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    let changed = false;
    for (const row of el.querySelectorAll<HTMLElement>('[data-event-id]')) {
      const id = row.dataset.eventId!;
      // Fractional, as laid out: offsetHeight rounds (24.5 px rows read 25),
      // and over a window of rows the offsets ran tens of pixels past the
      // rows, so a row scrolled to (↑, Page Up) stayed partly out of sight.
      const h = row.getBoundingClientRect().height;
      if (heights.current.get(id) !== h) {
        heights.current.set(id, h);
        changed = true;
      }
    }
    if (changed) force((n) => n + 1);
    // Carried out on measured rows: the new page's, estimated, put the
    // target a row or two short.
    else if (pagingOn.current !== null) settlePageDown();
    if (pendingFocus.current !== null) {
      const target = el.querySelector<HTMLElement>(`[data-index="${pendingFocus.current}"]`);
      if (target) {
        target.focus({ preventScroll: true });
        pendingFocus.current = null;
        bringIntoSight(el, target);
      }
    }
  });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    if (props.hasMore && !props.loadingMore && props.moreError === null && scrollTop + viewport > total - 800) props.onMore();
  }, [scrollTop, viewport, total, props.hasMore, props.loadingMore, props.moreError]);

  const onScroll = (e: Event) => {
    const top = (e.currentTarget as HTMLElement).scrollTop;
    if (head.current) head.current.scrollLeft = (e.currentTarget as HTMLElement).scrollLeft;
    setScrollTop(top);
    props.onScroll(top);
  };

  const toggle = (id: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };

  const moveFocus = (to: number) => {
    if (to < 0 || to >= events.length) return;
    const el = box.current!;
    const top = offsets[to]!;
    const bottom = offsets[to + 1]!;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (bottom > el.scrollTop + el.clientHeight) el.scrollTop = bottom - el.clientHeight;
    setScrollTop(el.scrollTop);
    pendingFocus.current = to;
    force((n) => n + 1);
  };

  const pageStep = (): number => Math.max(ESTIMATE, (box.current?.clientHeight ?? viewport) - ESTIMATE);

  /**
   * The row a page (the list's height) below or above row `i`, at least the
   * next one. PageDown was the browser's: it scrolled the list under the
   * focused row, which left the page once out of sight, so the second press
   * scrolled nothing and ↓ moved nothing (focus was on the page's body).
   */
  const pageFrom = (i: number, dir: 1 | -1): number => {
    const step = pageStep();
    let j = i;
    if (dir > 0) while (j < events.length - 1 && offsets[j + 1]! - offsets[i]! <= step) j++;
    else while (j > 0 && offsets[i]! - offsets[j - 1]! <= step) j--;
    return j === i ? Math.min(Math.max(i + dir, 0), events.length - 1) : j;
  };

  /**
   * The row `pages` pages below row `i`; `short` when the loaded rows end
   * within that (so a page not loaded yet holds the row asked for).
   */
  const pagesDown = (i: number, pages: number): { to: number; short: boolean } => {
    let to = i;
    for (let p = 0; p < pages; p++) {
      if (offsets[events.length]! - offsets[to]! <= pageStep()) return { to: events.length - 1, short: true };
      to = pageFrom(to, 1);
    }
    return { to, short: false };
  };

  /**
   * Carries out the pending Page Down, or waits for the next page. It
   * stopped at the last loaded row when the next page had not come: a page
   * on is what the press asks for, in a list that loads as it goes (Kibana's
   * Discover, Grafana's logs). Presses while it loads add a page each: the
   * user counts presses from the row they see focused, which has not moved.
   * Dropped when focus has gone to another row or out of the list (the user
   * has gone on), or the row is gone (a new search).
   */
  const settlePageDown = () => {
    const p = pagingOn.current!;
    const i = focusedId.current === p.from ? events.findIndex((ev) => ev['event.id'] === p.from) : -1;
    if (i < 0) { pagingOn.current = null; return; }
    const { to, short } = pagesDown(i, p.pages);
    if (short && props.hasMore && props.moreError === null) {
      if (!props.loadingMore && askedAt.current !== events.length) { askedAt.current = events.length; props.onMore(); }
      // The rest of the loaded rows fit below the focused one (short), so it
      // stays in sight with the list's end and "Loading more…" under it.
      const el = box.current;
      if (p.reveal && el) { el.scrollTop = Math.min(offsets[i]!, el.scrollHeight - el.clientHeight); p.reveal = !props.loadingMore; }
      return;
    }
    // In, or no more to come (none left, or the page failed and says so
    // with Retry below): as far as the rows go.
    pagingOn.current = null;
    moveFocus(to);
    // Stopped short of a page: the line under the rows says why ("End of
    // results", or the failure with Retry), so it comes into sight too; the
    // last row, focused, stays in sight above it.
    const el = box.current;
    if (short && el) {
      el.scrollTop = el.scrollHeight - el.clientHeight;
      setScrollTop(el.scrollTop);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!row) return;
    // Escape closes an open row from anywhere in it, focus back on the row.
    if (e.key === 'Escape' && expanded.has(row.dataset.eventId!)) {
      e.preventDefault();
      toggle(row.dataset.eventId!);
      row.focus({ preventScroll: true });
      return;
    }
    if (e.target !== row) return;
    const i = Number(row.dataset.index);
    const id = row.dataset.eventId!;
    // Any other key is the user going on from where focus is.
    if (e.key !== 'PageDown') pagingOn.current = null;
    if (e.key === 'ArrowDown' || e.key === 'j') { e.preventDefault(); moveFocus(i + 1); }
    else if (e.key === 'ArrowUp' || e.key === 'k') { e.preventDefault(); moveFocus(i - 1); }
    else if (e.key === 'Home') { e.preventDefault(); moveFocus(0); }
    // End is the last row loaded, not of all the results (which may be a
    // million rows away), as in Kibana's and Grafana's lists; the list at
    // its end asks for the next page, so End again goes on.
    else if (e.key === 'End') { e.preventDefault(); moveFocus(events.length - 1); }
    else if (e.key === 'PageDown') {
      e.preventDefault();
      const p = pagingOn.current;
      pagingOn.current = p?.from === id ? { ...p, pages: p.pages + 1 } : { from: id, pages: 1, reveal: true };
      settlePageDown();
    }
    else if (e.key === 'PageUp') { e.preventDefault(); moveFocus(pageFrom(i, -1)); }
    else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(id); }
  };

  const row = (i: number) => {
    const ev = events[i]!;
    const id = ev['event.id'];
    const open = expanded.has(id);
    return (
      <div
        key={id}
        role="row"
        class={`row${open ? ' open' : ''}${props.highlight === id ? ' anchor' : ''}`}
        data-event-id={id}
        data-index={i}
        tabIndex={0}
        onFocus={() => { focusedId.current = id; }}
        // Focus gone elsewhere (the query bar, a menu) frees the row; a
        // window losing focus (no relatedTarget) keeps it, as focus comes back to it.
        onBlur={(e) => { const to = e.relatedTarget as Node | null; if (to && !box.current?.contains(to)) focusedId.current = null; }}
        aria-expanded={open}
        aria-level={1}
        aria-rowindex={i + 1}
        onClick={(e) => {
          if ((e.target as HTMLElement).closest('button, a, .detail')) return;
          if (window.getSelection()?.toString()) return;
          toggle(id);
        }}
      >
        <div role="gridcell">
          {table ? <TableLine ev={ev} cols={cols} tz={tz} template={template} /> : <EventLine ev={ev} tz={tz} />}
          {open && <EventDetail ev={ev} cols={cols} tz={tz} actions={props.actions} />}
        </div>
      </div>
    );
  };

  // One flat keyed list, so the kept row is the same element (still
  // focused) whether it is in the window or beside it.
  const rows: VNode[] = [<div key="above" style={{ height: `${offsets[keptAbove ? kept : first]}px` }} />];
  if (keptAbove) rows.push(row(kept), <div key="gap-above" style={{ height: `${offsets[first]! - offsets[kept + 1]!}px` }} />);
  for (let i = first; i < last; i++) rows.push(row(i));
  if (keptBelow) rows.push(<div key="gap-below" style={{ height: `${offsets[kept]! - offsets[last]!}px` }} />, row(kept));
  rows.push(<div key="below" style={{ height: `${total - offsets[keptBelow ? kept + 1 : last]!}px` }} />);

  return (
    <>
    {table && <ColumnHeader cols={cols} template={template} onColumns={props.onColumns} headRef={head} />}
    <div class={table ? 'results table' : 'results'} ref={box} onScroll={onScroll} onKeyDown={onKeyDown}>
      {/*
        A tree grid of one column: its rows take aria-expanded (a listitem
        does not) and say their place among all results (aria-rowindex),
        as only those near the viewport are in the page.
      */}
      <div role="treegrid" aria-label="Results" aria-readonly="true" aria-rowcount={props.hasMore ? -1 : events.length}>
      {rows}
      </div>
      {props.loadingMore && <div class="more">Loading more…</div>}
      {props.moreError !== null && (
        <div class="more error" role="alert">
          Could not load more ({props.moreError}). <button type="button" onClick={props.onMore}>Retry</button>
        </div>
      )}
      {!props.hasMore && events.length > 0 && <div class="more end">End of results</div>}
    </div>
    </>
  );
}
