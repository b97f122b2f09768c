/**
 * Errors of the server config (`logship serve`, `logship retention`): the
 * process exits 1 with the code. They never answer a request: start-up
 * only (docs/ERRORS.md says so in their HTTP column).
 */
import { defineError } from '../errors/define-error.js';

export const configErrors = {
  configRead: defineError('LS_CONFIG_READ_FAILED', 'cannot read config file %s: %s', 'start-up'),
  configSyntax: defineError('LS_CONFIG_YAML_SYNTAX', 'config file %s is not valid YAML: %s', 'start-up'),
  configUnknownKey: defineError('LS_CONFIG_UNKNOWN_KEY', 'unknown config key "%s"%s', 'start-up'),
  configInvalid: defineError('LS_CONFIG_INVALID', 'config value at "%s" %s', 'start-up'),
  configEnvMissing: defineError(
    'LS_CONFIG_ENV_MISSING',
    'config value at "%s" refers to environment variable %s, which is not set: set it where the server starts (the unit reads /etc/logship/server.env), or write ${NAME:-default}',
    'start-up',
  ),
  configListen: defineError('LS_CONFIG_BAD_LISTEN', 'listen address "%s" is not HOST:PORT (a port from 0 to 65535: 127.0.0.1:7700, 0.0.0.0:7700, [::1]:7700, :7700)', 'start-up'),
  // Raised by the server's listeners (server/listen-failure.ts), at start only.
  configListenFailed: defineError('LS_CONFIG_LISTEN_FAILED', 'cannot listen on %s (%s): %s (%s)', 'start-up'),
  configNoTokensPublic: defineError(
    'LS_CONFIG_PUBLIC_WITHOUT_TOKENS',
    'refusing to listen on %s without auth tokens: configure auth.tokens or listen on a loopback address',
    'start-up',
  ),
} as const;
