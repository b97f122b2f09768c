import { KUBERNETES_INCLUDE, KUBERNETES_SYMLINK_DIR } from './kubernetes-pod-log.js';
import { linearTimeProblem } from './bounded-regex.js';
import { filterPatternSource, UPPER_CASE_ESCAPE } from './line-filter.js';
import { FILE_ENCODINGS, type FileEncoding } from './text-encoding.js';
import { int, object, oneOf, optStr, regex, str, strList, labels, type Checker, type Obj } from './config-checker.js';

/** A source of the agent's config (`sources[i]`): the file source with its presets, and journald (config.ts reads the rest). */
export interface MultilineConfig {
  /** A line matching `start` begins a new event; others join the previous one. */
  readonly start?: string;
  /** A line matching `continuation` joins the previous event. */
  readonly continuation?: string;
  /** An event with no new line for this long is complete. */
  readonly timeout_ms: number;
  readonly max_lines: number;
}

/** Line filters every source has (line-filter.ts). */
export interface LineFilterConfig {
  /** When set, only events matching one of these are shipped. */
  readonly include_lines: readonly string[];
  /** Events matching one of these are not shipped. */
  readonly exclude_lines: readonly string[];
}

export interface FileSourceConfig extends LineFilterConfig {
  /**
   * `docker`: json-file logs, unwrapped and joined (docker-json-file.ts);
   * `kubernetes`: the kubelet's pod logs in the CRI format (cri-log.ts,
   * kubernetes-pod-log.ts).
   */
  readonly type: 'file' | 'nginx' | 'docker' | 'kubernetes';
  readonly name: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /**
   * IANA zone the source writes offset-less times in (Django's TIME_ZONE);
   * sent with each event as the envelope key `@timezone` (docs/WIRE.md).
   */
  readonly timezone?: string;
  readonly multiline?: MultilineConfig;
  /** Where to start in a file that has no checkpoint and was present at start. */
  readonly start_position: 'beginning' | 'end';
  /**
   * A file found without a checkpoint whose last write (mtime) is older
   * than this many seconds is followed from its end, its earlier lines not
   * read (Filebeat's ignore_older, Vector's ignore_older_secs); 0, the
   * default: every file is read from its beginning (open-new-inode.ts).
   */
  readonly max_age_s: number;
  /** Longest line read as one event: a JSON record (`{…`), which ingest parses only whole. */
  readonly max_line_bytes: number;
  /**
   * Longest plain-text event (and part of a split line): ingest stores such
   * a line as one message and cuts it at its `limits.max_value_bytes`, so
   * the default is that limit's default (line-framer.ts).
   */
  readonly max_message_bytes: number;
  readonly long_lines: 'split' | 'truncate';
  /** How the file's bytes become text (text-encoding.ts); not UTF-8 only for `file` and `nginx`. */
  readonly encoding: FileEncoding;
  /** A last line without newline is emitted once the file is idle this long. */
  readonly partial_line_flush_ms: number;
  /** The handle of a file idle this long is closed (reopened on change). */
  readonly close_idle_ms: number;
  readonly poll_interval_ms: number;
  /**
   * Directories besides a file's own where rotated files may be moved to
   * (logrotate's `olddir`): searched at start for checkpointed files that
   * were rotated while the agent was down.
   */
  readonly rotated_dirs: readonly string[];
}

export interface JournaldSourceConfig extends LineFilterConfig {
  readonly type: 'journald';
  readonly name: string;
  readonly units: readonly string[];
  /** Services run as user units (`systemctl --user`): entries whose _SYSTEMD_USER_UNIT is one of them. */
  readonly user_units: readonly string[];
  /** journalctl matches, `FIELD=value` (e.g. `SYSLOG_IDENTIFIER=web`). */
  readonly matches: readonly string[];
  readonly directory?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly start_position: 'beginning' | 'end';
  /**
   * With no checkpoint and `start_position: beginning`, entries older than
   * this many seconds are not read (0: the whole journal). A journal holds
   * years where a file holds what was written since its last rotation, so
   * its beginning is bounded by default (DEFAULT_JOURNAL_MAX_AGE_S).
   */
  readonly max_age_s: number;
  readonly journalctl_path: string;
}

export type SourceConfig = FileSourceConfig | JournaldSourceConfig;

/** ingest's default `limits.max_value_bytes`: the longest message it stores whole. */
export const DEFAULT_MAX_MESSAGE_BYTES = 65_536;
/**
 * How far back a journald source's first start reads: a day, as a file's
 * first start reads what was written since its (daily) rotation, not the
 * years of entries a long-running host's journal keeps.
 */
export const DEFAULT_JOURNAL_MAX_AGE_S = 86_400;
/** Where docker's json-file driver writes (the `docker` preset's default include). */
export const DOCKER_INCLUDE = '/var/lib/docker/containers/*/*-json.log';

