/**
 * A field's top values (GET /api/v1/fields/NAME/values, README.md "HTTP
 * API"). Exact, from a terms aggregation, where the store can aggregate the
 * field; from the newest events (sample-fields.ts) where it cannot
 * (Elasticsearch keeps no keyword copy of `message`).
 */
import { addTermsKey } from './array-values.js';
import type { FieldValuesRequest, FieldValuesResult, LogReader } from './log-reader.js';
import { compareNames, FIELD_SAMPLE_SIZE, newestEvents } from './sample-fields.js';
import { TOO_MANY_TERMS } from './terms-limit.js';

export async function termsFieldValues(reader: LogReader, req: FieldValuesRequest): Promise<FieldValuesResult> {
  const res = await reader.aggregate({
    query: req.query,
    from: req.from,
    to: req.to,
    now: req.now,
    agg: { type: 'terms', field: req.field, size: req.size },
    ...(req.signal ? { signal: req.signal } : {}),
  });
  if (res.type !== 'terms') throw new Error(`a terms aggregation answered ${res.type}`);
  return {
    counts: 'exact',
    values: res.buckets.map((b) => ({ value: b.key, count: b.count })),
    other_count: res.other_count,
    missing_count: res.missing_count,
  };
}

/** Values keyed by String(value), as terms buckets are; null counts as missing. */
export async function sampleFieldValues(reader: LogReader, req: FieldValuesRequest, sampleSize = FIELD_SAMPLE_SIZE): Promise<FieldValuesResult> {
  const { events, complete } = await newestEvents(reader, req, sampleSize);
  const counts = new Map<string, number>();
  let missing = 0;
  for (const e of events) {
    const v = Object.hasOwn(e, req.field) ? e[req.field] : undefined;
    if (v === null || v === undefined || !addTermsKey(counts, String(v), 1)) missing++;
  }
  const total = complete ? null : await reader.count({ query: req.query, from: req.from, to: req.to, now: req.now, ...(req.signal ? { signal: req.signal } : {}) });
  return sampledValuesAnswer({ counts, missing, sampled: events.length }, total, req.size);
}

/** What a sample of the newest matching events holds of one field. */
export interface ValueSample {
  /** By String(value). */
  counts: ReadonlyMap<string, number>;
  /** Events of the sample without the field (or null). */
  missing: number;
  /** Events in the sample. */
  sampled: number;
}

/**
 * The answer from a sample: exact when it was every matching event
 * (`total` null), else counts scaled to `total` matching events. A store
 * that samples where its events are (the block store) answers with this too.
 */
export function sampledValuesAnswer(sample: ValueSample, total: number | null, size: number): FieldValuesResult {
  const { counts, missing } = sample;
  const complete = total === null;
  const scale = complete || sample.sampled === 0 ? 1 : total / sample.sampled;
  const all = [...counts].map(([value, count]) => ({ value, count }));
  all.sort((a, b) => b.count - a.count || compareNames(a.value, b.value));
  const est = (n: number): number => (scale === 1 ? n : Math.round(n * scale));
  const values = all.slice(0, size).map((v) => ({ value: v.value, count: est(v.count) }));
  const other = est(all.slice(size).reduce((s, v) => s + v.count, 0));
  return {
    counts: complete ? 'exact' : 'sampled',
    ...(complete ? {} : { sample_size: sample.sampled }),
    values,
    other_count: other,
    // Scaled as the values are: an array counts under each of its elements,
    // so the values' counts no longer add up to the events that have the field.
    missing_count: est(missing),
  };
}

/**
 * Fields whose values are not worth an exact terms aggregation and that one
 * store cannot aggregate at all: free text (Elasticsearch indexes only its
 * tokens) and the time of each event (one value per event, a terms key
 * would be a raw epoch number on one store and missing on the other).
 */
export const SAMPLED_VALUE_FIELDS: ReadonlySet<string> = new Set(['message', '@timestamp']);

/**
 * The one rule every store follows: terms where it counts exactly, the
 * sample elsewhere, and where the field has more distinct values in the
 * range than a store counts exactly (terms-limit.ts).
 */
export async function answerFieldValues(
  reader: LogReader,
  req: FieldValuesRequest,
  /** How the sample is taken: through search and count unless the store has a way of its own. */
  sample: (req: FieldValuesRequest) => Promise<FieldValuesResult> = (r) => sampleFieldValues(reader, r),
): Promise<FieldValuesResult> {
  if (SAMPLED_VALUE_FIELDS.has(req.field)) return sample(req);
  try {
    return await termsFieldValues(reader, req);
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code !== TOO_MANY_TERMS) throw err;
    return sample(req);
  }
}
