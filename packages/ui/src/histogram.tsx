/**
 * Hits over the range as bars (uPlot), errors and warnings stacked in their
 * colours over the rest. Dragging across it narrows the range.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TimeZoneMode } from './page-state.js';

export interface HistogramData {
  /** Bucket starts, epoch ms. */
  keys: number[];
  total: number[];
  errors: number[];
  warnings: number[];
  intervalMs: number;
}

export interface HistogramProps {
  data: HistogramData | null;
  tz: TimeZoneMode;
  onSelect: (fromMs: number, toMs: number) => void;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export function Histogram({ data, tz, onSelect }: HistogramProps) {
  const host = useRef<HTMLDivElement>(null);
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    const el = host.current;
    if (!el || !data) return;
    const bars = uPlot.paths.bars!({ size: [0.8, 40], align: 1 });
    // Drawn in order, so the later (smaller) series sit on top of the earlier:
    // total, then errors+warnings, then errors, reads as a stack.
    const errWarn = data.errors.map((e, i) => e + (data.warnings[i] ?? 0));
    const secs = data.keys.map((k) => k / 1000);
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: 110,
        tzDate: tz === 'utc' ? (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') : (ts) => new Date(ts * 1000),
        legend: { show: false },
        cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
        select: { show: true, left: 0, top: 0, width: 0, height: 0 },
        scales: {
          x: { time: true, range: [secs[0] ?? 0, (secs[secs.length - 1] ?? 0) + data.intervalMs / 1000] },
          // Counts start at zero, even when every bucket is empty.
          y: { range: (_u, _min, max) => [0, Math.max(1, max ?? 1)] },
        },
        axes: [
          { stroke: cssVar('--muted'), grid: { show: false }, ticks: { stroke: cssVar('--border') } },
          { stroke: cssVar('--muted'), grid: { stroke: cssVar('--border'), width: 1 }, size: 44, ticks: { show: false } },
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
              const from = u.posToVal(u.select.left, 'x') * 1000;
              const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              select.current(Math.round(from), Math.round(to));
            },
          ],
        },
      },
      // An empty bucket draws nothing rather than a zero-height bar.
      [secs, ...[data.total, errWarn, data.errors].map((xs) => xs.map((x) => (x === 0 ? null : x)))],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: 110 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [data, tz]);

  return (
    <div class="histogram" ref={host} role="img" aria-label="Histogram" data-buckets={data ? data.keys.length : 0}
      data-sum={data ? data.total.reduce((a, b) => a + b, 0) : ''}
    />
  );
}
