/**
 * Calls on one small index that must wait while its primary shard starts.
 *
 * Two servers starting together on a fresh prefix: one creates
 * `<prefix>-meta` with the policy document (its create waits for the
 * primary, as every index call does), while the other's get of that
 * document reaches the new index before its primary has started and
 * Elasticsearch answers 503 `no_shard_available_action_exception`. That is
 * a moment of a healthy cluster, not an outage, so failing the start with
 * LS_ES_UNAVAILABLE was wrong. The call is tried again until the shard
 * answers or `limitMs` passes; a primary that stays unassigned (a node
 * gone, an allocation filter) still fails the start, after saying why.
 */
import { errors } from '@elastic/elasticsearch';

/** Elasticsearch's answers for "the index exists, its shard has not started (or has no copy) yet". */
const SHARD_NOT_STARTED = new Set(['no_shard_available_action_exception', 'unavailable_shards_exception']);

/** The client's error, or ours wrapping it (asStoreFailure keeps it as the cause). */
export function isShardNotStarted(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (!(e instanceof errors.ResponseError)) continue;
    const body = e.body as { error?: { type?: unknown } } | undefined;
    return e.statusCode === 503 && typeof body?.error?.type === 'string' && SHARD_NOT_STARTED.has(body.error.type);
  }
  return false;
}

export interface ShardWaitOptions {
  /** Give up (the last error is thrown) once this long has passed; default 30 s. */
  limitMs?: number;
  /** Said once, on the first refusal, so an operator sees what the start waits for. */
  onWait?: (detail: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `call()`, tried again while the index's shard has not started. */
export async function whileShardStarts<T>(call: () => Promise<T>, opts: ShardWaitOptions = {}): Promise<T> {
  const limitMs = opts.limitMs ?? 30_000;
  const sleep = opts.sleep ?? defaultSleep;
  const now = opts.now ?? Date.now;
  const began = now();
  let pause = 50;
  let said = false;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!isShardNotStarted(err) || now() - began >= limitMs) throw err;
      if (!said) {
        said = true;
        opts.onWait?.((err as Error).message);
      }
      await sleep(pause);
      // A fresh index's primary starts within a second; an unassigned one is polled at most once a second.
      pause = Math.min(pause * 2, 1_000);
    }
  }
}
