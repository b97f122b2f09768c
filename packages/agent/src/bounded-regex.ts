/**
 * The patterns of the agent's config (multiline `start`, `continuation`)
 * run over every line of the files it tails, which anyone who can make a
 * program log something writes: `^(\w+\s?)+:` backtracks for minutes over
 * a line of 40 letters without a colon, and the agent would stop shipping.
 * V8 finishes a match that backtracks past its limit on its linear-time
 * engine, for every pattern that engine can run (all but backreferences and
 * lookaround, which RE2 in the peers' agents refuses outright). The flag is
 * process-wide and read when a pattern is compiled, so it is set when this
 * module loads, before any is.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/** A RegExp of a config pattern, under that bound. */
export function boundedRegex(source: string): RegExp {
  return new RegExp(source);
}
