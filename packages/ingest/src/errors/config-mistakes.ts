import { errorDefinition, LogshipError, type ErrorDefinition } from './define-error.js';

/**
 * Every mistake the config's schema found, at once: `logship serve --check`
 * stopped at the first, so a config with three took three rounds of fixing
 * and checking. The later checks' mistakes and a rule file's come as one
 * too (MistakeList); here, below every room, so the rules room can use it. The error is the first mistake's (its code, what exits and
 * what a reload logs), its message followed by the others, a line each with
 * its own code; the CLI prints each as a line of its own (cli/main.ts).
 */
export class ConfigMistakes extends LogshipError {
  constructor(
    readonly first: LogshipError,
    readonly more: readonly LogshipError[],
  ) {
    const def: ErrorDefinition = {
      code: first.code,
      template: first.message,
      statusCode: first.statusCode,
      startupOnly: errorDefinition(first.code)?.startupOnly ?? false,
      retryable: first.retryable,
    };
    super(def, `${first.message}${more.map((m) => `\n  and ${m.message} (${m.code})`).join('')}`);
  }
}
