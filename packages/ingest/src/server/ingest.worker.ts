/**
 * An ingest worker's entry point (ingest-workers.ts): normalizes one native
 * request at a time (normalizeItems, as ingestBatch does on the main
 * thread) and prepares its events for the store with the store's own
 * preparer, then sends back the outcome and what the store commits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LogEvent } from '@logship/query/core';
import { normalizeItems, type IngestItem, type NormalizeContext } from './ingest-batch.js';
import { dropRules } from './drop-rules.js';
import { Redactor } from '../normalize/redactor.js';
import type { IngestJob, IngestJobAnswer, IngestWorkerData } from './ingest-worker-data.js';

type Preparer = (events: readonly LogEvent[], at: number, contentIds: readonly boolean[], times: readonly number[]) => unknown;

const data = workerData as IngestWorkerData;
const port = parentPort!;
const drop = data.drop ? dropRules(data.drop.queries, data.drop.textFields) : undefined;
const redact = data.redact ? new Redactor(data.redact.names, data.redact.rules, data.redact.key, data.redact.maxValueBytes) : undefined;
const ctx: NormalizeContext = { limits: data.limits, defaultTimeZone: data.defaultTimeZone, ...(drop ? { drop } : {}), ...(redact ? { redact } : {}) };
const { createPreparer } = (await import(data.preparer.url)) as { createPreparer: (options: unknown) => Preparer };
const prepare = createPreparer(data.preparer.options);

port.on('message', (job: IngestJob) => {
  let answer: IngestJobAnswer;
  try {
    const body = Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength);
    const items = new Array<IngestItem>(job.refs.length);
    for (let i = 0; i < items.length; i++) items[i] = { kind: 'line', ref: job.refs[i]!, body, start: job.starts[i]!, end: job.ends[i]! };
    const batch = normalizeItems(ctx, 'native', items, job.receivedAt);
    const prepared = batch.events.length > 0 ? prepare(batch.events, job.receivedAt, batch.contentIds, batch.times) : null;
    if (!job.wantEvents) batch.events = [];
    // An Error crosses as an Error; its own properties (a cause, a code) need not.
    batch.failures = batch.failures.map(({ ref, err }) => ({ ref, err: plainError(err) }));
    answer = { id: job.id, ok: true, batch, prepared };
  } catch (err) {
    answer = { id: job.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(answer);
});
port.postMessage({ ready: true });

function plainError(err: unknown): Error {
  const plain = new Error(err instanceof Error ? err.message : String(err));
  if (err instanceof Error && err.stack !== undefined) plain.stack = err.stack;
  return plain;
}
