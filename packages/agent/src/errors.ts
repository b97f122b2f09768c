/**
 * Every failure the agent reports carries a stable `LS_AGENT_*` code, made by
 * one factory so that the list below is the complete catalogue (the docs in
 * docs/AGENT.md list the same codes; errors.test.ts keeps them in sync).
 */
export const AGENT_ERRORS = {
  LS_AGENT_CONFIG_READ: 'The config file could not be read: %s',
  LS_AGENT_CONFIG_SYNTAX: 'The config file is not valid YAML: %s',
  LS_AGENT_CONFIG_INVALID: 'The config is invalid at %s: %s',
  LS_AGENT_CONFIG_ENV: 'The config refers to the environment variable %s, which is not set',
  LS_AGENT_USAGE: 'Usage: %s',
  LS_AGENT_CHECKPOINT_CORRUPT: 'The checkpoint file %s is corrupt (%s); it was moved aside and reading restarts from each source\'s start position',
  LS_AGENT_SPOOL_CORRUPT: 'The spool file %s is corrupt (%s); it was moved aside',
  LS_AGENT_INGEST_REJECTED: 'Ingest rejected a batch of %s events permanently with HTTP %s: %s',
  LS_AGENT_INGEST_UNAVAILABLE: 'Ingest is unavailable (%s); the batch will be retried',
  LS_AGENT_TLS_FILE: 'The TLS file server.tls.%s (%s) cannot be used: %s',
  LS_AGENT_TLS_VERIFY_FAILED: 'TLS verification with the server failed (%s); nothing is sent unverified, the batch will be retried',
  LS_AGENT_JOURNALCTL_FAILED: 'journalctl failed (%s); it will be restarted',
  LS_AGENT_FILE_READ: 'Reading %s failed: %s',
} as const;

export type AgentErrorCode = keyof typeof AGENT_ERRORS;

export class AgentError extends Error {
  readonly code: AgentErrorCode;
  constructor(code: AgentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgentError';
    this.code = code;
  }
}

/** Builds an AgentError from the code's template, filling `%s` in order. */
export function agentError(code: AgentErrorCode, ...args: unknown[]): AgentError {
  let i = 0;
  const message = AGENT_ERRORS[code].replace(/%s/g, () => String(args[i++] ?? ''));
  const cause = args.find((a) => a instanceof Error);
  return new AgentError(code, message, cause ? { cause } : undefined);
}
