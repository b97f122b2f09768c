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
import { labelCentre, timeTicks, type TimeTick } from './time-ticks.js';

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
  /** The bars are a previous query's, kept under the query's error: dimmed, their counts not given, neither hovered nor clicked. */
  stale?: boolean;
  tz: TimeZoneMode;
  onSelect: (fromMs: number, toMs: number) => void;
}

/**
 * The count axis's top: the largest bar rounded up to a round number (41 →
 * 50, 312 → 400), labelled with 0. uPlot's own ticks keep 30 px apart, and
 * in a 110 px chart that left 0 alone for most ranges: no scale to read.
 * With no hit at all the scale still spans 0–1 (a flat scale draws nothing),
 * but only 0 is labelled (countSplits).
 */
function countTop(max: number): number {
  if (max <= 10) return Math.max(1, Math.ceil(max));
  const unit = 10 ** Math.floor(Math.log10(max));
  const m = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((x) => x * unit >= max)!;
  return m * unit;
}

/**
 * The count axis's labels: 0, the top and, when the plot is tall enough
 * for three and the half is a whole number, the half. A search with no
 * hits says 0 alone (Kibana's empty chart): its 0 and 1 read as a scale
 * of hits the bars did not have.
 */
function countSplits(top: number, max: number | null, plotHeightPx: number): number[] {
  if (!max) return [0];
  return plotHeightPx >= 80 && top >= 2 && Number.isInteger(top / 2) ? [0, top / 2, top] : [0, top];
}

/** Powers of ten of seconds, a millisecond to 10^13 s (300,000 years). */
const SPLIT_STEPS = Array.from({ length: 17 }, (_, i) => 10 ** (i - 3));

const AXIS_FONT_PX = 12;
const AXIS_FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
/** uPlot's own axis font, named so the labels can be measured. */
const AXIS_FONT = `${AXIS_FONT_PX}px ${AXIS_FONT_FAMILY}`;
/** uPlot's defaults for an axis: its ticks' length, the gap under them and the line height (of the font's size). */
const TICK_PX = 10;
const TICK_GAP_PX = 5;
const LINE_GAP = 1.5;

/**
 * The time axis's labels, drawn after uPlot has drawn the rest: uPlot
 * centres every label on its tick, and the first one (with its date) then
 * reached out from under the plot, under the count axis. Here each is
 * placed by labelCentre, as timeTicks laid them out.
 */
function drawTimeLabels(u: uPlot, ticks: readonly TimeTick[], color: string): void {
  const ratio = uPlot.pxRatio;
  const { ctx } = u;
  const left = u.bbox.left;
  const width = u.bbox.width;
  const top = u.bbox.top + u.bbox.height + Math.round(TICK_PX * ratio) + Math.round(TICK_GAP_PX * ratio);
  ctx.save();
  ctx.font = `${AXIS_FONT_PX * ratio}px ${AXIS_FONT_FAMILY}`;
  ctx.fillStyle = color;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const tick of ticks) {
    const x = u.valToPos(tick.ms / 1000, 'x', true) - left;
    if (x < -0.5 || x > width + 0.5) continue;
    tick.label.split('\n').forEach((text, line) => {
      if (text === '') return;
      ctx.fillText(text, left + labelCentre(x, ctx.measureText(text).width, width), top + line * AXIS_FONT_PX * ratio * LINE_GAP);
    });
  }
  ctx.restore();
}

/**
 * The chart's height: the frame's, which styles.css sizes from the window's
 * (about 120 px of bars on a laptop, less on a short window, never under 60).
 * Fixed at 110 px it left 45 px of bars.
 */
function chartHeight(el: HTMLElement): number {
  return Math.max(110, el.clientHeight - (parseFloat(getComputedStyle(el).paddingTop) || 0));
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
/** The largest bar, 0 for none. */
function dataMax(data: HistogramData): number {
  return data.total.reduce((a, b) => Math.max(a, b), 0);
}

function seriesOf(data: HistogramData): uPlot.AlignedData {
  const errWarn = data.errors.map((e, i) => e + (data.warnings[i] ?? 0));
  return [data.keys.map((k) => k / 1000), ...[data.total, errWarn, data.errors].map((xs) => xs.map((x) => (x === 0 ? null : x)))];
}

export function Histogram({ data, loading, stale = false, tz, onSelect }: HistogramProps) {
  const host = useRef<HTMLDivElement>(null);
  const select = useRef(onSelect);
  select.current = onSelect;
  const latest = useRef(data);
  latest.current = data;
  const busy = useRef(loading || stale);
  busy.current = loading || stale;
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
    const muted = cssVar('--muted');
    // The time axis's ticks, laid out for the plotting area's width (which
    // uPlot hands `space` just before it asks for the splits) and kept for
    // the labels uPlot asks for next.
    let plotWidth = 0;
    let ticks: TimeTick[] = [];
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: chartHeight(el),
        legend: { show: false },
        // Room for the last bar's right edge; the labels stay over the plot (drawTimeLabels).
        padding: [null, 12, null, null],
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
            font: AXIS_FONT, stroke: muted, grid: { show: false }, ticks: { stroke: cssVar('--border'), size: TICK_PX }, gap: TICK_GAP_PX,
            // Any step will do (timeTicks picks them; uPlot only needs one to
            // find): its own time steps end at decades, and past them, on a
            // range of centuries, it drew no axis at all.
            incrs: SPLIT_STEPS,
            space: (_u, _i, _min, _max, dim) => {
              plotWidth = dim;
              return 50;
            },
            splits: (_u, _i, min, max) => {
              ticks = timeTicks(min * 1000, max * 1000, plotWidth, tz, measure);
              return ticks.map((t) => t.ms / 1000);
            },
            // Drawn by drawTimeLabels; the ticks are uPlot's.
            values: (_u, splits) => splits.map(() => null),
          },
          // Counts: 0 and the top, whole numbers (uPlot's own steps gave 2.5 hits).
          {
            font: AXIS_FONT, stroke: muted, grid: { stroke: cssVar('--border'), width: 1 }, ticks: { show: false },
            // As wide as its longest label (`2,000,000`) and a gap.
            size: (_u, values) => Math.max(28, ...(values ?? []).map((v) => Math.ceil(measure(String(v))))) + 10,
            splits: (u) => countSplits(u.scales.y!.max ?? 1, dataMax(cur()), u.bbox.height / uPlot.pxRatio),
          },
        ],
        series: [
          {},
          { label: 'all', fill: cssVar('--bar'), stroke: cssVar('--bar'), paths: bars, points: { show: false } },
          { label: 'warnings', fill: cssVar('--warn'), stroke: cssVar('--warn'), paths: bars, points: { show: false } },
          { label: 'errors', fill: cssVar('--error'), stroke: cssVar('--error'), paths: bars, points: { show: false } },
        ],
        hooks: {
          draw: [(u) => drawTimeLabels(u, ticks, muted)],
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
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: chartHeight(el) }));
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
  const shown = loading || stale ? null : data;
  return (
    <div class={`histogram-frame${loading ? ' loading' : stale ? ' stale' : ''}`}>
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
