/**
 * Background merges: every group commit adds one small block per partition
 * (a few hundred to a few thousand events), which compresses worse and
 * costs a header, a bloom and a lookup per query. Merges fold them into
 * large blocks, size-tiered like an LSM:
 *
 *   level 0: blocks as written        ─┐ the small blocks of a level become
 *   level 1: merges of level 0 blocks  ├ one block of the next level (at most
 *   ...                               ─┘ MAX_MERGED events) once they hold
 *                                        BIG_BLOCK events or number MERGE_BLOCKS
 *   blocks of BIG_BLOCK events or more are left alone
 *
 * and when the writer is idle every small block left in a partition is
 * folded (late events that trickle into a day).
 *
 * A merge is built outside any transaction (decode the sources, sort,
 * encode), then one short transaction checks that the sources still exist,
 * inserts the merged block and deletes them: readers see either the
 * sources or the merged block, never both or neither (their snapshot is
 * one transaction). Rollups and received ids do not change: the events
 * are the same.
 */
import type { LogEvent } from '@logship/query/core';
import { compareKeys } from '../sqlite/search-cursor.js';
import { encodeBlock, type EncodedBlock } from './block-codec.js';
import type { BlockPartition } from './block-partition.js';
import { hasContentIds, type BlockHeader } from './block-header.js';
import { rowEvents } from './row-events.js';
import { nonFiniteFields } from './non-finite-fields.js';

/** A level's small blocks merge once there are this many (or BIG_BLOCK events among them); one merge takes at most this many. */
export const MERGE_BLOCKS = 16;
/** A block this large is final: merging it again would rewrite it for little gain. */
export const BIG_BLOCK = 4_096;
/** The most events a merge writes into one block. */
export const MAX_MERGED = 16_384;

/** The sources of the next merge in this partition, or null. `idle`: fold every small block. */
export function pickMerge(headers: readonly BlockHeader[], idle: boolean): BlockHeader[] | null {
  const small = headers.filter((h) => h.n < BIG_BLOCK);
  const byLevel = new Map<number, BlockHeader[]>();
  for (const h of small) {
    const list = byLevel.get(h.level);
    if (list) list.push(h);
    else byLevel.set(h.level, [h]);
  }
  for (const level of [...byLevel.keys()].sort((a, b) => a - b)) {
    const list = byLevel.get(level) as BlockHeader[];
    let events = 0;
    for (const h of list) events += h.n;
    // Enough events for a final block: merged now, they are rewritten once.
    // Merging every 8 blocks rewrote the bench's debug and errors events
    // twice (blocks of a few hundred a batch: 8 of them stayed small, and
    // were merged again); 1M events over HTTP: server CPU 19.3–19.7 →
    // 18.9–19.0 s, disk +0.5 %.
    if (list.length >= MERGE_BLOCKS || events >= BIG_BLOCK) return fill(list.slice(0, MERGE_BLOCKS));
  }
  if (idle && small.length >= 2) return fill(small);
  return null;
}

/** Oldest first (by id), as many as fit in MAX_MERGED; null when fewer than two fit. */
function fill(list: readonly BlockHeader[]): BlockHeader[] | null {
  const out: BlockHeader[] = [];
  let n = 0;
  for (const h of [...list].sort((a, b) => a.id - b.id)) {
    if (n + h.n > MAX_MERGED) break;
    out.push(h);
    n += h.n;
  }
  return out.length >= 2 ? out : null;
}

export interface BuiltMerge {
  sources: number[];
  level: number;
  block: EncodedBlock;
  /** nonFiniteFields of its events. */
  nonFinite: string[];
}

/**
 * Decodes the sources and encodes their events as one block, sorted by
 * @timestamp (then the stored event.id). Rows stored without their id
 * (content ids) stay without, unhashed: the merged block's content-id
 * blooms are its sources' lists, concatenated.
 */
export function buildMerge(db: BlockPartition, sources: readonly BlockHeader[], textFields: readonly string[]): BuiltMerge {
  const rows: { ts: number; eid: string; event: LogEvent; contentId: boolean; tag: number }[] = [];
  const contentIdBlooms: Uint8Array[] = [];
  // Tags go with their rows; one source with content ids but no tags (written before them) leaves the merged block without.
  let tagged = true;
  for (const h of sources) {
    const cols = db.allColumns(h);
    const ts = cols.get('@timestamp') ?? [];
    const stored = cols.get('event.id') ?? [];
    const i = h.at.get('event.id');
    contentIdBlooms.push(...((i === undefined ? undefined : h.metas[i]?.contentIdBlooms) ?? []));
    const tags = hasContentIds(h) ? db.contentIdTags(h) : undefined;
    if (tags === null) tagged = false;
    // A content-id row keeps '' here: encodeBlock leaves its event.id out (contentIdRows).
    const eids = Array.from({ length: h.n }, (_, r) => (stored[r] as string | undefined) ?? '');
    const events = rowEvents(cols).all(eids);
    for (let r = 0; r < h.n; r++) {
      const contentId = stored[r] === undefined;
      rows.push({ ts: ts[r] as number, eid: eids[r]!, event: events[r]!, contentId, tag: contentId ? (tags?.[r] ?? 0) : 0 });
    }
  }
  rows.sort(compareKeys);
  const events = rows.map((r) => r.event);
  const contentIdRows = Uint8Array.from(rows, (r) => (r.contentId ? 1 : 0));
  const contentIdTags = tagged ? Uint8Array.from(rows, (r) => r.tag) : undefined;
  // The stored times, so encodeBlock need not parse the ISO text rowEvents made of them.
  const times = Float64Array.from(rows, (r) => r.ts);
  return {
    sources: sources.map((h) => h.id),
    level: Math.max(...sources.map((h) => h.level)) + 1,
    block: encodeBlock(
      events,
      contentIdBlooms.length > 0 ? { textFields, times, contentIdRows, contentIdBlooms, ...(contentIdTags ? { contentIdTags } : {}) } : { textFields, times },
    ),
    nonFinite: nonFiniteFields(events),
  };
}

/** Swaps the sources for the merged block in one transaction; false when a source is gone (nothing written). */
export function commitMerge(db: BlockPartition, built: BuiltMerge, textFieldsJson: string): boolean {
  db.begin();
  try {
    if (!db.hasBlocks(built.sources)) {
      db.rollback();
      return false;
    }
    db.insertBlock(built.block, built.nonFinite, built.level, textFieldsJson);
    db.deleteBlocks(built.sources);
    db.commit();
  } catch (err) {
    db.rollback();
    throw err;
  }
  try {
    db.vacuumFreed();
  } catch {
    // The merge is committed; its sources' pages stay free in the file (a
    // full disk can refuse the vacuum's own WAL frames) and later writes
    // reuse them. Thrown on, the merge was taken for a failed one.
  }
  return true;
}
