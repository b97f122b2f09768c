/**
 * The usage lines of the server's own commands, apart from the commands:
 * `logship --help` (main.ts) prints them without loading what the
 * commands run (the server, the stores), which main.ts loads only for the
 * command given, so `logship search` starts without the server's modules.
 */
export const SERVE_USAGE =
  'logship serve [--check [--offline]] [--config FILE] [--data DIR] [--listen HOST:PORT] [--store sqlite|elasticsearch] [--es-url URL] ' +
  '[--tls-cert-file FILE --tls-key-file FILE [--tls-client-ca-file FILE] [--tls-min-version TLSv1.2|TLSv1.3]]';

export const RETENTION_USAGE = 'logship retention status|run [--config FILE] [--data DIR] [--store sqlite|elasticsearch] [--es-url URL] [--server URL [--token TOKEN] [--timeout DURATION]] [--json]';

export const RULES_USAGE = 'logship rules check FILE... | rules test FILE... [--config FILE] [--data DIR] [--store sqlite|elasticsearch] [--es-url URL] [--json]';

export const STORE_USAGE = 'logship store migrate [--config FILE] [--data DIR] [--json] | store backup DEST [--config FILE] [--data DIR] [--json]';
