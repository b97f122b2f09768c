/**
 * Suggestions for a mistyped config key or value (`mutliline` →
 * `multiline`), and for the names other shippers give our keys. The query
 * package has its own nearest-name for field names; the agent does not
 * depend on it (its tarball carries chokidar, split2 and yaml only).
 */
/**
 * What the peers' configs call a key of ours (Promtail's `__path__`,
 * Filebeat's `paths` and `fields`, Vector's `exclude` spelled as Fluent
 * Bit's `exclude_path`): an operator moving a config over is told the name.
 */
const PEER_NAMES: Readonly<Record<string, string>> = {
  paths: 'include', path: 'include', __path__: 'include', exclude_files: 'exclude', exclude_path: 'exclude',
  exclude_paths: 'exclude', fields: 'labels', static_labels: 'labels', read_from: 'start_position',
  tail_from_end: 'start_position', tail_files: 'start_position', max_bytes: 'max_line_bytes', max_line_size: 'max_line_bytes',
  // Filebeat's close_inactive and scan_frequency, Vector's charset (encoding.charset), Fluent Bit's Refresh_Interval.
  close_inactive: 'close_idle_ms', scan_frequency: 'poll_interval_ms', refresh_interval: 'poll_interval_ms', charset: 'encoding',
  // multiline: Promtail's firstline, Vector's start_pattern / condition_pattern, Promtail's max_wait_time.
  firstline: 'start', start_pattern: 'start', condition_pattern: 'continuation', max_wait_time: 'timeout_ms', timeout: 'timeout_ms',
  // journald: Filebeat's seek (head/tail), Vector's since_now, Promtail's max_age (a duration there, seconds here).
  seek: 'start_position', since_now: 'start_position', max_age: 'max_age_s',
  // files: Filebeat's ignore_older (a duration there, seconds here), Vector's ignore_older_secs.
  ignore_older: 'max_age_s', ignore_older_secs: 'max_age_s',
};

/** The allowed word a mistyped one most likely meant (edit distance at most 2, or a peer's name), if any. */
export function didYouMean(word: string, allowed: readonly string[]): string | undefined {
  const peer = PEER_NAMES[word];
  if (peer !== undefined && allowed.includes(peer)) return peer;
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(word.length / 3));
  for (const a of allowed) {
    const d = editDistance(word.toLowerCase(), a.toLowerCase());
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = a;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, a swap of two neighbours counting as one (`mutliline`). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
