/**
 * The patterns of the agent's config (multiline `start`, `continuation`,
 * `include_lines`, `exclude_lines`) run over every line of the files it
 * tails, which anyone who can make a program log something writes:
 * `^(\w+\s?)+:` backtracks for minutes over a line of 40 letters without a
 * colon, and the agent would stop shipping. V8 finishes a match that
 * backtracks past its limit on its linear-time engine, for every pattern
 * that engine can run (all but backreferences, lookaround, counted
 * repetitions above 16 and the `i` and `u` flags, most of which RE2 in the
 * peers' agents refuses outright). The flags are process-wide and read
 * when a pattern is compiled, so they are set when this module loads,
 * before any is; the second one lets `linearTimeProblem` ask that engine
 * whether it can run a pattern (the `l` flag).
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
setFlagsFromString('--enable-experimental-regexp-engine');

/** A RegExp of a config pattern, under that bound. */
export function boundedRegex(source: string): RegExp {
  return new RegExp(source);
}

/**
 * Why the linear-time engine cannot run `source`, or null when it can (and
 * so a match of it never backtracks without bound). Also null when this
 * Node cannot tell (a V8 without the `l` flag): the pattern then runs as
 * it would have.
 */
export function linearTimeProblem(source: string): string | null {
  try {
    // A flag variable: eslint knows V8's standard flags only.
    const linear = 'l';
    new RegExp(source, linear);
    return null;
  } catch (err) {
    const message = (err as Error).message;
    return /Invalid (regular expression )?flags/i.test(message) ? null : message;
  }
}
