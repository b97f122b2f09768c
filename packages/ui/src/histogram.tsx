/**
 * Hits over the range as bars (uPlot), errors and warnings stacked in their
 * colours over the rest. Dragging across it narrows the range; a click
 * narrows it to the bar under the pointer, whose time and counts a tooltip
 * shows on hover (as Kibana's and Grafana's histograms do).
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AnswerMark } from './commit-marks.js';
import type { TimeZoneMode } from './page-state.js';
import { formatTime } from './time-range.js';
import { timeTicks, type TimeTick } from './time-ticks.js';

export interface HistogramData {
  /** Bucket starts, epoch ms. */
  keys: number[];
  total: number[];
  errors: number[];
  warnings: number[];
  intervalMs: number;
  /** Each series' answer's commit mark: the live events it counts already (commit-marks.ts). */
  marks?: { total?: AnswerMark | undefined; errors?: AnswerMark | undefined; warnings?: AnswerMark | undefined };
}

export interface HistogramProps {
  data: HistogramData | null;
  /**
   * A new search's histogram is on its way: `data`, if any, is the previous
   * search's, kept dimmed under a loading sign (so the page does not jump)
   * and neither hovered nor clicked (its counts are not this search's).
   */
  loading: boolean;
  tz: TimeZoneMode;
  onSelect: (fromMs: number, toMs: number) => void;
}

/**
 * The count axis's top: the largest bar rounded up to a round number (41 →
 * 50, 312 → 400), labelled with 0. uPlot's own ticks keep 30 px apart, and
 * in a 110 px chart that left 0 alone for most ranges: no scale to read.
 */
function countTop(max: number): number {
  if (max <= 10) return Math.max(1, Math.ceil(max));
  const unit = 10 ** Math.floor(Math.log10(max));
  const m = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((x) => x * unit >= max)!;
  return m * unit;
}

/** uPlot's own axis font, named so the labels can be measured. */
const AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';

/**
 * Room either side of the bars for half the widest time label: the first
 * tick on a short range sits on the chart's left edge and carries the date
 * and time (`2026-12-06 09:20` under `:00`), centred on it; with 44 px of
 * count axis there it was cut off.
 */
function edgeRoom(measure: (text: string) => number): number {
  return Math.ceil(measure('8888-88-88 88:88') / 2) + 2;
}

