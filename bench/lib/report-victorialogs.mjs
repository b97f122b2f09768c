/**
 * The "logship beside VictoriaLogs" part of BENCHMARKS.md: the figures issue
 * 18 sets its targets in, from one run that measured both (run.mjs
 * --victorialogs), with the LogsQL each question was asked in.
 */
import { fmt } from './svg-chart.mjs';

const n = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : fmt(x));
// Bytes per raw byte are compared at 0.07 vs 0.05: three significant digits, not fmt's two decimals.
const per = (x) => (typeof x === 'number' ? x.toPrecision(3) : '–');
const count = (x) => (typeof x === 'number' ? x.toLocaleString('en-US') : '–');
const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? `${fmt(a / b)}×` : '–');

/** The VictoriaLogs result of a corpus size, or null when it was not measured or failed. */
export function vlOf(store) {
  return store.victorialogs && !store.victorialogs.error ? store.victorialogs : null;
}

/** How the VictoriaLogs binary is built and fed: said once, above the per-size sections. */
export function renderVictoriaLogsHow(results) {
  const vls = results.stores.map(vlOf).filter(Boolean);
  if (vls.length === 0) return [];
  const args = vls[0].ingest_args ?? {};
  return [
    '## VictoriaLogs, how it is measured', '',
    `\`npm run bench -- --victorialogs PATH\` measures a victoria-logs binary${versionsOf(vls)} in the same run as logship (bench/scenarios/victorialogs.mjs), alternating: each logship ingest run is followed by one of VictoriaLogs, each into an empty data folder, and each question is timed on logship, then on VictoriaLogs. The binary is built from its public source, never downloaded by the bench:`, '',
    '```sh',
    'git clone https://github.com/VictoriaMetrics/VictoriaLogs && cd VictoriaLogs && git checkout v1.26.0',
    'CGO_ENABLED=1 GOFLAGS=-mod=vendor go build -o /work/bin/victoria-logs ./app/victoria-logs',
    '```', '',
    `- Fed the same corpus lines with the same feeder (bench/lib/feed.mjs: gzip batches of 5,000 lines, two in flight) to \`POST /insert/jsonline?_time_field=${args._time_field}&_msg_field=${args._msg_field}&_stream_fields=${args._stream_fields}\`: it parses the JSON lines itself, as logship does. For it alone, before anything is timed, python-json-logger's \`asctime\` and nginx's \`time_local\` (which it cannot read) are rewritten to an RFC 3339 \`_time\`; journald's µs and pino's ms epoch it reads as they are. Stream fields are fields of the lines with few values (at most 13 streams); django and nginx lines share the empty stream.`,
    '- Server CPU-seconds are utime+stime of the server process from /proc, from the first batch until it settled: for VictoriaLogs, which acknowledges from memory, after `/internal/force_flush`, no in-memory part left, no merge running and the process idle; for logship, which acknowledges once on disk, until idle (the figure to the last acknowledgement is beside it). Peak RSS is VmHWM after ingest, then after the questions. Bytes on disk: VictoriaLogs\' -storageDataPath once flushed, merges done and its size unchanged over 2 s (the run that answered the questions; at rest after stopping it is the same or less); logship\'s data folder at rest after the server closed.',
    '- Questions: the same as logship\'s, in LogsQL over the raw field names (logship\'s `logger` is django/pino `name` or journald `SYSLOG_IDENTIFIER`; its nginx `duration_ms` is `request_time` × 1000). Searches fetch the newest 100 hits (`/select/logsql/query?limit=100`), as logship\'s page of 100; logship also counts a total, which VictoriaLogs\' query does not: hits are counted once, untimed, to check both found the same events. VictoriaLogs durability differs: it acknowledges from memory and flushes every 5 s.',
    '',
  ];
}

