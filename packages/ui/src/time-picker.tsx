/** Quick ranges, absolute or date-math from/to, and local time or UTC. */
import { useEffect, useState } from 'preact/hooks';
import type { TimeZoneMode } from './page-state.js';
import { describeRange, normalizeTimeInput, QUICK_RANGES, resolveRange } from './time-range.js';

export interface TimePickerProps {
  from: string;
  to: string;
  tz: TimeZoneMode;
  onChange: (range: { from: string; to: string }) => void;
  onTz: (tz: TimeZoneMode) => void;
}

export function TimePicker({ from, to, tz, onChange, onTz }: TimePickerProps) {
  const [open, setOpen] = useState(false);
  const [fromText, setFrom] = useState(from);
  const [toText, setTo] = useState(to);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setFrom(from);
    setTo(to);
  }, [from, to]);

  const apply = (e: Event) => {
    e.preventDefault();
    try {
      const f = normalizeTimeInput(fromText, tz);
      const t = normalizeTimeInput(toText, tz);
      const r = resolveRange(f, t, tz);
      if (r.from > r.to) throw new Error('"from" is after "to"');
      setError(null);
      setOpen(false);
      onChange({ from: f, to: t });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div class="time-picker">
      <button type="button" aria-expanded={open} aria-label="Time range" onClick={() => setOpen(!open)}>
        {describeRange(from, to)}
      </button>
      <select aria-label="Time zone" value={tz} onChange={(e) => onTz((e.target as HTMLSelectElement).value as TimeZoneMode)}>
        <option value="local">Local time</option>
        <option value="utc">UTC</option>
      </select>
      {open && (
        <div class="picker-panel">
          <div class="quick">
            {QUICK_RANGES.map((r) => (
              <button type="button" key={r.from} onClick={() => { setOpen(false); onChange({ from: r.from, to: 'now' }); }}>
                {r.label}
              </button>
            ))}
          </div>
          <form onSubmit={apply} class="absolute">
            <label>From <input aria-label="From" value={fromText} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} placeholder="now-2h/h or 2026-12-03 10:00" /></label>
            <label>To <input aria-label="To" value={toText} onInput={(e) => setTo((e.target as HTMLInputElement).value)} placeholder="now" /></label>
            <button type="submit">Apply</button>
            {error && <p role="alert" class="error-text">{error}</p>}
            <p class="muted">Dates without a zone are read in {tz === 'utc' ? 'UTC' : 'local time'}; date math: now-2h/h, now/d.</p>
          </form>
        </div>
      )}
    </div>
  );
}
