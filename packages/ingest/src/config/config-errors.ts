/**
 * Errors of the server config (`logship serve`, `logship retention`): the
 * process exits 1 with the code. They never answer a request; their HTTP
 * status is the factory's required one, 500.
 */
import { defineError } from '../errors/define-error.js';

export const configErrors = {
  configRead: defineError('LS_CONFIG_READ_FAILED', 'cannot read config file %s: %s', 500),
  configSyntax: defineError('LS_CONFIG_YAML_SYNTAX', 'config file %s is not valid YAML: %s', 500),
  configUnknownKey: defineError('LS_CONFIG_UNKNOWN_KEY', 'unknown config key "%s"%s', 500),
  configInvalid: defineError('LS_CONFIG_INVALID', 'config value at "%s" %s', 500),
  configEnvMissing: defineError(
    'LS_CONFIG_ENV_MISSING',
    'config value at "%s" refers to environment variable %s, which is not set: set it where the server starts (the unit reads /etc/logship/server.env), or write ${NAME:-default}',
    500,
  ),
  configListen: defineError('LS_CONFIG_BAD_LISTEN', 'listen address "%s" is not HOST:PORT (a port from 0 to 65535: 127.0.0.1:7700, 0.0.0.0:7700, [::1]:7700, :7700)', 500),
  // Raised by the server's listeners (server/listen-failure.ts), at start only.
  configListenFailed: defineError('LS_CONFIG_LISTEN_FAILED', 'cannot listen on %s (%s): %s (%s)', 500),
  configNoTokensPublic: defineError(
    'LS_CONFIG_PUBLIC_WITHOUT_TOKENS',
    'refusing to listen on %s without auth tokens: configure auth.tokens or listen on a loopback address',
    500,
  ),
} as const;
