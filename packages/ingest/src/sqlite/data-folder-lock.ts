import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { storeError } from '../store/store-error.js';
import { dataDirAdvice } from '../store/data-dir-advice.js';

/** The lock file in a data folder; a backup copies it as an ordinary file, harmlessly. */
export const LOCK_FILE = 'logship.lock';

export interface DataFolderLock {
  release(): void;
}

/**
 * Takes the data folder for this process, as Elasticsearch's node lock or
 * VictoriaLogs' flock.lock do: a second `logship serve` (or `store
 * migrate`) on the same folder is refused instead of running its own
 * merges, retention and alert-state writes beside the first one's. The
 * lock is SQLite's exclusive lock on a file of its own, an fcntl lock the
 * kernel drops when the process dies, so a SIGKILL leaves no stale lock to
 * clear by hand. Readers (`retention status`, `store backup`) take none.
 */
export function lockDataFolder(dataDir: string, what: string): DataFolderLock {
  const file = path.join(dataDir, LOCK_FILE);
  let db: Database.Database;
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    db = new Database(file, { timeout: 0 });
  } catch (err) {
    throw storeError('LS_STORE_DATA_DIR', `cannot use ${dataDir}: ${(err as Error).message}${dataDirAdvice(err)}`, err);
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    const busy = (err as { code?: string }).code === 'SQLITE_BUSY';
    throw storeError(
      'LS_STORE_DATA_DIR',
      busy
        ? `${dataDir} is in use by another logship process (serve or store migrate, ${file} is locked); stop it first, or give ${what} a data folder of its own`
        : `cannot lock ${file}: ${(err as Error).message}`,
      err,
    );
  }
  return {
    release: () => {
      if (db.open) db.close();
    },
  };
}
