import type { AnswerWarning } from '../log-reader.js';

/**
 * The `warnings` of the answers a command read (log-reader.ts
 * answerWarnings: partitions of the range the server left out), said on
 * stderr once each after its results: stdout stays the results alone
 * (`--json` pure JSON), and the exit code is the results'. A command
 * asking several questions (pages, stats and percentiles) hears the same
 * partitions in each. Until 2026-12-07 the commands said nothing of them:
 * a day missing from a count read as a quiet day.
 */
export class AnswerWarnings {
  private readonly seen = new Map<string, AnswerWarning>();

  /** Passes `answer` on, its warnings kept (the first said of a partition). */
  readonly note = <T>(answer: T): T => {
    const warnings = (answer as { warnings?: unknown }).warnings;
    if (Array.isArray(warnings)) {
      for (const w of warnings as AnswerWarning[]) if (!this.seen.has(w.partition)) this.seen.set(w.partition, w);
    }
    return answer;
  };

  /** `warning: <message> [<code>]`, a line each. */
  print(err: NodeJS.WritableStream = process.stderr): void {
    for (const w of this.seen.values()) err.write(`warning: ${w.message} [${w.code}]\n`);
  }
}
