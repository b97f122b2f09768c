/**
 * Every failure the agent reports carries a stable `LS_AGENT_*` code, made by
 * one factory in the shape the server's packages use,
 * `defineError(code, template, httpStatus, { retryable })`, so that the list
 * below is the complete catalogue (docs/AGENT.md lists the same codes;
 * errors.test.ts keeps them in sync). The agent answers no request with an
 * error (its /health reports state), so every status is null; `retryable`
 * says whether the agent tries again by itself.
 */
export interface AgentErrorDefinition {
  readonly code: string;
  readonly template: string;
  readonly statusCode: number | null;
  readonly retryable: boolean;
}

function defineError(
  code: string,
  template: string,
  httpStatus: number | null,
  options: { retryable?: boolean } = {},
): AgentErrorDefinition {
  return Object.freeze({ code, template, statusCode: httpStatus, retryable: options.retryable ?? false });
}

const DEFINITIONS = {
  LS_AGENT_CONFIG_READ: defineError('LS_AGENT_CONFIG_READ', 'The config file could not be read: %s', null),
  LS_AGENT_CONFIG_SYNTAX: defineError('LS_AGENT_CONFIG_SYNTAX', 'The config file is not valid YAML: %s', null),
  LS_AGENT_CONFIG_INVALID: defineError('LS_AGENT_CONFIG_INVALID', 'The config is invalid at %s: %s', null),
  LS_AGENT_CONFIG_ENV: defineError('LS_AGENT_CONFIG_ENV', 'The config refers to the environment variable %s, which is not set', null),
  LS_AGENT_USAGE: defineError('LS_AGENT_USAGE', 'Usage: %s', null),
  LS_AGENT_DATA_DIR_LOCKED: defineError(
    'LS_AGENT_DATA_DIR_LOCKED',
    'The data_dir %s is in use by another logship-agent (pid %s); each agent needs a data_dir of its own',
    null,
  ),
  LS_AGENT_DATA_DIR: defineError(
    'LS_AGENT_DATA_DIR',
    'The data_dir %s cannot be used (%s); create it and give it to the user the agent runs as (chown), or set data_dir to a folder that user can write',
    null,
  ),
  LS_AGENT_CHECKPOINT_CORRUPT: defineError(
    'LS_AGENT_CHECKPOINT_CORRUPT',
    "The checkpoint file %s is corrupt (%s); it was moved aside and reading restarts from each source's start position",
    null,
  ),
  LS_AGENT_SPOOL_CORRUPT: defineError('LS_AGENT_SPOOL_CORRUPT', 'The spool file %s is corrupt (%s); it was moved aside', null),
  LS_AGENT_HELD_EXPIRED: defineError('LS_AGENT_HELD_EXPIRED', '%s held lines were dropped: ingest did not take them within spool.max_held_age_s (%s s)', null),
  LS_AGENT_INGEST_REJECTED: defineError('LS_AGENT_INGEST_REJECTED', 'Ingest rejected a batch of %s events permanently with HTTP %s: %s', null),
  LS_AGENT_INGEST_UNAVAILABLE: defineError(
    'LS_AGENT_INGEST_UNAVAILABLE',
    'Ingest is unavailable (%s); the batch will be retried',
    null,
    { retryable: true },
  ),
  LS_AGENT_JOURNALCTL_FAILED: defineError('LS_AGENT_JOURNALCTL_FAILED', 'journalctl failed (%s); it will be restarted', null, { retryable: true }),
  LS_AGENT_FILE_READ: defineError('LS_AGENT_FILE_READ', 'Reading %s failed: %s', null, { retryable: true }),
  LS_AGENT_TLS_FILE: defineError('LS_AGENT_TLS_FILE', 'The TLS file server.tls.%s (%s) cannot be used: %s', null),
  LS_AGENT_TLS_VERIFY_FAILED: defineError(
    'LS_AGENT_TLS_VERIFY_FAILED',
    'TLS verification with the server failed (%s); nothing is sent unverified, the batch will be retried',
    null,
    { retryable: true },
  ),
} as const;

export type AgentErrorCode = keyof typeof DEFINITIONS;

/** Code → message template (the catalogue docs/AGENT.md mirrors). */
export const AGENT_ERRORS: Readonly<Record<AgentErrorCode, string>> = Object.freeze(
  Object.fromEntries(Object.values(DEFINITIONS).map((d) => [d.code, d.template])) as Record<AgentErrorCode, string>,
);

export class AgentError extends Error {
  readonly code: AgentErrorCode;
  readonly retryable: boolean;
  constructor(code: AgentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgentError';
    this.code = code;
    this.retryable = DEFINITIONS[code].retryable;
  }
}

/** Builds an AgentError from the code's template, filling `%s` in order; an Error argument is its cause. */
export function agentError(code: AgentErrorCode, ...args: unknown[]): AgentError {
  let i = 0;
  const message = DEFINITIONS[code].template.replace(/%s/g, () => String(args[i++] ?? ''));
  const cause = args.find((a) => a instanceof Error);
  return new AgentError(code, message, cause ? { cause } : undefined);
}
