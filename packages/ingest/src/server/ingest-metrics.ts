import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LogStore, RetentionRunResult } from '../store/log-store.js';
import { ALL_DAYS } from '../sqlite/partition-folder.js';

/**
 * The server's Prometheus metrics, in a registry of their own (not
 * prom-client's global one) so that several apps in one process — tests —
 * never share counters. Names follow `logship_<area>_<name>_<unit>`.
 */
export interface IngestMetrics {
  registry: Registry;
  eventsReceived: Counter;
  eventsStored: Counter;
  eventsDuplicate: Counter;
  eventsExpired: Counter;
  eventsDropped: Counter<'rule'>;
  redactions: Counter<'rule'>;
  eventsRejected: Counter<'reason'>;
  eventsByFormat: Counter<'format'>;
  /** Per protocol (native, loki, elasticsearch, otlp, syslog) and outcome (stored, duplicate, expired, dropped, rejected). */
  eventsByProtocol: Counter<'protocol' | 'outcome'>;
  ingestDuration: Histogram;
  httpRequests: Counter<'method' | 'route' | 'status_code'>;
  httpDuration: Histogram<'method' | 'route'>;
  recordRetentionRun(result: RetentionRunResult, finishedAt: number): void;
  retentionFailures: Counter;
  /** Block merges that failed other than on damage (store-background-log.ts), by what failed. */
  mergeFailures: Counter<'error_type'>;
  /** Partitions whose merges are failing now (waiting to be tried again). */
  mergeFailingPartitions: Gauge;
}

/** prom-client defaults left out of /metrics: gauges whose names end in _total. */
const DROPPED_DEFAULT_GAUGES = ['logship_nodejs_active_handles_total', 'logship_nodejs_active_requests_total', 'logship_nodejs_active_resources_total'] as const;

export function createIngestMetrics(store: Pick<LogStore, 'partitions' | 'unreadablePartitions'>, opts: { defaultMetrics?: boolean } = {}): IngestMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (opts.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry, prefix: 'logship_' });
    // prom-client also exports the count of active handles, requests and
    // resources as gauges named …_total, which `promtool check metrics`
    // refuses (a gauge must not end in _total) and which read as counters.
    // The same number is the sum of the per-type gauge kept beside each:
    // sum(logship_nodejs_active_handles) (docs/SERVER.md "Metrics").
    for (const name of DROPPED_DEFAULT_GAUGES) registry.removeSingleMetric(name);
  }

  const retentionRuns = new Counter({ name: 'logship_retention_runs_total', help: 'Retention runs completed', registers });
  const retentionEvents = new Counter({
    name: 'logship_retention_events_removed_total',
    help: 'Events deleted by retention',
    registers,
  });
  const retentionBytes = new Counter({
    name: 'logship_retention_bytes_removed_total',
    help: 'Bytes freed by retention',
    registers,
  });
  const retentionPartitions = new Counter({
    name: 'logship_retention_partitions_dropped_total',
    help: 'Partitions dropped by retention',
    registers,
  });
  const retentionLast = new Gauge({
    name: 'logship_retention_last_run_timestamp_seconds',
    help: 'When the last retention run finished',
    registers,
  });

  new Gauge({
    name: 'logship_store_unreadable_partitions',
    help: 'Partition files of the embedded store that cannot be read (damaged, or the server\'s user may not open them): searches leave them out and say so in their warnings',
    registers,
    collect() {
      this.set(store.unreadablePartitions?.(ALL_DAYS).length ?? 0);
    },
  });
  new Gauge({
    name: 'logship_store_partition_bytes',
    help: 'Bytes on disk per store partition',
    labelNames: ['partition', 'class', 'day'],
    registers,
    // Read at scrape time so the numbers are never stale.
    async collect() {
      this.reset();
      for (const p of await store.partitions()) this.set({ partition: p.name, class: p.class, day: p.day }, p.bytes);
    },
  });

  return {
    registry,
    eventsReceived: new Counter({
      name: 'logship_ingest_events_received_total',
      help: 'Lines, entries, records, documents and syslog messages received over every protocol, valid or not',
      registers,
    }),
    eventsStored: new Counter({ name: 'logship_ingest_events_stored_total', help: 'Events newly stored', registers }),
    eventsDuplicate: new Counter({
      name: 'logship_ingest_events_duplicate_total',
      help: 'Events dropped because their event.id was already stored',
      registers,
    }),
    eventsExpired: new Counter({
      name: 'logship_ingest_events_expired_total',
      help: 'Events dropped because they were past retention on arrival',
      registers,
    }),
    eventsDropped: new Counter({
      name: 'logship_ingest_events_dropped_total',
      help: 'Events not stored because they matched an ingest.drop rule, by rule',
      labelNames: ['rule'],
      registers,
    }),
    redactions: new Counter({
      name: 'logship_ingest_redactions_total',
      help: 'Field values an ingest.redact rule changed, by rule',
      labelNames: ['rule'],
      registers,
    }),
    eventsRejected: new Counter({
      name: 'logship_ingest_events_rejected_total',
      help: 'Lines rejected, by error code',
      labelNames: ['reason'],
      registers,
    }),
    eventsByFormat: new Counter({
      name: 'logship_ingest_events_normalized_total',
      help: 'Events normalized, by detected source format',
      labelNames: ['format'],
      registers,
    }),
    eventsByProtocol: new Counter({
      name: 'logship_ingest_events_total',
      help: 'Events by the protocol they arrived on and what became of them (stored, duplicate, expired, rejected)',
      labelNames: ['protocol', 'outcome'],
      registers,
    }),
    ingestDuration: new Histogram({
      name: 'logship_ingest_batch_duration_seconds',
      help: 'From request body received to batch committed',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    httpRequests: new Counter({
      name: 'logship_http_requests_total',
      help: 'HTTP requests answered',
      labelNames: ['method', 'route', 'status_code'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'logship_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    retentionFailures: new Counter({
      name: 'logship_retention_failures_total',
      help: 'Retention runs that failed',
      registers,
    }),
    mergeFailures: new Counter({
      name: 'logship_store_merge_failures_total',
      help: 'Background merges of the block store that failed other than on damage (disk full, a file it may not write): nothing is lost, the partition is tried again later',
      labelNames: ['error_type'],
      registers,
    }),
    mergeFailingPartitions: new Gauge({
      name: 'logship_store_merge_failing_partitions',
      help: 'Partitions of the block store whose last merge failed (other than on damage) and that wait to be tried again',
      registers,
    }),
    recordRetentionRun(result, finishedAt) {
      retentionRuns.inc();
      retentionEvents.inc(result.eventsRemoved);
      retentionBytes.inc(result.bytesRemoved);
      retentionPartitions.inc(result.partitionsDropped.length);
      retentionLast.set(finishedAt / 1000);
    },
  };
}