/**
 * `include_lines` / `exclude_lines`: valid JavaScript patterns that V8's
 * linear-time engine can run, since they are tested against every event
 * (bounded-regex.ts); the error says how to write what it cannot run.
 */
function filterPatterns(o: Obj, key: string, c: Checker): string[] {
  return strList(o, key, c, false).map((pattern, i) => {
    const pc = c.at(key).at(i);
    const { source, fold } = filterPatternSource(pattern);
    if (fold && UPPER_CASE_ESCAPE.test(pattern)) {
      pc.report('after (?i) an escape of an upper-case letter (\\D, \\W, \\S, \\B) is not supported; write it as a class ([^0-9] for \\D)');
      return pattern;
    }
    try {
      new RegExp(source);
    } catch (err) {
      pc.report(`is not a valid regular expression (${(err as Error).message})`);
      return pattern;
    }
    const problem = linearTimeProblem(source);
    if (problem !== null) {
      pc.report('cannot be matched in linear time, so a crafted line could stall the agent: lookahead (and lookbehind before Node 24), backreferences, '
        + '\\p{…} and counts above 16 are not supported (write x{32} as x{16}x{16})');
    }
    return pattern;
  });
}

function multiline(v: unknown, c: Checker): MultilineConfig | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) {
    c.report('expected a mapping');
    return undefined;
  }
  // Filebeat's pattern + negate + match say in three keys what start and continuation say in one.
  const o = object(v, c, ['start', 'continuation', 'timeout_ms', 'max_lines'], (k) => (['pattern', 'negate', 'match'].includes(k)
    ? "Filebeat's pattern/negate/match: negate: true with match: after is start: PATTERN, negate: false with match: after is continuation: PATTERN"
    : undefined));
  const start = regex(o, 'start', c);
  const continuation = regex(o, 'continuation', c);
  // By the keys given: an invalid pattern is its own mistake, said once.
  if ((o.start === undefined || o.start === null) === (o.continuation === undefined || o.continuation === null)) c.report('set exactly one of start or continuation');
  return {
    ...(start !== undefined ? { start } : {}),
    ...(continuation !== undefined ? { continuation } : {}),
    timeout_ms: int(o, 'timeout_ms', c, 1000, 1),
    max_lines: int(o, 'max_lines', c, 500, 1),
  };
}

const FILE_KEYS = ['type', 'name', 'include', 'exclude', 'labels', 'timezone', 'multiline', 'include_lines', 'exclude_lines', 'start_position',
  'max_age_s', 'max_line_bytes', 'max_message_bytes', 'long_lines', 'encoding', 'partial_line_flush_ms', 'close_idle_ms', 'poll_interval_ms', 'rotated_dirs'] as const;
