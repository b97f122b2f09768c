/**
 * Prometheus durations: `90s`, `5m`, `1h30m`, `500ms`, `2d`, `1w`. Units
 * largest first, each at most once, as Prometheus's own parser wants them.
 * Returns milliseconds, or null when the text is not a duration.
 */
const UNIT_MS: Record<string, number> = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/** The JSON Schema pattern of a duration key (alerting-config.ts); the config words its refusal with notADuration, not the pattern. */
export const DURATION_PATTERN = '^[0-9]+(ms|[smhdwy])([0-9]+(ms|[smhdwy]))*$';

/**
 * What a refused duration is told, in the server config and the rule
 * files alike: `must match pattern "^[0-9]+(ms|…` said nothing to someone
 * who wrote `1 minute`.
 */
export function notADuration(text: string): string {
  return `${JSON.stringify(text)} is not a duration: a number and its unit with no space (ms, s, m, h, d, w, y), units largest first, each once: 30s, 1m, 1h30m, 500ms`;
}

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
