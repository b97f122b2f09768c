/**
 * The agent's own counters and gauges, rendered as Prometheus text. Names
 * follow `logship_agent_<name>_<unit>_total`; labels are bounded (source
 * names from the config, never paths or error messages).
 */
type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly values: Map<string, { labels: Labels; value: number }>;
  collect?: () => Array<{ labels: Labels; value: number }>;
}

function labelKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

function renderLabels(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  constructor(private readonly namespace = 'logship_agent') {}

  private family(name: string, type: 'counter' | 'gauge', help: string): Family {
    let f = this.families.get(name);
    if (!f) {
      f = { type, help, values: new Map() };
      this.families.set(name, f);
    }
    return f;
  }

  /** Adds to a counter; counters only go up. */
  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const f = this.family(name, 'counter', help);
    const key = labelKey(labels);
    const v = f.values.get(key);
    if (v) v.value += by;
    else f.values.set(key, { labels, value: by });
  }

  set(name: string, help: string, labels: Labels, value: number): void {
    const f = this.family(name, 'gauge', help);
    f.values.set(labelKey(labels), { labels, value });
  }

  /** A gauge computed when scraped. */
  gauge(name: string, help: string, collect: () => Array<{ labels: Labels; value: number }>): void {
    this.family(name, 'gauge', help).collect = collect;
  }

  /** A counter kept elsewhere (it must only go up), read when scraped. */
  counterFrom(name: string, help: string, collect: () => number): void {
    this.family(name, 'counter', help).collect = () => [{ labels: {}, value: collect() }];
  }

  /** Makes a counter visible at 0 before its first event, as Prometheus expects. */
  declare(name: string, help: string, labels: Labels = {}): void {
    this.inc(name, help, labels, 0);
  }

  get(name: string, labels: Labels = {}): number {
    const f = this.families.get(name);
    if (!f) return 0;
    if (f.collect) return f.collect().find((v) => labelKey(v.labels) === labelKey(labels))?.value ?? 0;
    return f.values.get(labelKey(labels))?.value ?? 0;
  }

  render(): string {
    const out: string[] = [];
    for (const [name, f] of this.families) {
      const full = `${this.namespace}_${name}`;
      out.push(`# HELP ${full} ${f.help}`, `# TYPE ${full} ${f.type}`);
      const values = f.collect ? f.collect() : [...f.values.values()];
      for (const v of values) out.push(`${full}${renderLabels(v.labels)} ${v.value}`);
    }
    return out.join('\n') + '\n';
  }
}

/** The metric names, in one place so that code and docs agree. */
export const M = {
  linesRead: ['lines_read_total', 'Lines (or journal entries) read, per source.'],
  bytesRead: ['bytes_read_total', "Bytes read from files (journald: of journalctl's JSON lines), per source."],
  linesTruncated: ['lines_truncated_total', 'Lines longer than max_message_bytes (plain text) or max_line_bytes (JSON), split or truncated, per source.'],
  eventsFilteredOut: ['events_filtered_out_total', 'Events not shipped because of include_lines or exclude_lines, per source.'],
  eventsShipped: ['events_shipped_total', 'Events in batches acknowledged by ingest, per source; held lines when ingest takes them.'],
  eventsRejected: ['events_rejected_total', 'Events ingest refused permanently (per-line errors and rejected batches).'],
  batchesShipped: ['batches_shipped_total', 'Batches acknowledged by ingest.'],
  batchesRetried: ['batches_retried_total', 'Delivery attempts that failed with a retryable error.'],
  batchesRejected: ['batches_rejected_total', 'Batches refused permanently by ingest (4xx other than 429).'],
  spoolDroppedEvents: ['spool_dropped_events_total', 'Events dropped because the spool was full (when_full: drop_oldest).'],
  spoolWriteFailures: ['spool_write_failures_total', 'Batches that could not be written to the spool directory (a full disk) and were kept in memory while reading paused.'],
  spoolBytes: ['spool_bytes', 'Bytes of batches spooled on disk.'],
  queueBatches: ['queue_batches', 'Batches waiting for delivery (memory and disk).'],
  linesHeld: ['lines_held', 'Lines ingest answered retryable (a day it cannot store for now), held aside and sent again while later lines are shipped.'],
  heldBytes: ['held_bytes', 'Bytes of held lines in the spool directory.'],
  heldLimitReached: ['held_limit_reached', '1 while spool.max_held_events or spool.max_held_bytes is reached and shipping waits for the lines at the head of the queue.'],
  heldExpired: ['held_expired_events_total', 'Held lines given up after spool.max_held_age_s, per source.'],
  filesWatched: ['files_watched', 'Files known to the file sources, per source.'],
  filesOpen: ['files_open', 'Files with an open handle, per source.'],
  filesSkippedOld: ['files_skipped_old_total', 'Files found without a checkpoint, last written more than max_age_s ago: followed from their end, their earlier lines not read, per source.'],
  checkpointLag: ['checkpoint_lag_bytes', 'Bytes read from files but not yet acknowledged, per source.'],
  journalctlRestarts: ['journalctl_restarts_total', 'Times journalctl exited or could not be started, per source.'],
  buildInfo: ['build_info', 'Always 1; the agent\'s version and Node.js version are its labels.'],
} as const satisfies Record<string, readonly [string, string]>;