/** A text's width in CSS pixels in the axis font (cached: the axis asks again on every redraw). */
function axisMeasure(): (text: string) => number {
  const ctx = document.createElement('canvas').getContext('2d');
  const widths = new Map<string, number>();
  if (ctx) ctx.font = AXIS_FONT;
  return (text) => {
    let w = widths.get(text);
    if (w === undefined) {
      // Without a canvas (never in a browser): 7 px a character, about this font's.
      w = ctx ? ctx.measureText(text).width : 7 * text.length;
      widths.set(text, w);
    }
    return w;
  };
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/**
 * The chart's series: bucket starts in seconds, then all, errors+warnings
 * and errors, drawn in that order so the later (smaller) sit on top of the
 * earlier and read as a stack. An empty bucket draws nothing rather than a
 * zero-height bar.
 */
function seriesOf(data: HistogramData): uPlot.AlignedData {
  const errWarn = data.errors.map((e, i) => e + (data.warnings[i] ?? 0));
  return [data.keys.map((k) => k / 1000), ...[data.total, errWarn, data.errors].map((xs) => xs.map((x) => (x === 0 ? null : x)))];
}

export function Histogram({ data, loading, tz, onSelect }: HistogramProps) {
  const host = useRef<HTMLDivElement>(null);
  const select = useRef(onSelect);
  select.current = onSelect;
  const latest = useRef(data);
  latest.current = data;
  const busy = useRef(loading);
  busy.current = loading;
  const plotRef = useRef<uPlot | null>(null);
  // The chart is made again only when its bucket width changes; new counts
  // and buckets (live mode adds each event as it comes, and its range moves
  // with now) are drawn into it, the hooks reading the latest data.
  // Made again per live event, it dropped a drag or a tooltip in progress.
  const layout = data ? String(data.intervalMs) : '';

  useLayoutEffect(() => {
    const el = host.current;
    const first = latest.current;
    if (!el || !first) return;
    const cur = (): HistogramData => latest.current ?? first;
    const bars = uPlot.paths.bars!({ size: [0.8, 40], align: 1 });
    // The bucket under the pointer. Not uPlot's cursor.idx: that is the
    // nearest bucket *start*, the next bar's over the right half of a bar.
    const bucketAt = (u: uPlot): number | null => {
      const left = u.cursor.left;
      if (left === undefined || left < 0) return null;
      const data = cur();
      const i = Math.floor((u.posToVal(left, 'x') * 1000 - data.keys[0]!) / data.intervalMs);
      return i >= 0 && i < data.keys.length ? i : null;
    };
    const tip = document.createElement('div');
    tip.className = 'histogram-tip';
    tip.setAttribute('role', 'tooltip');
    tip.hidden = true;
    let dragged = false;
    const measure = axisMeasure();
    const edge = edgeRoom(measure);
    // The time axis's ticks, laid out for the plotting area's width (which
    // uPlot hands `space` just before it asks for the splits) and kept for
    // the labels uPlot asks for next.
    let plotWidth = 0;
    let ticks: TimeTick[] = [];
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: 110,
        legend: { show: false },
        padding: [null, edge, null, null],
        cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
        select: { show: true, left: 0, top: 0, width: 0, height: 0 },
        scales: {
          x: {
            time: true,
            range: () => {
              const { keys, intervalMs } = cur();
              return [(keys[0] ?? 0) / 1000, ((keys[keys.length - 1] ?? 0) + intervalMs) / 1000];
            },
          },
          // Counts start at zero, even when every bucket is empty.
          y: { range: (_u, _min, max) => [0, countTop(max ?? 1)] },
        },
        axes: [
          {
            font: AXIS_FONT, stroke: cssVar('--muted'), grid: { show: false }, ticks: { stroke: cssVar('--border') },
            space: (_u, _i, _min, _max, dim) => {
              plotWidth = dim;
              return 50;
            },
            splits: (_u, _i, min, max) => {
              ticks = timeTicks(min * 1000, max * 1000, plotWidth, tz, measure);
              return ticks.map((t) => t.ms / 1000);
            },
            values: (_u, splits) => splits.map((x, i) => (ticks[i] !== undefined && Math.abs(ticks[i].ms - x * 1000) < 1 ? ticks[i].label : '')),
          },
          // Counts: 0 and the top, whole numbers (uPlot's own steps gave 2.5 hits).
          { font: AXIS_FONT, stroke: cssVar('--muted'), grid: { stroke: cssVar('--border'), width: 1 }, size: Math.max(44, edge), ticks: { show: false }, splits: (u) => [0, u.scales.y!.max ?? 1] },
        ],
        series: [
          {},
          { label: 'all', fill: cssVar('--bar'), stroke: cssVar('--bar'), paths: bars, points: { show: false } },
          { label: 'warnings', fill: cssVar('--warn'), stroke: cssVar('--warn'), paths: bars, points: { show: false } },
          { label: 'errors', fill: cssVar('--error'), stroke: cssVar('--error'), paths: bars, points: { show: false } },
        ],
        hooks: {
          setSelect: [
            (u) => {
              if (u.select.width < 3) return;
              dragged = true;
              if (busy.current) {
                u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
                return;
              }
              const from = u.posToVal(u.select.left, 'x') * 1000;
              const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              select.current(Math.round(from), Math.round(to));
            },
          ],
          setCursor: [
            (u) => {
              const i = bucketAt(u);
              if (i === null) {
                tip.hidden = true;
                return;
              }
              const now = cur();
              const n = (xs: number[]) => (xs[i] ?? 0).toLocaleString();
              tip.textContent = `${formatTime(now.keys[i]!, tz).replace(/\.000$/, '')} · ${n(now.total)} hits · ${n(now.errors)} errors · ${n(now.warnings)} warnings`;
              tip.hidden = false;
              const x = u.over.getBoundingClientRect().left - el.getBoundingClientRect().left + (u.cursor.left ?? 0);
              // Kept inside the chart: left of the pointer on its right half.
              tip.style.left = x > el.clientWidth / 2 ? '' : `${x + 12}px`;
              tip.style.right = x > el.clientWidth / 2 ? `${el.clientWidth - x + 12}px` : '';
            },
          ],
        },
      },
      seriesOf(first),
      el,
    );
    plotRef.current = plot;
    el.appendChild(tip);
    // A click (no drag) narrows the range to the bar under the pointer; the
    // click that ends a drag is the drag's.
    const onClick = () => {
      if (dragged) {
        dragged = false;
        return;
      }
      if (busy.current) return;
      const i = bucketAt(plot);
      const data = cur();
      // Up to the bar's last millisecond: a range's end is inclusive, and an
      // event on the next bar's start (nginx times are whole seconds) was
      // found too, one more than the bar said.
      if (i !== null) select.current(data.keys[i]!, data.keys[i]! + data.intervalMs - 1);
    };
    plot.over.addEventListener('click', onClick);
    const onLeave = () => { tip.hidden = true; };
    plot.over.addEventListener('mouseleave', onLeave);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: 110 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.over.removeEventListener('click', onClick);
      plot.over.removeEventListener('mouseleave', onLeave);
      plot.destroy();
      plotRef.current = null;
      tip.remove();
    };
  }, [layout, tz]);

  // Drawn as the page commits, before it paints: from an effect (after the
  // paint) and uPlot's own deferred redraw, the new search's chart showed
  // for a frame without its loading sign but still with the old bars.
  useLayoutEffect(() => {
    const plot = plotRef.current;
    if (data && plot) plot.batch(() => plot.setData(seriesOf(data)));
  }, [data]);

  // The counts are said (data-sum, …) only when they are this search's.
  const shown = loading ? null : data;
  return (
    <div class={loading ? 'histogram-frame loading' : 'histogram-frame'}>
      <div class="histogram" ref={host} role="img" aria-label="Histogram" aria-busy={loading} data-loading={loading ? 'true' : 'false'}
        data-buckets={shown ? shown.keys.length : 0}
        data-sum={shown ? shown.total.reduce((a, b) => a + b, 0) : ''}
        data-errors={shown ? shown.errors.reduce((a, b) => a + b, 0) : ''}
        data-warnings={shown ? shown.warnings.reduce((a, b) => a + b, 0) : ''}
      />
      {loading && (
        <div class="histogram-loading" role="status">
          <span class="spinner" aria-hidden="true" />
          Loading histogram…
        </div>
      )}
    </div>
  );
}
