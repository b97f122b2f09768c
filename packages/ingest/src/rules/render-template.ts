/**
 * The small part of Prometheus's alert templating that log rules need:
 * `{{ $value }}`, `{{ $labels.NAME }}` and their `.Value` / `.Labels.NAME`
 * spellings, with an optional `| humanize`. Anything else is refused when the
 * file loads (checkTemplate), so an annotation never renders half-broken.
 */
const EXPR = /\{\{-?\s*([^}]*?)\s*-?\}\}/g;
const VALUE = /^(?:\$value|\.Value)(?:\s*\|\s*humanize)?$/;
const LABEL = /^(?:\$labels|\.Labels)\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** Why the template is refused, or null when every `{{ … }}` is one we render. */
export function checkTemplate(text: string): string | null {
  for (const m of text.matchAll(EXPR)) {
    const inner = m[1] ?? '';
    if (!VALUE.test(inner) && !LABEL.test(inner)) {
      return `has {{ ${inner} }}; only {{ $value }}, {{ $value | humanize }} and {{ $labels.NAME }} are supported`;
    }
  }
  return null;
}

export function renderTemplate(text: string, value: number, labels: Readonly<Record<string, string>>): string {
  return text.replace(EXPR, (_whole, inner: string) => {
    if (VALUE.test(inner)) return formatValue(value);
    const label = LABEL.exec(inner);
    return label ? (labels[label[1] as string] ?? '') : '';
  });
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
