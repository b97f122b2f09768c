/**
 * A block's decoded columns as stored events: what a merge rewrites, a
 * refilter matches and a page of results shows (block-rows.ts).
 */
import { setEventField, type FieldValue, type LogEvent } from '@logship/query/core';
import type { Column } from './block-partition.js';
import { isoTime } from '../normalize/iso-time.js';
import { plainRecord } from '../normalize/plain-record.js';

/** From this many columns on, rowEvents' `all` reads column by column. */
const WIDE_BLOCK_COLUMNS = 256;

/**
 * Rows of a block as stored events (all their columns, or `fields` plus
 * @timestamp and event.id): the columns are found once, then `at(i, eid)`
 * builds row i with its event.id (block-rows.ts readBlockRows).
 */
export function rowEvents(cols: ReadonlyMap<string, Column>, fields?: readonly string[]): {
  at(i: number, eid: string): LogEvent;
  all(eids: readonly string[]): LogEvent[];
} {
  const ts = cols.get('@timestamp');
  const names: string[] = [];
  const columns: Column[] = [];
  for (const name of fields ?? cols.keys()) {
    if (name === '@timestamp' || name === 'event.id') continue;
    const col = cols.get(name);
    if (col === undefined) continue;
    names.push(name);
    columns.push(col);
  }
  const at = (i: number, eid: string): LogEvent => {
    // plainRecord: room for the fields in the object (normalize/plain-record.ts).
    const event = plainRecord<LogEvent>();
    event['@timestamp'] = isoTime(ts?.[i] as number);
    event['event.id'] = eid;
    for (let k = 0; k < names.length; k++) {
      const v: FieldValue | undefined = columns[k]![i];
      if (v !== undefined) setEventField(event, names[k]!, v);
    }
    return event;
  };
  return {
    at,
    /**
     * Rows 0..eids.length-1, column by column: the same events as `at` (keys
     * in the same order), but one column's values are read in a row. A block
     * of a field explosion (tens of thousands of sparse columns) cost ~100 ns
     * a cell read row by row, each read a different array.
     */
    all(eids: readonly string[]): LogEvent[] {
      // A block of usual width is built row by row, as it always was.
      if (names.length < WIDE_BLOCK_COLUMNS) return eids.map((eid, i) => at(i, eid));
      const events = eids.map((eid, i) => {
        const event = plainRecord<LogEvent>();
        event['@timestamp'] = isoTime(ts?.[i] as number);
        event['event.id'] = eid;
        return event;
      });
      for (let k = 0; k < names.length; k++) {
        const col = columns[k]!;
        const name = names[k]!;
        for (let i = 0; i < events.length; i++) {
          const v: FieldValue | undefined = col[i];
          if (v !== undefined) setEventField(events[i]!, name, v);
        }
      }
      return events;
    },
  };
}
