import type Database from 'better-sqlite3';
import { ELEMENT_BLOOMS_FROM } from './block-schema.js';

/**
 * The first block id of a partition whose value blooms hold array
 * elements. Value blooms hold them since a version of the store; the
 * blocks written before do not, so `tags:a` would prune the block holding
 * `["a","b"]`. The first connection of a version that writes them records
 * the next block id (ids are never reused: AUTOINCREMENT); blocks below it
 * are old. A file that cannot take the mark (read-only) counts every block
 * as old: slower, never a wrong answer.
 */
export function elementBloomsMark(db: Database.Database): number {
  const read = (): number | null => {
    const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(ELEMENT_BLOOMS_FROM) as { value: string } | undefined;
    return row ? Number(row.value) : null;
  };
  const known = read();
  if (known !== null) return known;
  try {
    db.prepare('INSERT OR IGNORE INTO meta (key, value) SELECT ?, coalesce(max(id), 0) + 1 FROM blocks').run(ELEMENT_BLOOMS_FROM);
  } catch {
    return Infinity;
  }
  return read() ?? Infinity;
}
