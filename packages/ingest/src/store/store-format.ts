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
import { storeError } from './store-error.js';

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

/**
 * Throws LS_STORE_DATA_DIR when this user may not look inside the data
 * folder (the unit's is `logship`'s, mode 0750): `existsSync` said its
 * partition folders were missing, and a command run by an operator outside
 * the server's group answered "no SQLite data in /var/lib/logship", sending
 * them looking for another folder when this one was right. `orElse`: the
 * command's other way, said after.
 */
export function assertDataFolderReadable(dataDir: string, orElse = ''): void {
  for (const dir of [blockStoreDir(dataDir), rowStoreDir(dataDir)]) {
    try {
      fs.statSync(dir);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code !== 'EACCES' && code !== 'EPERM') continue;
      const uid = process.getuid?.();
      throw storeError(
        'LS_STORE_DATA_DIR',
        `this user${uid === undefined ? '' : ` (uid ${uid})`} may not read the data folder ${dataDir} (${(err as Error).message}): run the command as the user the server runs as (sudo -u logship …)${orElse}`,
        err,
      );
    }
  }
}

export function resolveStoreFormat(dataDir: string, configured: StoreFormat | undefined): StoreFormat {
  if (configured !== undefined) return configured;
  return hasPartitions(rowStoreDir(dataDir)) ? 'rows' : 'blocks';
}
