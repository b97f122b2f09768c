/**
 * What a time that does not parse is told, after the parser's reason, in
 * the words of whoever reads it: the API's parameters (`from=now-1d/d`) or
 * the CLI's flags (`--from now-1d/d`). `logship search --from yesterday`
 * was told "yesterday is from=now-1d/d to=now-1d/d", a query string's
 * words for flags.
 */
import { resolveTimeParam } from '../time-param.js';

interface Words {
  /** A parameter written with its value: `from=now/d`, `--from now/d`. */
  write(param: string, value: string): string;
  /** A parameter named in a sentence: `to`, `--to`. */
  name(param: string): string;
}

const API: Words = { write: (p, v) => `${p}=${v}`, name: (p) => p };
const CLI: Words = { write: (p, v) => `--${p} ${v}`, name: (p) => `--${p}` };

/**
 * Words Grafana's and Kibana's pickers show for a range, and the date math
 * they stand for there. A Map, not an object literal: `from=__proto__` found
 * Object.prototype there and answered 500 (schemathesis), and
 * `from=constructor` was told "[object Object]".
 */
const DAY_WORDS = new Map<string, (w: Words) => string>([
  ['today', (w) => `today is ${w.write('from', 'now/d')} (${w.write('to', 'now/d')} for the whole day)`],
  ['yesterday', (w) => `yesterday is ${w.write('from', 'now-1d/d')} ${w.write('to', 'now-1d/d')} (${w.name('to')} rounds up to the end of that day)`],
  ['this week', (w) => `this week is ${w.write('from', 'now/w')}`],
  ['last week', (w) => `last week is ${w.write('from', 'now-1w/w')} ${w.write('to', 'now-1w/w')}`],
]);

/** `reason; [a day word's date math;] PARAM takes …`: the end of LS_API_BAD_TIME's message. */
export function timeAdvice(param: string, text: string, reason: string, cli = false): string {
  const w = cli ? CLI : API;
  const word = DAY_WORDS.get(text.trim().toLowerCase())?.(w);
  const forms = cli ? 'a duration before now (1h, or -1h)' : 'a duration before now (1h)';
  return `${reason}; ${word ? `${word}; ` : ''}${w.name(param)} takes an ISO 8601 time (2026-02-08T12:00:00Z), date math (now-1h), ${forms} or an epoch number (seconds or ms)`;
}

/**
 * LS_API_BAD_TIME's message for `--from` / `--to`: the parser's reason (the
 * CLI parses the value as the server does), or null when it parses here
 * (a server of another version refused it: its own message stands).
 */
export function cliBadTime(param: string, text: string): string | null {
  try {
    resolveTimeParam(text, { now: Date.now(), roundUp: param === 'to' });
    return null;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const shown = /\s/.test(text) ? JSON.stringify(text) : text;
    return `--${param} ${shown} is not a date or date math expression: ${timeAdvice(param, text, reason, true)}`;
  }
}
