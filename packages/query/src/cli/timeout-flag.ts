/**
 * `--timeout DURATION` (or LOGSHIP_TIMEOUT): how long a command waits for
 * the server's answer. Against a server that took the connection and never
 * answered (stopped with SIGSTOP, a hung process, a proxy holding the
 * request) every command waited for ever. Written as curl's --max-time
 * takes it (a bare number is seconds) or as a duration (`500ms`, `30s`,
 * `2m`); 0 waits for ever.
 */
/**
 * Longer than the server's own deadline for one query (30 s, then 503
 * LS_API_QUERY_TIMEOUT): a slow query is answered by the server, with its
 * code, before the client gives up on it.
 */
export const DEFAULT_TIMEOUT_MS = 60_000;

export const TIMEOUT_FLAG_OPTIONS = {
  timeout: { type: 'string' },
} as const;

export const TIMEOUT_FLAG_USAGE = `  --timeout DURATION
                    how long to wait for each answer: 30s, 2m, 500ms (a bare
                    number is seconds; 0 waits for ever; default
                    $LOGSHIP_TIMEOUT, else 60s); with --follow, to connect,
                    then for a stream silent for the longer of it and four
                    of the server's keep-alives`;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration's milliseconds, or null when `text` is not one. */
export function parseTimeout(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const ms = m ? Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']!) : NaN;
  // setTimeout fires at once past 2^31-1 ms (24.8 days): refused, not obeyed wrongly.
  return Number.isFinite(ms) && ms <= 2 ** 31 - 1 ? ms : null;
}

/** The usage error's words for a value that is not a duration; `from` names where it was written. */
export function timeoutRefusal(from: string, text: string): string {
  return `${from} ${JSON.stringify(text)} is not a duration: write 30s, 2m or 500ms (a bare number is seconds; 0 waits for ever)`;
}

/** A duration as the messages say it: `60s`, `1.5s`, `250ms`. */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(3)}s` : `${ms}ms`;
}
