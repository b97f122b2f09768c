import path from 'node:path';
import { parsePartitionFileName } from '../sqlite/partition-name.js';

/**
 * Why a file of a store folder (`blocks/`, `sqlite/`) is a partition file
 * that is not served, or null. A partition is `YYYY-MM-DD.<class>.db`; the
 * same name with a suffix is one set aside: by an operator told to move a
 * damaged file aside (`….db.damaged`, any suffix), or retired by `store
 * migrate` (`….db.migrated`, its events already in the block store). A
 * server never opens these, so a backup that copies them must not report
 * them among the partitions it holds.
 */
export function setAsideFile(rel: string): string | null {
  const folder = rel.split(path.sep)[0];
  if (folder !== 'blocks' && folder !== 'sqlite') return null;
  const m = /^(.+\.db)\.([^/\\]+)$/.exec(path.basename(rel));
  if (!m || !m[1] || !m[2] || parsePartitionFileName(m[1]) === null) return null;
  // -wal/-shm side files of a set-aside file are left out by the backup itself.
  if (m[2] === 'migrated') return 'retired by store migrate: its events are in the block store';
  return `set aside (.${m[2]}): a server does not search it`;
}
