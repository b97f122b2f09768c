import { LogshipError } from './define-error.js';
import { ConfigMistakes } from './config-mistakes.js';

/**
 * The mistakes of checks that do not depend on each other, gathered so that
 * one run of `logship serve --check` (or one failed start) names them all: a
 * missing TLS file, a query that does not parse and a busy port took three
 * rounds of fixing and checking when each check threw at its first (and a
 * rule file's bad query, bad duration and misspelt key took three). Only
 * coded errors are gathered; anything else is a fault and is thrown at once.
 */
export class MistakeList {
  private readonly found: LogshipError[] = [];

  /** Runs one check: its value, or `fallback` once its mistake is kept. */
  check<T>(run: () => T, fallback: T): T {
    try {
      return run();
    } catch (err) {
      this.keep(err);
      return fallback;
    }
  }

  /** As check(), for a check that waits. */
  async checkAsync<T>(run: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await run();
    } catch (err) {
      this.keep(err);
      return fallback;
    }
  }

  /** Runs `check` on each item, every item's mistake kept. */
  each<I>(items: readonly I[], check: (item: I, index: number) => void): void {
    items.forEach((item, i) => this.check(() => check(item, i), undefined));
  }

  /** Keeps a mistake found without a check to run (a coded error; anything else is thrown). */
  add(err: unknown): void {
    this.keep(err);
  }

  /** The mistakes kept so far, in the order found. */
  get all(): readonly LogshipError[] {
    return this.found;
  }

  get size(): number {
    return this.found.length;
  }

  /** Throws what was found: the one mistake as it was, several as ConfigMistakes (the first's code). */
  throwIfAny(): void {
    const [first, ...more] = this.found;
    if (first === undefined) return;
    throw more.length === 0 ? first : new ConfigMistakes(first, more);
  }

  private keep(err: unknown): void {
    if (!(err instanceof LogshipError)) throw err;
    // A mistake two checks meet (a listen address both the config and the
    // listeners parse) is told once: the loader's, placed in the file, stands
    // for the same words without a place from a check that has no file.
    for (const e of err instanceof ConfigMistakes ? [err.first, ...err.more] : [err]) {
      if (!this.found.some((f) => f.code === e.code && (f.message === e.message || unplaced(f.message) === e.message))) this.found.push(e);
    }
  }
}

/** The message without the file place withPlace put in it (`(line 2, column 1 of server.yaml)`). */
function unplaced(message: string): string {
  return message.replace(/ \(line \d+, column \d+ of [^)\n]*\)/, '');
}
