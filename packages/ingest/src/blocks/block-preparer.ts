import type { LogEvent } from '@logship/query/core';
import type { RetentionConfig } from '../retention/retention-config.js';
import { createRetentionPolicy } from '../retention/retention-policy.js';
import { classFingerprintOf } from '../sqlite/class-fingerprint.js';
import { classMatcherFor } from '../sqlite/store-limits.js';
import { prepareBlockWrite, type PreparedBlockWrite } from './block-prepare.js';

/** What BlockStore.preparer() gives a worker: plain data, so it crosses threads. */
export interface BlockPreparerOptions {
  retention: RetentionConfig;
  textFields: readonly string[];
}

/** A batch's events (with LogStore WriteOptions' contentIds and times) to what BlockStore.commitPrepared takes. */
export type BlockPreparer = (events: readonly LogEvent[], at: number, contentIds: readonly boolean[], times: readonly number[]) => PreparedBlockWrite;

/**
 * The first half of BlockStore.write for another thread (an ingest
 * worker): the same retention classes and text fields as the store's,
 * class queries evaluated at the batch's receive time (the store's own
 * write evaluates them at its clock's, the same moment within a batch).
 */
export function createPreparer(opts: BlockPreparerOptions): BlockPreparer {
  let at = 0;
  const policy = createRetentionPolicy(opts.retention, classMatcherFor(() => at, opts.textFields));
  const fingerprint = classFingerprintOf(opts.retention);
  return (events, now, contentIds, times) => {
    at = now;
    return prepareBlockWrite(events, now, policy, fingerprint, opts.textFields, contentIds, times);
  };
}
