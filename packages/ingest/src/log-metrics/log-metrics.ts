/**
 * Log-derived metrics: counters and histograms over ingested events, so a
 * Prometheus scraping /metrics can run rules written for `log_errors_total`.
 *
 *   ingest ─► store.write (commit) ─► newly stored events only ─► each metric's matcher
 *      ─► labels from event fields (first max_series combinations; the rest in one `other` series)
 *      ─► counter.inc / histogram.observe
 *
 * Counted after the commit and only for events the store newly stored, so a
 * batch an agent retries is not counted twice. Counters start at 0 when the
 * server starts; Prometheus's rate()/increase() handle that reset.
 */
import { compileMatcher, type EventPredicate, type LogEvent } from '@logship/query';
import { Counter, Histogram, type Registry } from 'prom-client';
import { labelName } from '../rules/evaluate-rule.js';
import { compileRuleQuery } from '../rules/compile-rule-query.js';
import type { LogMetricConfig } from './log-metrics-config.js';

export const OTHER_LABEL_VALUE = 'other';

interface CompiledMetric {
  matches: EventPredicate;
  fields: string[];
  labelNames: string[];
  series: Set<string>;
  maxSeries: number;
  histogramField: string | null;
  counter: Counter<string> | null;
  histogram: Histogram<string> | null;
}

export interface LogMetrics {
  /** Counts events newly committed to the store. */
  observe(events: readonly LogEvent[]): void;
}

export function createLogMetrics(
  configs: readonly LogMetricConfig[],
  savedQueries: Readonly<Record<string, string>>,
  registry: Registry,
): LogMetrics {
  const metrics: CompiledMetric[] = configs.map((c) => {
    const labelNames = c.labels.map(labelName);
    return {
      // Date math in a log metric's query is resolved once, at start.
      matches: compileMatcher(compileRuleQuery(c.query, savedQueries), { now: Date.now() }),
      fields: c.labels,
      labelNames,
      series: new Set(),
      maxSeries: c.max_series,
      histogramField: c.histogram?.field ?? null,
      counter: c.histogram ? null : new Counter({ name: c.name, help: c.help, labelNames, registers: [registry] }),
      histogram: c.histogram
        ? new Histogram({ name: c.name, help: c.help, labelNames, buckets: c.histogram.buckets, registers: [registry] })
        : null,
    };
  });

  return {
    observe(events) {
      for (const m of metrics) {
        for (const e of events) {
          if (!m.matches(e)) continue;
          let value = 0;
          if (m.histogramField !== null) {
            const raw = e[m.histogramField];
            value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
            if (!Number.isFinite(value)) continue;
          }
          const labels = labelsOf(m, e);
          if (m.counter) m.counter.inc(labels);
          else m.histogram?.observe(labels, value);
        }
      }
    },
  };
}

function labelsOf(m: CompiledMetric, e: LogEvent): Record<string, string> {
  const labels: Record<string, string> = {};
  if (m.fields.length === 0) return labels;
  m.fields.forEach((f, i) => {
    const v = e[f];
    labels[m.labelNames[i] as string] = v === undefined || v === null ? '' : String(v);
  });
  const key = JSON.stringify(m.labelNames.map((n) => labels[n]));
  if (m.series.has(key)) return labels;
  // Bounded: a field with unbounded values (a request id) cannot grow /metrics without end.
  if (m.series.size < m.maxSeries) {
    m.series.add(key);
    return labels;
  }
  for (const n of m.labelNames) labels[n] = OTHER_LABEL_VALUE;
  return labels;
}
