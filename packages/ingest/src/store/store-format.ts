/**
 * Which format the embedded store uses in a data folder: the configured
 * `store.format` when given; otherwise the row format for a folder that
 * already holds row partitions (they keep working as they are, until
 * `logship store migrate` moves them), and blocks for every other folder.
 * Never both at once: one store answers for a folder, so no event is
 * counted twice or missed between two formats.
 */
import fs from 'node:fs';
import path from 'node:path';

export type StoreFormat = 'blocks' | 'rows';

/** `YYYY-MM-DD.<class>.db`: the partition file names of both formats. */
const PARTITION_FILE = /^\d{4}-\d{2}-\d{2}\.[^.]+\.db$/;

/** The row partitions' folder in a data folder. */
export function rowStoreDir(dataDir: string): string {
  return path.join(dataDir, 'sqlite');
}

/** The block partitions' folder in a data folder. */
export function blockStoreDir(dataDir: string): string {
  return path.join(dataDir, 'blocks');
}

/** True when `dir` holds at least one partition file. */
export function hasPartitions(dir: string): boolean {
  try {
    return fs.readdirSync(dir).some((n) => PARTITION_FILE.test(n));
  } catch {
    return false;
  }
}

export function resolveStoreFormat(dataDir: string, configured: StoreFormat | undefined): StoreFormat {
  if (configured !== undefined) return configured;
  return hasPartitions(rowStoreDir(dataDir)) ? 'rows' : 'blocks';
}
