/**
 * What a `_field_caps` answer left out, for a field-name pattern's
 * expansion (`http.*:500`, field-names.ts):
 *
 *   _field_caps ─► 200, `failures` (failed_indices > 0), some indices listed ─► LS_ES_FIELDS_FAILED, one per index
 *              └► 200, every index failed (none listed)                   ─► thrown: LS_ES_UNAVAILABLE
 *              └► 4xx/5xx (one index, every shard copy down: a 503)       ─► thrown, as any read (transport-error.ts)
 *
 * Elasticsearch answers field_caps over a day whose index has no active
 * shard copy (a node gone, an allocation filter) with the other indices'
 * fields and a 200: the pattern then expanded without the fields only that
 * index maps, and the answer said nothing of it. The search that follows
 * reads the same indices and says its own shard failures; this says the
 * expansion's, which a shard that answers again in between would not.
 */
import type { estypes } from '@elastic/elasticsearch';
import { addLeftOut, leftOutList } from '@logship/query/core';
import { esError } from './es-error.js';

/** An Elasticsearch reason can quote a whole mapping; the start says what went wrong. */
const MAX_REASON = 500;

const WHAT_IS_MISSING = 'the fields only it maps were not searched by the query\'s field-name pattern, so its events that match through them alone are left out of this answer';

/**
 * One entry of a _field_caps answer's `failures` (the client's types leave
 * them out): the indices that failed for one cause, the cause wrapped as
 * Elasticsearch writes an error answer (`{ error: { type, reason } }`).
 */
interface FieldCapsFailure {
  indices?: string[];
  failure?: estypes.ErrorCause & { error?: estypes.ErrorCause };
}

/** The part of a _field_caps answer that says which indices answered. */
export interface FieldCapsReport {
  indices: string | string[];
  failed_indices?: number;
  failures?: FieldCapsFailure[];
}

function reasonOf(cause: estypes.ErrorCause | undefined): string {
  if (!cause) return 'no reason given';
  const text = cause.reason ?? cause.caused_by?.reason ?? '';
  const words = `${cause.type}${text ? `: ${text}` : ''}`;
  return words.length > MAX_REASON ? `${words.slice(0, MAX_REASON)}…` : words;
}

/** One per index whose fields `answer` lacks (`indices` being the patterns read, for a failure that names none). */
export function fieldCapsWarnings(answer: FieldCapsReport, indices: string): { partition: string; code: string; reason: string; message: string }[] {
  const out: { partition: string; code: string; reason: string; message: string }[] = [];
  for (const f of answer.failures ?? []) {
    const names = f.indices && f.indices.length > 0 ? f.indices : [indices];
    const cause = f.failure?.error ?? f.failure;
    for (const index of names) {
      if (out.some((w) => w.partition === index)) continue;
      const message = esError('LS_ES_FIELDS_FAILED', `index ${index}: ${reasonOf(cause)}; ${WHAT_IS_MISSING}`).message;
      out.push({ partition: index, code: 'LS_ES_FIELDS_FAILED', reason: message, message });
    }
  }
  return out;
}

/**
 * Adds the indices `answer` could not list to the running read's left-out
 * list (the API answer's `warnings`); throws when it listed none while some
 * failed: a pattern expanded over no field at all is no answer.
 */
export function noteFieldCapsFailures(response: estypes.FieldCapsResponse, indices: string): void {
  // The client's type has no `failures`; the answer does.
  const answer: FieldCapsReport = response;
  const failed = fieldCapsWarnings(answer, indices);
  if (failed.length === 0 && (answer.failed_indices ?? 0) === 0) return;
  const listed = typeof answer.indices === 'string' ? [answer.indices] : answer.indices;
  if (listed.length === 0) {
    const why = failed.length > 0 ? failed.map((w) => w.message).join('; ') : `${answer.failed_indices} indices failed without a reason`;
    throw esError('LS_ES_UNAVAILABLE', `the fields of ${indices} could not be listed for the query's field-name pattern: ${why}`);
  }
  // With no list in scope the read goes on, as a search's own shard failures
  // do (partial-answer.ts notePartial); every reader of queries keeps one
  // (the API, the ruler, `logship rules test`: rules/test-rules.ts).
  const list = leftOutList();
  if (list) addLeftOut(list, failed);
}
