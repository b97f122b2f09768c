/** Quick ranges, absolute or date-math from/to, and local time or UTC. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { backwardsRangeText } from './backwards-range-words.js';
import type { TimeZoneMode } from './page-state.js';
import { describeRange, displayTimeInput, normalizeTimeInput, QUICK_RANGES, resolveRange } from './time-range.js';

export interface TimePickerProps {
  from: string;
  to: string;
  tz: TimeZoneMode;
  onChange: (range: { from: string; to: string }) => void;
  onTz: (tz: TimeZoneMode) => void;
  /** Twice the range around its centre (Grafana's and Kibana's zoom out). */
  onZoomOut: () => void;
}

export function TimePicker({ from, to, tz, onChange, onTz, onZoomOut }: TimePickerProps) {
  const [open, setOpen] = useState(false);
  const [fromText, setFrom] = useState(displayTimeInput(from, tz));
  const [toText, setTo] = useState(displayTimeInput(to, tz));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setFrom(displayTimeInput(from, tz));
    setTo(displayTimeInput(to, tz));
  }, [from, to, tz]);

  // Escape (focus in the picker) or a click outside closes the panel, as
  // other menus do; text typed and not applied is dropped.
  const root = useRef<HTMLDivElement>(null);
  // Escape, Apply or a quick range give focus back to the range button, as a
  // menu does: the panel's inputs went away with focus in them, and a
  // keyboard user was left at the top of the page.
  const rangeButton = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    setError(null);
    setFrom(displayTimeInput(from, tz));
    setTo(displayTimeInput(to, tz));
  };
  const closeRef = useRef(close);
  closeRef.current = close;
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => { if (root.current && !root.current.contains(e.target as Node)) closeRef.current(); };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const apply = (e: Event) => {
    e.preventDefault();
    try {
      const f = normalizeTimeInput(fromText, tz);
      const t = normalizeTimeInput(toText, tz, true);
      const r = resolveRange(f, t, tz);
      // As typed (not the normalized ISO), so the swap it suggests is text the user recognizes.
      if (r.from > r.to) throw new Error(backwardsRangeText(fromText.trim(), toText.trim() || 'now', toText.trim() === ''));
      setError(null);
      setOpen(false);
      rangeButton.current?.focus();
      onChange({ from: f, to: t });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const described = describeRange(from, to, tz);
  return (
    <div class="time-picker" ref={root} onKeyDown={(e) => { if (open && e.key === 'Escape') { e.preventDefault(); close(); rangeButton.current?.focus(); } }}>
      {/* Named with its visible text, as a checker asks: "Time range" alone hid the range from a screen reader. */}
      <button type="button" class="range" ref={rangeButton} aria-expanded={open} aria-label={`Time range: ${described}`} title={described} onClick={() => setOpen(!open)}>
        {described}
      </button>
      <button type="button" class="zoom-out" aria-label="Zoom out" title="Zoom out: twice the range, around its centre" onClick={onZoomOut}>
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.6">
          <circle cx="6.5" cy="6.5" r="4.5" /><path d="M10 10l4 4M4.5 6.5h4" />
        </svg>
      </button>
      <select aria-label="Time zone" value={tz} onChange={(e) => onTz((e.target as HTMLSelectElement).value as TimeZoneMode)}>
        <option value="local">Local time</option>
        <option value="utc">UTC</option>
      </select>
      {open && (
        <div class="picker-panel">
          <div class="quick">
            {QUICK_RANGES.map((r) => (
              <button type="button" key={r.label} aria-pressed={r.from === from && r.to === to} onClick={() => { setOpen(false); rangeButton.current?.focus(); onChange({ from: r.from, to: r.to }); }}>
                {r.label}
              </button>
            ))}
          </div>
          <form onSubmit={apply} class="absolute">
            <label>From <input aria-label="From" value={fromText} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} placeholder="now-2h/h or 2026-12-03 10:00" /></label>
            <label>To <input aria-label="To" value={toText} onInput={(e) => setTo((e.target as HTMLInputElement).value)} placeholder="now" /></label>
            <button type="submit">Apply</button>
            {error && <p role="alert" class="error-text">{error}</p>}
            <p class="muted">Dates without a zone are read in {tz === 'utc' ? 'UTC' : 'local time'}; a time alone (10:00) is today's; a day alone as To means its end; an empty To is now; date math: now-2h/h, now/d.</p>
          </form>
        </div>
      )}
    </div>
  );
}
