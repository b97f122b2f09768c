/**
 * A partition file the server's user may not read or write: left owned by
 * root by a command run with sudo, a backup restored as root, a chmod.
 * One found so at the start is treated alike (the start logs it, partition-folder.ts
 * deniedPartitionFiles; until 2026-12-07 it refused the start), as is one
 * that became so while the server ran. SQLite says only
 * "unable to open database file" (SQLITE_CANTOPEN), as for a file that is
 * not a database, and until 2026-12-07 that was called damage: a write
 * answered "the partition … is damaged inside" and told the operator to
 * move a sound file aside, the file was checked whole, noted damaged, and
 * its day left out of searches and refused to writes until a restart,
 * even after a chown had given it back (the file's identity does not
 * change). It is LS_STORE_PARTITION_DENIED now (503, retryable, naming
 * the file and the OS's error): nothing is checked or noted, a search
 * leaves the day out with a warning saying so (since 2026-12-07 only when
 * the server may not read it: one it may read is read, PartitionAccess),
 * and the day is written and read again as soon as the file is given back.
 */
import fs from 'node:fs';
import { isStoreError, storeError, type StoreError } from '../store/store-error.js';

/**
 * What a use of a partition file needs of it: `write`, to read and write
 * it and its side files (writes, merges); `read`, to read them (searches).
 * A file this process may read but not write (mode 644, another owner) is
 * read through a read-only connection: SQLite opens one on such a file by
 * itself, and reads a WAL database so, creating the -wal and -shm in the
 * server's folder when they are missing or reading root's 644 ones
 * ("read-only shm"); checked 2026-12-07 as nobody on a root-owned 644 file
 * with both side files missing (SQLite made them, nobody's), both root's
 * 644 with an uncheckpointed frame (read), a folder nobody may not write
 * with side files (read) and without (SQLITE_READONLY_DIRECTORY: not read,
 * but the server's data folder is its own, or it does not start).
 */
export type PartitionAccess = 'read' | 'write';

/**
 * Why this process may not use `file` or its side files as `need` says
 * (the OS's error, the owner and mode, this process's uid), or null when
 * it may (or a file is missing: not a permission problem). Checked with
 * access(2), without opening anything: the thread answering the API asks
 * it of every partition of an answer's range it has no connection to.
 */
export function accessDenied(file: string, need: PartitionAccess = 'write'): string | null {
  const mode = need === 'read' ? fs.constants.R_OK : fs.constants.R_OK | fs.constants.W_OK;
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    // A side file that is not there (checkpointed away) is no problem; asked so, not caught: ~3× cheaper.
    if (f !== file && fs.statSync(f, { throwIfNoEntry: false }) === undefined) continue;
    try {
      fs.accessSync(f, mode);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EACCES' && code !== 'EPERM') continue;
      let owner = '';
      try {
        const st = fs.statSync(f);
        owner = ` (it belongs to uid ${st.uid}, mode ${(st.mode & 0o777).toString(8)}; the server runs as uid ${process.getuid?.() ?? '?'})`;
      } catch {
        // the OS's error names the file either way
      }
      return `${f}: permission denied (${code})${owner}`;
    }
  }
  return null;
}

/**
 * The error for a partition whose open or write failed because this
 * process may not read or write its file, or null when it may (the
 * failure is something else: damage, a lock, the descriptors).
 */
export function deniedPartitionError(file: string, cause: unknown, need: PartitionAccess = 'write'): StoreError | null {
  const denied = accessDenied(file, need);
  if (denied === null) return null;
  return storeError(
    'LS_STORE_PARTITION_DENIED',
    `${denied}; its day is not written or read until the file is given back to the server's user (chown it to that user, chmod u+rw), and needs no other repair`,
    cause,
  );
}

/**
 * A write's failure on `file` as LS_STORE_PARTITION_DENIED when this
 * process may not read or write it (a file it had opened read-only:
 * SQLite's "attempt to write a readonly database"), else `err` as it is.
 */
export function deniedOr(file: string, err: unknown): unknown {
  return isStoreError(err) ? err : (deniedPartitionError(file, err) ?? err);
}

/** What follows each file of deniedPartitionFiles in the start's log and `serve --check`'s warnings. */
export const DENIED_AT_START =
  "the server starts all the same; until the file is given back to the server's user (chown it to that user, chmod u+rw), its day's writes answer 503 (LS_STORE_PARTITION_DENIED) and, unless the server may read it, searches leave its day out with a warning";

/** How long a remembered answer of AccessCheck stands when the file's inode and ctime are unchanged. */
export const ACCESS_RECHECK_MS = 5000;

/**
 * accessDenied, remembered per file: asked again when the file's inode or
 * ctime changed (a chmod, chown or a file moved in changes them, so a
 * file given back is read again at once) or after ACCESS_RECHECK_MS (a
 * side file's own permissions, which the main file's ctime does not
 * follow). The reads ask it of every partition of an answer's range, and
 * the answer's warnings again: one stat(2), ~1.7 µs, instead of up to five
 * calls, ~7.7 µs, each time (a 7-day histogram over three classes asked
 * 42 times, ~0.3 ms of its ~3 ms).
 */
export class AccessCheck {
  private readonly seen = new Map<string, { key: string; at: number; denied: string | null }>();

  constructor(
    private readonly now: () => number = () => performance.now(),
    /** What the files are checked for (the reads' ledger: read). */
    private readonly need: PartitionAccess = 'write',
  ) {}

  denied(file: string): string | null {
    let key: string;
    try {
      const st = fs.statSync(file, { throwIfNoEntry: false });
      // Missing: no permission problem, as accessDenied says, and nothing to remember.
      if (st === undefined) return null;
      key = `${st.ino}:${st.ctimeMs}`;
    } catch {
      return accessDenied(file, this.need);
    }
    const at = this.now();
    const seen = this.seen.get(file);
    if (seen !== undefined && seen.key === key && at - seen.at < ACCESS_RECHECK_MS) return seen.denied;
    const denied = accessDenied(file, this.need);
    this.seen.set(file, { key, at, denied });
    return denied;
  }
}
