/**
 * The fields API on blocks (the query package's sample-fields.ts states
 * it): the fields of the newest FIELD_SAMPLE_SIZE matching events, their
 * types and counts, scaled when those are not all of them; and a field's
 * values in that sample, where a terms aggregation does not answer
 * (field-values.ts: `message`, `@timestamp`, fields past the terms limit).
 *
 * The generic answer pages through search() and tallies the events it
 * gets. On blocks that built 10,000 events, hashed the content id of each
 * one stored without its id, and sent them all from the reader thread, to
 * keep only a few dozen counts: 115 ms a call over 24 h at 10M events,
 * asked beside every search the page runs. Here the same walk picks the
 * same rows, and their columns are counted as they are decoded; ids are
 * computed only for rows tied in time at the sample's edge, where they
 * decide which rows are in.
 */
import { addTermsKey, FieldTally, fieldsAnswer, sampledValuesAnswer, type FieldsResult, type FieldValuesResult } from '@logship/query/core';
import { isoTime } from '../normalize/iso-time.js';
import type { BlockHeader } from './block-header.js';
import { readBlockRows, readRowColumns } from './block-rows.js';
import type { CompiledQuery } from './block-scan.js';
import { hitsByBlock, walkCandidates, type BlockSlice, type Hit } from './block-search.js';
import type { BlockPartition } from './block-partition.js';
import { DayTotals } from './day-totals.js';
import { compareKeys } from '../sqlite/search-cursor.js';

/** The fields API's answer over `days` (newest day first): the tally of the sample, and the matches counted when it is not all of them. */
export function blockFields(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, size: number, signal: AbortSignal | undefined): FieldsResult {
  const tally = new FieldTally();
  const { rows, complete, totals } = sampleRows(days, q, size, signal, (hits) => {
    for (const [h, list] of hitsByBlock(hits)) {
      const cols = readRowColumns(list[0]!.db, h, list.map((hit) => hit.row));
      for (const [name, col] of cols) tally.addValues(name, col);
      // Every event has its id, stored or its content id.
      tally.addValues('event.id', new Array<string>(list.length).fill(''));
    }
  });
  tally.addEvents(rows.length);
  return fieldsAnswer(tally, complete ? null : totals.rest());
}

/** A field's values in the newest `size` events matching `q`, counted by String(value) as terms are; top `top` answered. */
export function blockFieldValues(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, field: string, size: number, top: number, signal: AbortSignal | undefined): FieldValuesResult {
  const counts = new Map<string, number>();
  let missing = 0;
  const add = (v: unknown): void => {
    if (v === undefined || v === null || !addTermsKey(counts, String(v), 1)) missing++;
  };
  const { rows, complete, totals } = sampleRows(days, q, size, signal, (hits) => {
    for (const [h, list] of hitsByBlock(hits)) {
      const at = list.map((hit) => hit.row);
      // As the events a search returns show them: the time as ISO text, the id stored or hashed.
      if (field === '@timestamp') for (const hit of list) add(isoTime(hit.ts));
      else if (field === 'event.id') for (const id of readBlockRows(list[0]!.db, h, at, []).ids) add(id);
      else {
        const col = readRowColumns(list[0]!.db, h, at, [field]).get(field);
        for (let k = 0; k < list.length; k++) add(col?.[k]);
      }
    }
  });
  const total = complete ? null : totals.rest();
  return sampledValuesAnswer({ counts, missing, sampled: rows.length }, total, top);
}

/**
 * The newest `size` rows matching `q` (a search's walk), whether they are
 * every match, and the matches counted by day as the walk left each
 * (day-totals.ts: `rest()` counts the others, for the total).
 * `read` takes each row of the sample once: a day's as the walk leaves it
 * (days are disjoint in time, so all of them are in the sample) but the
 * last day's, which the sample's edge may cut, after the walk; so the walk
 * holds no more partitions open than the day it is on (read-snapshots.ts).
 */
function sampleRows(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, size: number, signal: AbortSignal | undefined, read: (hits: Hit[]) => void): { rows: Hit[]; complete: boolean; totals: DayTotals } {
  const settle = (hits: Hit[], full: boolean): void => {
    if (full) return;
    read(hits);
    for (const hit of hits) hit.settled = true;
  };
  const totals = new DayTotals(days, q, Infinity, signal);
  const leave = (d: number, dbs: readonly BlockPartition[], scanned: ReadonlyMap<BlockHeader, number>): void => totals.leave(d, dbs, scanned);
  const { found } = walkCandidates(days, q, { sort: 'desc', after: null, want: size + 1, signal, settle, leave });
  const complete = found.length <= size;
  const rows = complete ? found : newest(found, size);
  read(rows.filter((hit) => !hit.settled));
  return { rows, complete, totals };
}

/** The newest `size` of `found` (sorted by time, newest first): the rows tied at the edge are ordered by id, as a search orders them. */
function newest(found: Hit[], size: number): Hit[] {
  const edge = found[size - 1]!.ts;
  const before = found.filter((hit) => hit.ts > edge);
  const tied = found.filter((hit) => hit.ts === edge);
  // All of them in: their order does not matter (and a day read already may be closed).
  if (before.length + tied.length <= size) return before.concat(tied);
  for (const [h, list] of hitsByBlock(tied)) {
    const { ids } = readBlockRows(list[0]!.db, h, list.map((hit) => hit.row), []);
    list.forEach((hit, k) => (hit.eid = ids[k]!));
  }
  tied.sort((a, b) => -compareKeys({ ts: a.ts, eid: a.eid! }, { ts: b.ts, eid: b.eid! }));
  return before.concat(tied.slice(0, size - before.length));
}
