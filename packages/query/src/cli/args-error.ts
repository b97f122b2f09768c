import { nearestName } from '../nearest-name.js';

/**
 * Flags of the query tools people come from (Loki's logcli, VictoriaLogs'
 * vlogscli habits, grep/tail) and how each is written here. Without these a
 * logcli user typing `--since 1h` got node's "Unknown option" text and the
 * whole usage, with nothing saying that `--from now-1h` is the same thing.
 */
const PEER_FLAGS: Record<string, string> = {
  since: "logcli's --since 1h is --from now-1h here",
  start: '--from (an ISO date or date math: now-2h, 2026-12-01T10:00:00Z)',
  end: '--to (an ISO date or date math)',
  tail: '--follow (or -f) streams new matching events',
  t: '--follow (or -f) streams new matching events',
  output: "--json prints one JSON event per line (logcli's -o jsonl); the default is readable lines",
  o: "--json prints one JSON event per line (logcli's -o jsonl); the default is readable lines",
  forward: '--sort asc (oldest first)',
  reverse: '--sort desc (newest first, the default)',
  addr: '--server URL (or $LOGSHIP_URL)',
  url: '--server URL (or $LOGSHIP_URL)',
  n: '--limit N',
  size: '--limit N (search) or --size N (top, stats)',
  // `top FIELD --limit 3`: search's flag where top and stats count values.
  limit: '--size N (how many values) here; --limit N is for search',
  last: '--from now-1h (or --from 1h, a duration before now)',
  query: 'the query is the positional argument: logship search \'level:error AND service:api\'',
  q: 'the query is the positional argument: logship search \'level:error AND service:api\'',
  // curl's and kubectl's names for it.
  'max-time': '--timeout DURATION (30s, 2m; a bare number is seconds)',
  'request-timeout': '--timeout DURATION (30s, 2m; a bare number is seconds)',
};

/** The name node's parseArgs reports in an unknown-option error (`--since`, `-t`), without dashes. */
function unknownOptionName(err: Error): string | undefined {
  if ((err as NodeJS.ErrnoException).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  const m = /Unknown option '(-{1,2})([^'=]+)/.exec(err.message);
  return m?.[2];
}

/**
 * What a command line mistake is, in one line: for an unknown flag, the flag
 * and what to write instead (a peer's name for it, or the nearest known
 * flag); for a query that starts with a dash (Lucene's `-level:debug`), how
 * to pass it; otherwise node's own message.
 */
export function argsErrorMessage(err: unknown, argv: readonly string[], options: Record<string, { readonly type: string; readonly short?: string }>): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const name = unknownOptionName(e);
  if (name === undefined) return e.message;
  // node reports `-level:debug` as the unknown short option `-l`.
  const query = argv.find((a) => a.startsWith('-') && !/^--?[A-Za-z][\w-]*(=.*)?$/.test(a));
  if (query !== undefined) {
    return `${query} reads as a flag: a query that starts with '-' goes after '--' (logship search -- '${query}'), or write it with NOT (NOT ${query.replace(/^-+/, '')}).`;
  }
  const dashes = name.length === 1 ? '-' : '--';
  const known = Object.keys(options);
  const peer = PEER_FLAGS[name];
  if (peer !== undefined && !known.includes(name)) return `Unknown option ${dashes}${name}: ${peer}.`;
  const near = name.length > 1 ? nearestName(name, known) : null;
  if (near !== null) return `Unknown option ${dashes}${name}: did you mean --${near}?`;
  return `Unknown option ${dashes}${name}.`;
}
