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
import { FieldTally, fieldsAnswer, sampledValuesAnswer, type FieldsResult, type FieldValuesResult } from '@logship/query';
import { isoTime } from '../normalize/iso-time.js';
import type { BlockHeader } from './block-header.js';
import { readBlockRows, readRowColumns } from './block-rows.js';
import type { CompiledQuery } from './block-scan.js';
import { countBlocks, walkCandidates, type BlockSlice, type Hit } from './block-search.js';
import { compareKeys } from '../sqlite/search-cursor.js';

export interface BlockFields {
  tally: FieldTally;
  /** Every matching event was counted (else the newest `size`). */
  complete: boolean;
  /** Matches per block the walk scanned, for the total (countBlocks `known`). */
  scanned: Map<BlockHeader, number>;
}

/** The fields API's answer over `days` (newest day first): the tally, and the matches counted when it is a sample. */
export function blockFields(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, size: number, signal: AbortSignal | undefined): FieldsResult {
  const { tally, complete, scanned } = fieldsOfBlocks(days, q, size, signal);
  return fieldsAnswer(tally, complete ? null : countBlocks(days.flat(), q, Infinity, signal, scanned));
}

/** The tally of the newest `size` events matching `q` in `days` (newest day first). */
export function fieldsOfBlocks(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, size: number, signal: AbortSignal | undefined): BlockFields {
  const { found, scanned } = walkCandidates(days, q, { sort: 'desc', after: null, want: size + 1, signal });
  const complete = found.length <= size;
  const rows = complete ? found : newest(found, size);
  const tally = new FieldTally();
  for (const [h, list] of byBlock(rows)) {
    const cols = readRowColumns(list[0]!.db, h, list.map((hit) => hit.row));
    for (const [name, col] of cols) tally.addValues(name, col);
    // Every event has its id, stored or its content id.
    tally.addValues('event.id', new Array<string>(list.length).fill(''));
  }
  tally.addEvents(rows.length);
  return { tally, complete, scanned };
}

/** A field's values in the newest `size` events matching `q`, counted by String(value) as terms are; top `top` answered. */
export function blockFieldValues(days: readonly (readonly BlockSlice[])[], q: CompiledQuery, field: string, size: number, top: number, signal: AbortSignal | undefined): FieldValuesResult {
  const { found, scanned } = walkCandidates(days, q, { sort: 'desc', after: null, want: size + 1, signal });
  const complete = found.length <= size;
  const rows = complete ? found : newest(found, size);
  const counts = new Map<string, number>();
  let missing = 0;
  const add = (v: unknown): void => {
    if (v === undefined || v === null) missing++;
    else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  };
  for (const [h, list] of byBlock(rows)) {
    const at = list.map((hit) => hit.row);
    // As the events a search returns show them: the time as ISO text, the id stored or hashed.
    if (field === '@timestamp') for (const hit of list) add(isoTime(hit.ts));
    else if (field === 'event.id') for (const id of readBlockRows(list[0]!.db, h, at, []).ids) add(id);
    else {
      const col = readRowColumns(list[0]!.db, h, at, [field]).get(field);
      for (let k = 0; k < list.length; k++) add(col?.[k]);
    }
  }
  const total = complete ? null : countBlocks(days.flat(), q, Infinity, signal, scanned);
  return sampledValuesAnswer({ counts, missing, sampled: rows.length }, total, top);
}

/** The newest `size` of `found` (sorted by time, newest first): the rows tied at the edge are ordered by id, as a search orders them. */
function newest(found: Hit[], size: number): Hit[] {
  const edge = found[size - 1]!.ts;
  const before = found.filter((hit) => hit.ts > edge);
  const tied = found.filter((hit) => hit.ts === edge);
  for (const [h, list] of byBlock(tied)) {
    const { ids } = readBlockRows(list[0]!.db, h, list.map((hit) => hit.row), []);
    list.forEach((hit, k) => (hit.eid = ids[k]!));
  }
  tied.sort((a, b) => -compareKeys({ ts: a.ts, eid: a.eid! }, { ts: b.ts, eid: b.eid! }));
  return before.concat(tied.slice(0, size - before.length));
}

/** Hits by block, each block's rows ascending. */
function byBlock(hits: readonly Hit[]): Map<BlockHeader, Hit[]> {
  const out = new Map<BlockHeader, Hit[]>();
  for (const hit of hits) {
    const list = out.get(hit.block);
    if (list) list.push(hit);
    else out.set(hit.block, [hit]);
  }
  for (const list of out.values()) list.sort((a, b) => a.row - b.row);
  return out;
}
