/**
 * The small part of Prometheus's alert templating that log rules need:
 * `{{ $value }}`, `{{ $labels.NAME }}` and their `.Value` / `.Labels.NAME`
 * spellings, with an optional `| humanize`, `| humanizePercentage` or
 * `| humanizeDuration` (Prometheus's functions, same output). Anything else
 * is refused when the file loads (checkTemplate), so an annotation never
 * renders half-broken.
 */
const EXPR = /\{\{-?\s*([^}]*?)\s*-?\}\}/g;
const VALUE = /^(?:\$value|\.Value)(?:\s*\|\s*(humanize|humanizePercentage|humanizeDuration))?$/;
const LABEL = /^(?:\$labels|\.Labels)\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** Why the template is refused, or null when every `{{ … }}` is one we render. */
export function checkTemplate(text: string): string | null {
  for (const m of text.matchAll(EXPR)) {
    const inner = m[1] ?? '';
    if (!VALUE.test(inner) && !LABEL.test(inner)) {
      return `has {{ ${inner} }}; only {{ $value }} (optionally | humanize, | humanizePercentage or | humanizeDuration) and {{ $labels.NAME }} are supported`;
    }
  }
  return null;
}

export function renderTemplate(text: string, value: number, labels: Readonly<Record<string, string>>): string {
  return text.replace(EXPR, (_whole, inner: string) => {
    const v = VALUE.exec(inner);
    if (v) {
      switch (v[1]) {
        case 'humanize':
          return humanize(value);
        case 'humanizePercentage':
          return `${goG4(value * 100)}%`;
        case 'humanizeDuration':
          return humanizeDuration(value);
        default:
          return formatValue(value);
      }
    }
    const label = LABEL.exec(inner);
    return label ? (labels[label[1] as string] ?? '') : '';
  });
}

/** Go's fmt %.4g, which Prometheus's humanize functions write with. */
function goG4(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const [mantissa, exp] = v.toExponential(3).split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 4) {
    const m = mantissa.replace(/\.?0+$/, '');
    return `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(Number(v.toPrecision(4)));
}

const SMALL_PREFIXES = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

/** Prometheus's humanize: SI prefixes, 1234567 → `1.235M`, 0.0012 → `1.2m`. */
export function humanize(value: number): string {
  let v = value;
  if (v === 0 || !Number.isFinite(v)) return goG4(v);
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return `${goG4(v)}${prefix}`;
  }
  for (const p of SMALL_PREFIXES) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goG4(v)}${prefix}`;
}

/** Prometheus's humanizeDuration, of seconds: 90 → `1m 30s`, 0.25 → `250ms`. */
export function humanizeDuration(seconds: number): string {
  let v = seconds;
  if (!Number.isFinite(v)) return goG4(v);
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    const whole = Math.trunc(v);
    const s = whole % 60;
    const m = Math.trunc(whole / 60) % 60;
    const h = Math.trunc(whole / 3600) % 24;
    const d = Math.trunc(whole / 86_400);
    if (d !== 0) return `${sign}${d}d ${h}h ${m}m ${s}s`;
    if (h !== 0) return `${sign}${h}h ${m}m ${s}s`;
    if (m !== 0) return `${sign}${m}m ${s}s`;
    return `${sign}${goG4(v)}s`;
  }
  let prefix = '';
  for (const p of SMALL_PREFIXES) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goG4(v)}${prefix}s`;
}

/** Whole numbers as written, others to at most 4 decimals: `63`, `0.0123`. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toFixed(4)) || Number(value.toPrecision(4)));
}

/** Go's strconv.FormatFloat(v, 'e', -1, 64), which Prometheus's API uses for alert values: `6.3e+01`. */
export function prometheusValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}
