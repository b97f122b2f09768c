/**
 * Errors the Elasticsearch backend raises that the shared store codes
 * (`LS_STORE_*`, store/store-error.ts) do not cover, each with a stable
 * `LS_ES_*` code, an HTTP status and whether trying again later can help,
 * made by the package's one factory (errors/define-error.ts). The ingest
 * route turns a retryable store error into 503 + Retry-After so agents spool
 * instead of dropping. LS_ES_SHARDS_FAILED, LS_ES_TIMED_OUT, LS_ES_FIELDS_FAILED and
 * LS_ES_INDEX_CLOSED are not thrown: they are the codes of a partial answer's warnings
 * (partial-answer.ts). docs/ELASTICSEARCH.md lists the same codes.
 */
import { defineError, isLogshipError, type ErrorFactory, type LogshipError } from '../errors/define-error.js';

const ES_ERRORS = {
  LS_ES_UNAVAILABLE: defineError('LS_ES_UNAVAILABLE', 'Elasticsearch is unreachable or overloaded: %s', 503, { retryable: true }),
  LS_ES_BAD_OPTIONS: defineError('LS_ES_BAD_OPTIONS', 'The Elasticsearch store options are invalid: %s', 500),
  LS_ES_TEMPLATE: defineError('LS_ES_TEMPLATE', 'The index template could not be installed: %s', 500),
  LS_ES_AUTH: defineError('LS_ES_AUTH', 'Elasticsearch refused the credentials or their privileges: %s', 503),
  // A 403 cluster_block_exception: an index (or the cluster) an operator or
  // Elasticsearch blocked for reads or writes (`PUT INDEX/_block/read`), not
  // the credentials. Retryable: lifting the block is all it takes, and an
  // agent told to come back later spools instead of dropping.
  LS_ES_INDEX_BLOCKED: defineError('LS_ES_INDEX_BLOCKED', 'Elasticsearch refused the operation on a blocked index: %s', 503, { retryable: true }),
  LS_ES_TLS: defineError('LS_ES_TLS', "Elasticsearch's TLS certificate is not trusted: %s", 503),
  LS_ES_REQUEST: defineError('LS_ES_REQUEST', 'Elasticsearch rejected a request: %s', 502),
  // The codes of an answer's `warnings` (partial-answer.ts), never of an
  // error answer: the read succeeded on the other shards, and the API
  // answers 200 with what they found. Statuses as the gateway codes they
  // would be if a whole read failed so.
  LS_ES_SHARDS_FAILED: defineError('LS_ES_SHARDS_FAILED', 'Elasticsearch could not read every shard: %s', 502),
  LS_ES_TIMED_OUT: defineError('LS_ES_TIMED_OUT', 'Elasticsearch stopped reading at its search timeout: %s', 504),
  // A field-name pattern's expansion (`http.*:500`, field-names.ts) over the
  // indices whose fields `_field_caps` could list: those it could not are named.
  LS_ES_FIELDS_FAILED: defineError('LS_ES_FIELDS_FAILED', 'Elasticsearch could not list the fields of every index: %s', 502),
  // A closed index of the read's range (closed-indices.ts): the search's
  // wildcards skip it, so its events are not in the answer.
  LS_ES_INDEX_CLOSED: defineError('LS_ES_INDEX_CLOSED', 'Elasticsearch did not search a closed index: %s', 502),
} as const satisfies Record<string, ErrorFactory>;

export type EsErrorCode = keyof typeof ES_ERRORS;

/** A LogshipError whose code is one of Elasticsearch's. */
export type EsStoreError = LogshipError & { readonly code: EsErrorCode };

export const ES_ERROR_CODES: Readonly<Record<EsErrorCode, ErrorFactory>> = ES_ERRORS;

export function esError(code: EsErrorCode, detail: string, cause?: unknown, retryAfterS?: number): EsStoreError {
  return ES_ERRORS[code].withCause({ cause, ...(retryAfterS !== undefined ? { retryAfterS } : {}) }, detail) as EsStoreError;
}

export function isEsError(err: unknown, code?: EsErrorCode): err is EsStoreError {
  return isLogshipError(err) && Object.hasOwn(ES_ERRORS, err.code) && (code === undefined || err.code === code);
}
