import path from 'node:path';
import { blockContentCheck } from '../blocks/block-content-check.js';
import { quickCheck } from '../sqlite/partition-damage.js';
import { parsePartitionFileName } from '../sqlite/partition-name.js';
import { rowContentCheck } from '../sqlite/row-content-check.js';

/**
 * What is damaged in a partition file, by the checks a server runs once a
 * read fails on it (sqlite/partition-damage.ts): SQLite's quick_check, then
 * the values it does not read, by the file's format (`blocks/`: every
 * block decoded; `sqlite/`: every row's fields). Null when all of it reads.
 * `file` is where it lies, `rel` its path inside its data folder, which
 * names its format. Lives here, not in sqlite/, because it knows both.
 */
export function partitionFileCheck(file: string, rel: string): string | null {
  const quick = quickCheck(file);
  if (quick !== null) return quick;
  const folder = rel.split(path.sep)[0];
  const key = parsePartitionFileName(path.basename(rel));
  if (folder === 'blocks' && key) return blockContentCheck(file, key);
  if (folder === 'sqlite' && key) return rowContentCheck(file);
  return null;
}
