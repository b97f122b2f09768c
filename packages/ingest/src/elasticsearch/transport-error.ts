/**
 * Sorts what the Elasticsearch client throws into "try again later"
 * (LS_ES_UNAVAILABLE: the cluster is down, unreachable, overloaded or timing
 * out) and everything else, which the caller names.
 */
import { errors } from '@elastic/elasticsearch';
import { esError, EsStoreError } from './es-error.js';

/** HTTP statuses that mean "overloaded or briefly unavailable", per item or per request. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === 429 || (status !== undefined && status >= 500);
}

export function classifyTransportError(err: unknown, otherwise: () => Error): Error {
  if (err instanceof EsStoreError) return err;
  if (
    err instanceof errors.ConnectionError ||
    err instanceof errors.NoLivingConnectionsError ||
    err instanceof errors.TimeoutError
  ) {
    return esError('LS_ES_UNAVAILABLE', err.message, err);
  }
  if (err instanceof errors.ResponseError && isRetryableStatus(err.statusCode)) {
    return esError('LS_ES_UNAVAILABLE', `HTTP ${err.statusCode}: ${err.message}`, err);
  }
  return otherwise();
}

/** For reads: unavailability as LS_ES_UNAVAILABLE, other failures as LS_ES_REQUEST. */
export function asStoreFailure(err: unknown): Error {
  return classifyTransportError(err, () => esError('LS_ES_REQUEST', (err as Error).message, err));
}
