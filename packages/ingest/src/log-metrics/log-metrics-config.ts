/**
 * The server config's `log_metrics`: counters and histograms derived from
 * ingested events, exported on /metrics (docs/ALERTING.md).
 */
export interface LogMetricConfig {
  /** Prometheus metric name; counters end in `_total` by convention. */
  name: string;
  help: string;
  /** Our query language; an event that matches is counted. */
  query: string;
  /** Event fields copied into labels (sanitized to Prometheus label names). */
  labels: string[];
  /** Observe this numeric field into buckets instead of counting. */
  histogram: { field: string; buckets: number[] } | null;
  /** Label combinations kept; beyond it events count in one series whose labels are all `other`. */
  max_series: number;
}

export const DEFAULT_LOG_METRIC_MAX_SERIES = 1000;

export const LOG_METRICS_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'query'],
    properties: {
      name: { type: 'string', pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' },
      help: { type: 'string' },
      query: { type: 'string', minLength: 1 },
      labels: { type: 'array', maxItems: 10, uniqueItems: true, items: { type: 'string', minLength: 1 } },
      histogram: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'buckets'],
        properties: {
          field: { type: 'string', minLength: 1 },
          buckets: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'number' } },
        },
      },
      max_series: { type: 'integer', minimum: 1, maximum: 100_000 },
    },
  },
} as const;

interface RawLogMetric {
  name: string;
  help?: string;
  query: string;
  labels?: string[];
  histogram?: { field: string; buckets: number[] };
  max_series?: number;
}

export function buildLogMetricsConfig(raw: RawLogMetric[] | undefined): LogMetricConfig[] {
  return (raw ?? []).map((m) => ({
    name: m.name,
    help: m.help ?? `Events matching ${m.query}`,
    query: m.query,
    labels: m.labels ?? [],
    histogram: m.histogram ? { field: m.histogram.field, buckets: [...m.histogram.buckets].sort((a, b) => a - b) } : null,
    max_series: m.max_series ?? DEFAULT_LOG_METRIC_MAX_SERIES,
  }));
}
