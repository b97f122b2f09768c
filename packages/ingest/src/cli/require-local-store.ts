import { existsSync } from 'node:fs';
import { assertDataFolderReadable, blockStoreDir, rowStoreDir } from '../store/store-format.js';
import { errors } from '../server/errors.js';

/** Whether the data folder holds an embedded store of either format. */
export function hasLocalStore(dataDir: string): boolean {
  return existsSync(rowStoreDir(dataDir)) || existsSync(blockStoreDir(dataDir));
}

/**
 * LS_CLI_NO_STORE unless the data folder holds a store: opening one there
 * made an empty store (a mistyped --data, or ./logship-data away from the
 * server's folder) that the command then read or copied as if it were the
 * server's. A folder this user may not look inside is LS_STORE_DATA_DIR
 * instead (assertDataFolderReadable; `orElse`, the command's other way).
 * `why`: what follows "no SQLite data in DIR".
 */
export function requireLocalStore(dataDir: string, why: string, orElse = ''): void {
  if (hasLocalStore(dataDir)) return;
  assertDataFolderReadable(dataDir, orElse);
  throw errors.cliNoStore(`no SQLite data in ${dataDir}${why}`);
}
