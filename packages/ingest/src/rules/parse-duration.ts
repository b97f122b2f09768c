/**
 * Prometheus durations: `90s`, `5m`, `1h30m`, `500ms`, `2d`, `1w`. Units
 * largest first, each at most once, as Prometheus's own parser wants them.
 * Returns milliseconds, or null when the text is not a duration.
 */
const UNIT_MS: Record<string, number> = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

export function parseDuration(text: string): number | null {
  if (text === '' || text === '0') return text === '0' ? 0 : null;
  const m = DURATION.exec(text);
  if (!m) return null;
  let ms = 0;
  ORDER.forEach((unit, i) => {
    const n = m[i + 1];
    if (n !== undefined) ms += Number(n) * (UNIT_MS[unit] as number);
  });
  return ms;
}

/** 300000 → `5m`, 90000 → `1m30s`: the shortest Prometheus spelling. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ORDER) {
    const size = UNIT_MS[unit] as number;
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}
