/**
 * A write's bulk items, however many, as bounded `_bulk` requests (a few
 * MB each), far below http.max_content_length and kind to the cluster's
 * indexing queue, up to BULK_PARALLEL of them at once. Each resolves once
 * its events are durable (translog fsync); the caller's one refresh
 * afterwards makes the whole write searchable.
 */
import type { Client } from '@elastic/elasticsearch';
import { bulkWrite, type BulkItem, type BulkOutcome, type RetryPolicy } from './bulk-writer.js';

/** Events per _bulk request. */
const BULK_CHUNK = 2000;
/**
 * _bulk requests of one write in flight at once. A request no longer waits
 * for a scheduled refresh (refresh=false, then one explicit refresh per
 * write), so this is only about keeping the cluster busy: while it parses
 * and indexes one chunk, the next ones are on the wire and queued for its
 * other write threads, and one slow chunk does not idle the rest.
 */
const BULK_PARALLEL = 4;

/** The outcomes of every request, merged (errors and storedIndexes in item order). Throws as bulkWrite does. */
export async function bulkWriteAll(client: Client, items: readonly BulkItem[], retry: RetryPolicy): Promise<BulkOutcome> {
  const all: BulkOutcome = { stored: 0, duplicates: 0, errors: [], storedIndexes: [], indices: [] };
  // Even sizes (5,000 → 3 × 1,667, not 2,000 + 2,000 + 1,000), so the
  // requests of a round finish together instead of one straggling alone.
  const size = Math.ceil(items.length / Math.max(1, Math.ceil(items.length / BULK_CHUNK)));
  const chunks: BulkItem[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  const written = new Set<string>();
  for (let i = 0; i < chunks.length; i += BULK_PARALLEL) {
    // allSettled: a failing chunk fails the write only once its siblings are done.
    const settled = await Promise.allSettled(chunks.slice(i, i + BULK_PARALLEL).map((chunk) => bulkWrite(client, chunk, retry)));
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
    for (const s of settled) {
      const outcome = (s as PromiseFulfilledResult<BulkOutcome>).value;
      all.stored += outcome.stored;
      all.duplicates += outcome.duplicates;
      all.errors.push(...outcome.errors);
      all.storedIndexes.push(...outcome.storedIndexes);
      for (const name of outcome.indices) written.add(name);
    }
  }
  all.errors.sort((a, b) => a.index - b.index);
  all.storedIndexes.sort((a, b) => a - b);
  all.indices = [...written].sort();
  return all;
}