/** One size's side-by-side table. */
export function renderVictoriaLogsSection(s) {
  const vl = vlOf(s);
  if (!s.sqlite || (!vl && !s.victorialogs?.error)) return [];
  const ev = s.events.toLocaleString('en-US');
  const out = [`## logship beside VictoriaLogs, ${ev} events`, ''];
  if (!vl) return [...out, `VictoriaLogs failed: ${s.victorialogs.error}`, ''];
  const li = s.sqlite.ingest;
  const vi = vl.ingest;
  const cpu = (i) => (i.server_cpu_s_settled === undefined ? '–' : `${n(i.server_cpu_s_settled)} (${n(i.server_cpu_s)} to last ack)`);
  const spread = (i) => (i.runs > 1 ? `${n(i.events_per_s)} (${n(i.events_per_s_min)}–${n(i.events_per_s_max)}, ${i.runs} runs)` : `${n(i.events_per_s)} (1 run)`);
  const format = li.store_format && li.store_format !== 'default' ? li.store_format : `default: ${li.store_written ?? 'rows'}`;
  const workers = li.ingest_workers ? `, ingest.workers ${li.ingest_workers}` : '';
  out.push(`| | logship SQLite (store format ${format}${workers}) | VictoriaLogs | logship ÷ VictoriaLogs |`, '| --- | --- | --- | --- |');
  out.push(`| bytes on disk per raw byte | ${per(li.disk_per_raw_byte)} | ${per(vi.disk_per_raw_byte)} | ${ratio(li.disk_per_raw_byte, vi.disk_per_raw_byte)} |`);
  out.push(`| server CPU-seconds to ingest, median run | ${cpu(li)} | ${cpu(vi)} | ${ratio(li.server_cpu_s_settled, vi.server_cpu_s_settled)} |`);
  out.push(`| server CPU µs per event | ${n((li.server_cpu_s_settled * 1e6) / s.events)} | ${n((vi.server_cpu_s_settled * 1e6) / s.events)} | |`);
  out.push(`| events/s to acknowledged | ${spread(li)} | ${spread(vi)} | ${ratio(li.events_per_s, vi.events_per_s)} |`);
  out.push(`| peak RSS MiB, ingest / after questions | ${n(li.server_peak_rss_mib)} / ${n(li.server_peak_rss_after_queries_mib)} | ${n(vi.server_peak_rss_mib)} / ${n(vi.server_peak_rss_after_queries_mib)} | ${ratio(li.server_peak_rss_mib, vi.server_peak_rss_mib)} / ${ratio(li.server_peak_rss_after_queries_mib, vi.server_peak_rss_after_queries_mib)} |`);
  s.sqlite.queries.forEach((q, i) => {
    const v = vl.queries[i];
    out.push(`| ${q.name}, median ms (min–max) | ${n(q.median)} (${n(q.min)}–${n(q.max)}) | ${n(v?.median)} (${n(v?.min)}–${n(v?.max)}) | ${ratio(q.median, v?.median)} |`);
  });
  out.push('', `Raw corpus ${n(li.raw_bytes / 2 ** 20)} MiB (fed to VictoriaLogs with its times rewritten: ${n(vi.fed_bytes / 2 ** 20)} MiB). Events VictoriaLogs holds: ${count(vi.stored)}; on disk at rest after stopping it: ${per(vi.disk_bytes_at_rest / vi.raw_bytes)} per raw byte.`, '');
  out.push('<details><summary>questions in LogsQL, and hits found by each</summary>', '');
  s.sqlite.queries.forEach((q, i) => {
    const v = vl.queries[i];
    out.push(`- ${q.name}: logship \`${q.query || '(all)'}\` (${count(q.result_size)}); VictoriaLogs \`${v?.query ?? '–'}\` (${count(v?.result_size)})`);
  });
  out.push('', 'Hits: for searches, the total (logship) and `| stats count()` of the same filter (VictoriaLogs); for terms, buckets (logship) and groups (VictoriaLogs, where events with neither field form one group); for the histogram, buckets (logship covers the whole 7 days asked for, VictoriaLogs stops at the newest event).', '', '</details>', '');
  return out;
}

/**
 * " (here v1.26.0)": the versions the binaries printed for `-version`. A
 * build from source without the release's link flags prints none; the
 * run's note names its tag then, and nothing is said here.
 */
function versionsOf(vls) {
  const known = [...new Set(vls.map((v) => v.version).filter((v) => typeof v === 'string' && v.trim() !== ''))];
  return known.length === 0 ? '' : ` (here ${known.join(', ')})`;
}
