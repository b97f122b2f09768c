import { LogshipError } from './define-error.js';

/**
 * The fields a log line gives a refused file (SIGHUP: a rule file or the
 * config that does not load): its code and message. Logged as `{ err }`,
 * a rule file's misspelt key was ~2 KB with two stack traces (the error's
 * and, in ConfigMistakes, its first mistake's), which say nothing of the
 * file. A fault (not coded) keeps its stack: that one is ours to find.
 */
export function loggedMistake(err: unknown): Record<string, unknown> {
  return err instanceof LogshipError ? { code: err.code, error: err.message } : { err };
}
