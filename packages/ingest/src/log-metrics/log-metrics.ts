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
 *
 * A label combination seen for the first time is exported at 0 until one
 * scrape has read it, its events held back meanwhile: a series that first
 * appears with its value has no earlier sample for increase() to count
 * from, so a new host's first 60 errors made `increase(...[5m]) > 50`
 * see 0.
 */
import { compileMatcher, type EventPredicate, type LogEvent } from '@logship/query/core';
import { Counter, Histogram, type Registry } from 'prom-client';
import { labelName } from '../rules/evaluate-rule.js';
import { compileRuleQuery } from '../rules/compile-rule-query.js';
import type { LogMetricConfig } from './log-metrics-config.js';

export const OTHER_LABEL_VALUE = 'other';

/** A new series' events, held until a scrape has read it at 0. */
interface FreshSeries {
  labels: Record<string, string>;
  count: number;
  values: number[];
  scraped: boolean;
}

/** Held observations of one new histogram series beyond which they are applied at once (memory bound when nothing scrapes). */
const MAX_HELD_VALUES = 10_000;

interface CompiledMetric {
  matches: EventPredicate;
  fields: string[];
  labelNames: string[];
  series: Set<string>;
  fresh: Map<string, FreshSeries>;
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
  /** The server's text fields (search.text_fields), so free text means what it means in searches. */
  textFields?: readonly string[],
): LogMetrics {
  const metrics: CompiledMetric[] = configs.map((c) => {
    const labelNames = c.labels.map(labelName);
    // Called by prom-client before each scrape reads the metric.
    const collect = (): void => release(compiled);
    const compiled: CompiledMetric = {
      // Date math in a log metric's query is resolved once, at start.
      matches: compileMatcher(compileRuleQuery(c.query, savedQueries), { now: Date.now(), ...(textFields ? { textFields } : {}) }),
      fields: c.labels,
      labelNames,
      series: new Set(),
      fresh: new Map(),
      maxSeries: c.max_series,
      histogramField: c.histogram?.field ?? null,
      counter: c.histogram ? null : new Counter({ name: c.name, help: c.help, labelNames, registers: [registry], collect }),
      histogram: c.histogram
        ? new Histogram({ name: c.name, help: c.help, labelNames, buckets: c.histogram.buckets, registers: [registry], collect })
        : null,
    };
    return compiled;
  });

  return {
    observe(events) {
      for (const m of metrics) {
        for (const e of events) {
          if (!m.matches(e)) continue;
          let value = 0;
          if (m.histogramField !== null) {
            // Numbers only, as stats, percentiles and `field:>x` take them: a
            // numeric string ("0.7") was observed here but counted nowhere else.
            const raw = e[m.histogramField];
            if (typeof raw !== 'number' || !Number.isFinite(raw)) continue;
            value = raw;
          }
          const { labels, key, isNew } = labelsOf(m, e);
          // A metric without labels is exported at 0 from the start: nothing to hold.
          if (isNew && m.fields.length > 0) {
            if (m.counter) m.counter.inc(labels, 0);
            else m.histogram?.zero(labels);
            m.fresh.set(key, { labels, count: 0, values: [], scraped: false });
          }
          const held = m.fresh.get(key);
          if (held) {
            held.count++;
            if (m.histogram) held.values.push(value);
            if (held.values.length >= MAX_HELD_VALUES) apply(m, key, held);
          } else if (m.counter) {
            m.counter.inc(labels);
          } else {
            m.histogram?.observe(labels, value);
          }
        }
      }
    },
  };
}

/** A scrape reads the metric: held series it has read at 0 get their events; the others are now read at 0. */
function release(m: CompiledMetric): void {
  for (const [key, held] of m.fresh) {
    if (held.scraped) apply(m, key, held);
    else held.scraped = true;
  }
}

function apply(m: CompiledMetric, key: string, held: FreshSeries): void {
  m.fresh.delete(key);
  if (m.counter) {
    if (held.count > 0) m.counter.inc(held.labels, held.count);
  } else {
    for (const v of held.values) m.histogram?.observe(held.labels, v);
  }
}

function labelsOf(m: CompiledMetric, e: LogEvent): { labels: Record<string, string>; key: string; isNew: boolean } {
  const labels: Record<string, string> = {};
  if (m.fields.length === 0) return { labels, key: '[]', isNew: false };
  m.fields.forEach((f, i) => {
    const v = e[f];
    labels[m.labelNames[i] as string] = v === undefined || v === null ? '' : String(v);
  });
  const key = JSON.stringify(m.labelNames.map((n) => labels[n]));
  if (m.series.has(key)) return { labels, key, isNew: false };
  // Bounded: a field with unbounded values (a request id) cannot grow /metrics without end.
  if (m.series.size < m.maxSeries) {
    m.series.add(key);
    return { labels, key, isNew: true };
  }
  for (const n of m.labelNames) labels[n] = OTHER_LABEL_VALUE;
  const other = JSON.stringify(m.labelNames.map(() => OTHER_LABEL_VALUE));
  const isNew = !m.series.has(other);
  // The `other` series is one more series, past max_series.
  if (isNew) m.series.add(other);
  return { labels, key: other, isNew };
}
