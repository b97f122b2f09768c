/**
 * A prepared block (block-prepare.ts) without the rows the writer found
 * stored already: the block is decoded, the kept rows rebuilt as events and
 * encoded again, as a merge does (block-merge.ts). Only a retry or a
 * duplicate across writes of one group commit gets here; fresh events are
 * inserted as encoded.
 */
import type { FieldValue, LogEvent } from '@logship/query/core';
import { decodeColumn, encodeBlock, type EncodedBlock } from './block-codec.js';
import type { PreparedGroup } from './block-prepare.js';
import { rowEvents } from './row-events.js';
import { nonFiniteFields } from './non-finite-fields.js';

/** keep: 1 for each row (in block order) to keep; at least one is. */
export function refilterBlock(group: PreparedGroup, keep: Uint8Array, textFields: readonly string[]): { block: EncodedBlock; nonFinite: string[] } {
  const { block } = group;
  const cols = new Map<string, (FieldValue | undefined)[]>();
  for (const { meta, data } of block.columns) {
    cols.set(meta.name, meta.present === 0 ? new Array<undefined>(block.count).fill(undefined) : decodeColumn(meta, data, block.count));
  }
  const rows: number[] = [];
  for (let r = 0; r < block.count; r++) if (keep[r] === 1) rows.push(r);
  // The content ids' blooms stay whole: a dropped row's id there is one more false positive.
  const contentIdBlooms = block.columns.find((c) => c.meta.name === 'event.id')?.meta.contentIdBlooms;
  const contentIdRows = Uint8Array.from(rows, (r) => group.contentIdRows[r]!);
  const omitIds = contentIdBlooms !== undefined && contentIdRows.includes(1);
  // A content-id row keeps '' here: encodeBlock leaves its event.id out (contentIdRows).
  const made = rowEvents(cols);
  const events: LogEvent[] = rows.map((r) => made.at(r, omitIds && group.contentIdRows[r] === 1 ? '' : group.eids[r]!));
  const opts = omitIds
    ? {
        textFields,
        contentIdRows,
        contentIdBlooms,
        ...(block.contentIdTags !== undefined ? { contentIdTags: Uint8Array.from(rows, (r) => block.contentIdTags![r]!) } : {}),
      }
    : { textFields };
  return { block: encodeBlock(events, opts), nonFinite: nonFiniteFields(events) };
}