const JOURNALD_KEYS = ['type', 'name', 'units', 'user_units', 'matches', 'directory', 'labels', 'include_lines', 'exclude_lines',
  'start_position', 'max_age_s', 'journalctl_path'] as const;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function sourceConfig(v: unknown, c: Checker, index: number): SourceConfig {
  // Nothing of it can be read: the caller's guard goes on with the next source.
  if (v === null || typeof v !== 'object' || Array.isArray(v)) c.fail('expected a mapping');
  const type = oneOf(v as Obj, 'type', c, ['file', 'nginx', 'docker', 'kubernetes', 'journald'] as const, 'file');
  if ((v as Obj).type === undefined) c.at('type').report('is required (file, nginx, docker, kubernetes or journald)');
  if (type === 'journald') {
    const o = object(v, c, JOURNALD_KEYS, (k) => ((FILE_KEYS as readonly string[]).includes(k) ? 'a key of file sources, not of journald' : undefined));
    const directory = optStr(o, 'directory', c);
    const startPosition = oneOf(o, 'start_position', c, ['beginning', 'end'] as const, 'beginning');
    const maxAge = int(o, 'max_age_s', c, DEFAULT_JOURNAL_MAX_AGE_S, 0);
    if (startPosition === 'end' && o.max_age_s !== undefined && o.max_age_s !== null) {
      c.at('max_age_s').report('applies only with start_position: beginning (end reads nothing written before the first start)');
    }
    return {
      type,
      name: str(o, 'name', c, `journald-${index}`),
      units: strList(o, 'units', c, false),
      user_units: strList(o, 'user_units', c, false),
      matches: strList(o, 'matches', c, false).map((m, i) => {
        if (!/^[A-Z0-9_]+=/.test(m)) c.at('matches').at(i).report('expected FIELD=value (an upper-case journal field name)');
        return m;
      }),
      ...(directory !== undefined ? { directory } : {}),
      labels: labels(o, c),
      include_lines: filterPatterns(o, 'include_lines', c),
      exclude_lines: filterPatterns(o, 'exclude_lines', c),
      start_position: startPosition,
      max_age_s: maxAge,
      journalctl_path: str(o, 'journalctl_path', c, 'journalctl'),
    };
  }
  const o = object(v, c, FILE_KEYS, (k) => ((JOURNALD_KEYS as readonly string[]).includes(k) ? `a key of journald sources, not of ${type}` : undefined));
  const preset = type === 'docker' ? DOCKER_INCLUDE : type === 'kubernetes' ? KUBERNETES_INCLUDE : undefined;
  const include = preset !== undefined && o.include === undefined ? [preset] : strList(o, 'include', c, true);
  if (include.length === 0 && Array.isArray(o.include)) c.at('include').report('needs at least one path or glob');
  include.forEach((p, i) => { if (!p.startsWith('/')) c.at('include').at(i).report('must be an absolute path'); });
  if (type === 'kubernetes') {
    // Refused rather than skipped: a source that reads nothing would look healthy.
    include.forEach((p, i) => {
      if (p.startsWith(KUBERNETES_SYMLINK_DIR)) {
        c.at('include').at(i).report(`${KUBERNETES_SYMLINK_DIR} holds symlinks to the files under /var/log/pods, without the pod uid; `
          + `include ${KUBERNETES_INCLUDE} (the default) instead, or every line would be read twice`);
      }
    });
  }
  const exclude = strList(o, 'exclude', c, false);
  // Filebeat's exclude_files are regular expressions (`\.gz$`); here a glob, it matched nothing, silently.
  for (const [key, list] of [['include', include], ['exclude', exclude]] as const) {
    list.forEach((p, i) => {
      if (p.includes('\\') || p.startsWith('^') || p.endsWith('$')) {
        c.at(key).at(i).report(`looks like a regular expression, as Filebeat's exclude_files are; ${key} takes globs: * ? ** {a,b} [abc]${key === 'exclude' ? ', e.g. *.gz' : ''}`);
      }
    });
  }
  const rotatedDirs = strList(o, 'rotated_dirs', c, false);
  rotatedDirs.forEach((p, i) => { if (!p.startsWith('/')) c.at('rotated_dirs').at(i).report('must be an absolute path'); });
  const ml = multiline(o.multiline, c.at('multiline'));
  const base: Record<string, string> = type === 'nginx' ? { job: 'nginx', 'log.type': 'nginx' } : {};
  const maxLineBytes = int(o, 'max_line_bytes', c, 256 * 1024, 64);
  const maxMessageBytes = int(o, 'max_message_bytes', c, Math.min(DEFAULT_MAX_MESSAGE_BYTES, maxLineBytes), 64);
  if (maxMessageBytes > maxLineBytes) c.at('max_message_bytes').report(`expected at most max_line_bytes (${maxLineBytes})`);
  const timezone = optStr(o, 'timezone', c);
  const encoding = oneOf(o, 'encoding', c, FILE_ENCODINGS, 'utf-8');
  // docker and kubernetes write JSON and CRI lines, always UTF-8.
  if (encoding !== 'utf-8' && (type === 'docker' || type === 'kubernetes')) c.at('encoding').report(`the ${type} preset reads UTF-8 only`);
  if (timezone !== undefined && !isTimeZone(timezone)) c.at('timezone').report(`"${timezone}" is not an IANA time zone name (e.g. America/Chicago)`);
  return {
    type,
    name: str(o, 'name', c, `${type}-${index}`),
    include,
    exclude,
    labels: { ...base, ...labels(o, c) },
    ...(timezone !== undefined ? { timezone } : {}),
    ...(ml ? { multiline: ml } : {}),
    include_lines: filterPatterns(o, 'include_lines', c),
    exclude_lines: filterPatterns(o, 'exclude_lines', c),
    start_position: oneOf(o, 'start_position', c, ['beginning', 'end'] as const, 'beginning'),
    // 0 by default, unlike journald's day: a file holds what was written since its rotation, and a quiet
    // log (a weekly job's) found at an upgrade or by a new source is read whole, as Filebeat and Vector do.
    max_age_s: int(o, 'max_age_s', c, 0, 0),
    max_line_bytes: maxLineBytes,
    max_message_bytes: maxMessageBytes,
    long_lines: oneOf(o, 'long_lines', c, ['split', 'truncate'] as const, 'split'),
    encoding,
    partial_line_flush_ms: int(o, 'partial_line_flush_ms', c, 1000, 1),
    close_idle_ms: int(o, 'close_idle_ms', c, 60_000, 1),
    poll_interval_ms: int(o, 'poll_interval_ms', c, 1000, 10),
    rotated_dirs: rotatedDirs,
  };
}
