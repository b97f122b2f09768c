/**
 * Sorts what the Elasticsearch client throws into "try again later"
 * (LS_ES_UNAVAILABLE: the cluster is down, unreachable, overloaded or timing
 * out; LS_ES_INDEX_BLOCKED: an index blocked for reads or writes, a 403
 * that is not the credentials' LS_ES_AUTH) and everything else, which the
 * caller names.
 */
import { errors } from '@elastic/elasticsearch';
import { storeError } from '../store/store-error.js';
import { esError, isEsError } from './es-error.js';

/** HTTP statuses that mean "overloaded or briefly unavailable", per item or per request. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === 429 || (status !== undefined && status >= 500);
}

/** Node's TLS verification failures: a configuration problem, not a reason to spool and retry. */
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

function tlsCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TLS_CODES.test(code)) return code;
  }
  const message = err instanceof Error ? err.message : '';
  return /certificate|self[- ]signed/i.test(message) ? message : null;
}

/** The settings that lift each index block, by Elasticsearch's description of it (IndexMetadata's blocks). */
const BLOCKS: readonly { words: string; blocks: string; setting: string }[] = [
  { words: 'read-only-allow-delete', blocks: 'writes (deletes allowed)', setting: 'index.blocks.read_only_allow_delete' },
  { words: 'allow delete', blocks: 'writes (deletes allowed)', setting: 'index.blocks.read_only_allow_delete' },
  { words: 'index read-only', blocks: 'writes', setting: 'index.blocks.read_only' },
  { words: 'index read', blocks: 'reads', setting: 'index.blocks.read' },
  { words: 'index write', blocks: 'writes', setting: 'index.blocks.write' },
  { words: 'index metadata', blocks: 'metadata reads and writes', setting: 'index.blocks.metadata' },
];

/** An Elasticsearch error cause: a whole answer's `error`, or one bulk item's. */
interface EsCause {
  type?: string;
  reason?: string | null;
  root_cause?: { type?: string; reason?: string | null }[];
}

interface EsErrorBody {
  error?: EsCause;
}

/**
 * A 403 `cluster_block_exception` in words: each index, what its block
 * stops, Elasticsearch's reason and the setting that lifts it; null for
 * another error. Its reason reads `index [NAME] blocked by: [FORBIDDEN/7/index
 * read (api)];` (one such clause per blocked index), or `blocked by:
 * [FORBIDDEN/6/cluster read-only (api)];` for a block of the whole cluster.
 * It was said as LS_ES_AUTH, "refused the credentials", and an operator
 * checked an API key that was fine.
 */
function blockedWords(err: errors.ResponseError): string | null {
  return blockedCauseWords((err.body as EsErrorBody | undefined)?.error);
}

/**
 * The same words for one cause; the bulk writer passes an item's error, a
 * 403 inside a 200 answer when only that item's index is blocked.
 */
export function blockedCauseWords(error: EsCause | undefined): string | null {
  const reasons = [error, ...(error?.root_cause ?? [])]
    .filter((e) => e?.type === 'cluster_block_exception' && typeof e.reason === 'string')
    .map((e) => e!.reason!);
  if (reasons.length === 0) return null;
  const said = new Set<string>();
  for (const reason of reasons) {
    for (const m of reason.matchAll(/(?:index \[([^\]]+)\] )?blocked by: \[([^\]]+)\]/g)) {
      const [, index, block = ''] = m;
      // FORBIDDEN/7/index read (api): the status, the block's id, its description.
      const description = block.split('/').slice(2).join('/') || block;
      const known = BLOCKS.find((b) => description.includes(b.words));
      if (index === undefined) said.add(`the cluster is blocked (${block})`);
      else if (known) said.add(`index ${index} is blocked for ${known.blocks} (${block}); lift it with PUT ${index}/_settings {"${known.setting}": false}`);
      else said.add(`index ${index} is blocked (${block})`);
    }
  }
  return said.size > 0 ? [...said].join('; ') : reasons[0]!;
}

export function classifyTransportError(err: unknown, otherwise: () => Error): Error {
  if (isEsError(err)) return err;
  const tls = err instanceof errors.ConnectionError ? tlsCode(err) : null;
  if (tls) return esError('LS_ES_TLS', `${tls} (set the CA with caFile)`, err);
  const blocked = err instanceof errors.ResponseError && err.statusCode === 403 ? blockedWords(err) : null;
  if (blocked) return esError('LS_ES_INDEX_BLOCKED', blocked, err);
  if (err instanceof errors.ResponseError && (err.statusCode === 401 || err.statusCode === 403)) {
    return esError('LS_ES_AUTH', `HTTP ${err.statusCode}: ${err.message}`, err);
  }
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

/**
 * For reads: unavailability as LS_ES_UNAVAILABLE; a 400 (a regex too complex
 * to determinize, too many histogram buckets) as the shared
 * LS_STORE_BAD_REQUEST, which the query API answers as the caller's
 * mistake; anything else as LS_ES_REQUEST. A request dropped because
 * `signal` aborted (the query's deadline) as LS_STORE_QUERY_ABORTED, as the
 * embedded stores say it.
 */
export function asStoreFailure(err: unknown, signal?: AbortSignal): Error {
  // The query's deadline passed (the request's signal): the request was dropped, not refused.
  if (signal?.aborted && err instanceof errors.RequestAbortedError) {
    const reason = signal.reason as unknown;
    return storeError('LS_STORE_QUERY_ABORTED', reason instanceof Error ? reason.message : 'aborted', reason);
  }
  return classifyTransportError(err, () => {
    if (err instanceof errors.ResponseError && err.statusCode === 400) {
      return storeError('LS_STORE_BAD_REQUEST', `Elasticsearch: ${err.message}`, err);
    }
    return esError('LS_ES_REQUEST', (err as Error).message, err);
  });
}
