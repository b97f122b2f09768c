/**
 * The codes of the server's routes and its CLI (`LS_INGEST_*`, `LS_AUTH_*`,
 * `LS_CLI_*`), made by the package's one factory (errors/define-error.ts).
 * `errors` also holds the normalize and config rooms' codes, so the server
 * and CLI reach every code they raise through one object; those rooms
 * define them themselves, as they sit below the server. docs/ERRORS.md lists
 * the same codes; errors.test.ts keeps the two in sync both ways.
 */
import { configErrors } from '../config/config-errors.js';
import { defineError } from '../errors/define-error.js';
import { normalizeErrors } from '../normalize/normalize-errors.js';
import { rulesErrors } from '../rules/rules-errors.js';

export { LogshipError, listErrorDefinitions, type ErrorDefinition } from '../errors/define-error.js';

/** The prefixes this factory owns in docs/ERRORS.md; other rooms append their own. */
export const OWNED_ERROR_PREFIXES = ['LS_INGEST_', 'LS_CONFIG_', 'LS_AUTH_', 'LS_CLI_', 'LS_RULES_', 'LS_TLS_'] as const;

export const errors = {
  ...normalizeErrors,
  ...configErrors,
  ...rulesErrors,
  // Request-level ingest failures (the whole batch is refused).
  bodyTooLarge: defineError('LS_INGEST_BODY_TOO_LARGE', 'request body exceeds %s bytes', 413),
  decompressedTooLarge: defineError(
    'LS_INGEST_DECOMPRESSED_TOO_LARGE',
    'decompressed request body exceeds %s bytes',
    413,
  ),
  // One code per Content-Encoding (snappy's is badSnappy below), so a sender
  // whose compressor is wrong is told which one without reading the message.
  badGzip: defineError('LS_INGEST_BAD_GZIP', 'request body is not valid gzip: %s', 400),
  badDeflate: defineError('LS_INGEST_BAD_DEFLATE', 'request body is not valid %s (zlib-wrapped or raw deflate): %s', 400),
  badZstd: defineError('LS_INGEST_BAD_ZSTD', 'request body is not valid zstd: %s', 400),
  unsupportedEncoding: defineError(
    'LS_INGEST_UNSUPPORTED_ENCODING',
    'Content-Encoding "%s" is not supported here (use %s)',
    415,
  ),
  // The sender hung up mid-body (a shipper's timeout, a restart): nothing is
  // stored and no one reads the answer; a 4xx, so it is not logged as our failure.
  bodyAborted: defineError('LS_INGEST_BODY_ABORTED', 'the client closed the connection after %s bytes of the body; nothing was stored', 400),
  storeUnavailable: defineError('LS_INGEST_STORE_UNAVAILABLE', 'the store could not commit the batch: %s', 503, { retryable: true }),
  // An ingest worker (ingest-workers.ts) failed with the request on it: nothing of it was stored.
  workerFailed: defineError('LS_INGEST_WORKER_FAILED', 'the ingest worker normalizing the batch failed: %s; nothing of it was stored', 503, { retryable: true }),
  internal: defineError('LS_INGEST_INTERNAL', 'internal error; see the server log', 500),
  // GET / when packages/ui/dist is missing (a checkout built with tsc only).
  uiNotBuilt: defineError(
    'LS_INGEST_UI_NOT_BUILT',
    'the search page is not built (%s is missing); run npm run build',
    503,
  ),
  // GET /assets/… whose path @fastify/static refuses (bare "Forbidden" before): the
  // second argument says why (ui-routes.ts assetPathReason).
  assetPathRefused: defineError(
    'LS_INGEST_ASSET_PATH_REFUSED',
    'asset path %s is refused: %s; the page asks for its assets by their exact names under /assets/',
    400,
  ),
  shuttingDown: defineError('LS_INGEST_SHUTTING_DOWN', 'the server is shutting down', 503, { retryable: true }),
  // Line-level ingest failures (reported in the answer; the rest of the batch is stored).
  lineTooLong: defineError('LS_INGEST_LINE_TOO_LONG', 'line is %s bytes, over the %s byte limit', 400),
  lineFailed: defineError('LS_INGEST_LINE_FAILED', 'the line could not be normalized: %s', 400),
  eventRejected: defineError('LS_INGEST_EVENT_REJECTED', 'the store rejected the event: %s', 400),

  // Other protocols (server/protocols/*): request-level.
  badSnappy: defineError('LS_INGEST_BAD_SNAPPY', 'request body is not valid snappy: %s', 400),
  badProtobuf: defineError('LS_INGEST_BAD_PROTOBUF', 'request body is not a valid %s protobuf: %s', 400),
  badJsonBody: defineError('LS_INGEST_BAD_JSON_BODY', 'request body is not valid JSON: %s', 400),
  badPayload: defineError('LS_INGEST_BAD_PAYLOAD', '%s', 400),
  // Elasticsearch's words for a path whose route takes other methods (`PUT /{index}/_doc/` with the id left empty).
  methodNotAllowed: defineError('LS_INGEST_METHOD_NOT_ALLOWED', 'Incorrect HTTP method for uri [%s] and method [%s], allowed: [%s]', 405),
  unsupportedContentType: defineError(
    'LS_INGEST_UNSUPPORTED_CONTENT_TYPE',
    'Content-Type "%s" is not supported here (use %s)',
    415,
  ),
  // Other protocols: item-level (reported per entry/record/item; the rest is stored).
  bulkBadAction: defineError('LS_INGEST_BULK_BAD_ACTION', 'bulk action line is not valid: %s', 400),
  bulkUnsupportedAction: defineError(
    'LS_INGEST_BULK_UNSUPPORTED_ACTION',
    'bulk action "%s" is not supported (logship stores events: use index or create)',
    400,
  ),
  bulkMissingSource: defineError('LS_INGEST_BULK_MISSING_SOURCE', 'bulk action has no document line after it', 400),
  bulkEmpty: defineError('LS_INGEST_BULK_EMPTY', 'bulk request has no actions (Validation Failed: 1: no requests added;)', 400),
  bulkDocumentNotObject: defineError('LS_INGEST_BULK_DOCUMENT_NOT_OBJECT', 'bulk document is not a JSON object: %s', 400),
  bulkIndexMissing: defineError(
    'LS_INGEST_BULK_INDEX_MISSING',
    'Validation Failed: 1: index is missing; (name one in the action\'s _index or the path, /es/{index}/_bulk)',
    400,
  ),
  // A Loki stream whose labels Loki refuses: that stream's entries, the push's other streams are stored.
  lokiDuplicateLabel: defineError('LS_INGEST_LOKI_DUPLICATE_LABEL', "stream '%s' has duplicate label name: '%s'", 400),
  lokiBadLabelName: defineError(
    'LS_INGEST_LOKI_BAD_LABEL_NAME',
    "stream '%s' has label name %s, which is not [a-zA-Z_][a-zA-Z0-9_]* (logship also takes . and : after the first character, and a leading @)",
    400,
  ),
  // Loki's words (validation.LabelNameTooLongErrorMsg); the name shown cut, with its length.
  lokiLabelNameTooLong: defineError('LS_INGEST_LOKI_LABEL_NAME_TOO_LONG', "stream '%s' has label name too long: '%s'", 400),
  // Loki's words (validation.LabelValueTooLongErrorMsg); the value shown cut, with its length.
  lokiLabelValueTooLong: defineError('LS_INGEST_LOKI_LABEL_VALUE_TOO_LONG', "stream '%s' has label value too long: '%s'", 400),
  // Loki's words (validation.MaxLabelNamesPerSeriesErrorMsg).
  lokiTooManyLabels: defineError('LS_INGEST_LOKI_TOO_MANY_LABELS', "entry for stream '%s' has %s label names; limit %s", 400),
  // One entry's structured metadata: that entry alone is refused.
  lokiBadMetadataName: defineError('LS_INGEST_LOKI_BAD_METADATA_NAME', 'structured metadata name %s %s', 400),
  // An index name Elasticsearch refuses (invalid_index_name_exception, with its words): that item only.
  bulkInvalidIndexName: defineError('LS_INGEST_BULK_INVALID_INDEX_NAME', 'Invalid index name [%s], %s', 400),
  bulkIdTooLong: defineError('LS_INGEST_BULK_ID_TOO_LONG', 'Validation Failed: 1: id [%s] is too long, must be no longer than 512 bytes but was: %s;', 400),
  // One OTLP record (a resource's or a scope's: each of their records) whose attributes, or a map
  // value in them or in its body, name a key "". The second argument says where, naming the path.
  otlpEmptyAttributeKey: defineError(
    'LS_INGEST_OTLP_EMPTY_ATTRIBUTE_KEY',
    'log record %s: %s has an empty key, which OpenTelemetry forbids (an attribute key must be a non-empty string; a map value\'s keys become field names too)',
    400,
  ),
  syslogBadMessage: defineError('LS_INGEST_SYSLOG_BAD_MESSAGE', 'syslog message cannot be read: %s', 400),

  // Auth.
  // The first argument says what was sent instead (auth-hook.ts whatWasSent), never the credential.
  missingToken: defineError(
    'LS_AUTH_MISSING_TOKEN',
    '%s; this endpoint needs a token as "Authorization: Bearer TOKEN", or Basic with the token as password '
      + '(or as user name with an empty password), or ApiKey (the token, or base64 of id:TOKEN)',
    401,
  ),
  invalidToken: defineError('LS_AUTH_INVALID_TOKEN', 'the token is not known', 401),
  forbiddenScope: defineError('LS_AUTH_FORBIDDEN_SCOPE', 'token "%s" lacks the "%s" scope', 403),
  rateLimited: defineError('LS_AUTH_RATE_LIMITED', 'token "%s" is over its rate limit; retry in %s s', 429, { retryable: true }),
  tooManyAuthFailures: defineError(
    'LS_AUTH_TOO_MANY_FAILURES',
    'too many requests without a valid token from %s; retry in %s s',
    429,
  ),

  // The server's certificate, key and client CA (src/server/tls). At start
  // they stop the server (exit 1); on SIGHUP the running certificate stays.
  tlsRead: defineError('LS_TLS_READ_FAILED', 'cannot read %s file %s: %s', 'start-up'),
  tlsBadPem: defineError('LS_TLS_BAD_PEM', '%s file %s holds no usable PEM %s: %s', 'start-up'),
  tlsExpired: defineError('LS_TLS_CERT_EXPIRED', 'certificate in %s expired on %s', 'start-up'),
  tlsNotYetValid: defineError('LS_TLS_CERT_NOT_YET_VALID', 'certificate in %s is not valid before %s', 'start-up'),
  tlsKeyMismatch: defineError('LS_TLS_KEY_MISMATCH', 'private key in %s does not belong to the certificate in %s', 'start-up'),

  // CLI.
  cliUsage: defineError('LS_CLI_USAGE', '%s', 400),
  cliNoStore: defineError('LS_CLI_NO_STORE', '%s', 404),
  cliAuthFailed: defineError('LS_CLI_AUTH_FAILED', 'the logship server at %s refused the request: %s; pass a token with the read scope with --token TOKEN or LOGSHIP_TOKEN', 401),
} as const;
