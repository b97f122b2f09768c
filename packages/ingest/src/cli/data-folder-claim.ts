import { existsSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { LOCK_FILE, lockDataFolder, type DataFolderLock } from '../sqlite/data-folder-lock.js';
import { removeOrphanSideFiles } from '../sqlite/orphan-side-files.js';
import { blockStoreDir, rowStoreDir } from '../store/store-format.js';
import { storeError } from '../store/store-error.js';

/**
 * `logship serve`'s hold on its embedded data folder: the lock
 * (data-folder-lock.ts), taken once, and the folders this start created to
 * take it, removed again when the start fails (a mistyped `data:` left a
 * folder behind each time), so a refused start leaves the disk as it found
 * it. A folder that existed is never removed, only its lock released.
 */
export class DataFolderClaim {
  private held: DataFolderLock | undefined;
  /** The outermost folder this start created (`data: /srv/typo/data` creates /srv/typo), kept until it serves. */
  private created: string | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {}

  /** Whether a server may hold the folder now: it has a lock file (one that never ran on it has none). */
  mayBeInUse(): boolean {
    return existsSync(join(this.dataDir, LOCK_FILE));
  }

  /** Creates the folder if need be and locks it (LS_STORE_DATA_DIR when another process holds it); once. */
  lock(): void {
    if (this.held) return;
    const missing = outermostMissing(this.dataDir);
    const held = lockDataFolder(this.dataDir, 'this server');
    // A start that failed removes the folder it created while holding its
    // lock; one that opened the lock file meanwhile holds a removed file.
    if (!existsSync(join(this.dataDir, LOCK_FILE))) {
      held.release();
      throw storeError('LS_STORE_DATA_DIR', `${this.dataDir} was removed while this server locked it (by a start that failed there): start again`);
    }
    this.held = held;
    this.created = missing;
    // Under the lock, before the store opens a partition: side files of a
    // partition deleted by a run that was killed mid-delete.
    for (const dir of [blockStoreDir(this.dataDir), rowStoreDir(this.dataDir)]) {
      const removed = removeOrphanSideFiles(dir);
      if (removed.length > 0) this.logger.info({ dir, files: removed }, `Removed ${removed.length} side files of partitions deleted before this start (a run stopped mid-delete): ${removed.join(', ')}.`);
    }
  }

  /**
   * The start failed: what it created goes (removed while still locked, so
   * no other start takes a folder about to vanish), then the lock. Not if
   * it holds a partition file: a start that failed once its port was
   * bound may have acknowledged a batch, and an acknowledged event is
   * never lost.
   */
  giveUp(): void {
    if (this.held && this.created !== undefined && !holdsPartitions(this.dataDir)) {
      try {
        rmSync(this.created, { recursive: true, force: true });
      } catch (err) {
        this.logger.warn({ err }, `${this.created} was created by this start, which failed, and could not be removed.`);
      }
    }
    this.release();
  }

  /** Releases the lock (the server stopped); the folder stays. */
  release(): void {
    this.held?.release();
    this.held = undefined;
    this.created = undefined;
  }
}

/** Whether either store's folder has a partition file (`<day>.<class>.db`), where acknowledged events would be. */
function holdsPartitions(dataDir: string): boolean {
  return [blockStoreDir(dataDir), rowStoreDir(dataDir)].some((dir) => {
    try {
      return readdirSync(dir).some((name) => name.endsWith('.db'));
    } catch {
      return false;
    }
  });
}

/**
 * The outermost of `dir` and its parents that does not exist, or undefined.
 * lstat, not stat: a dangling symlink is the operator's, not ours to remove.
 */
function outermostMissing(dir: string): string | undefined {
  let missing: string | undefined;
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      lstatSync(d);
      return missing;
    } catch {
      missing = d;
    }
    if (dirname(d) === d) return missing;
  }
}
