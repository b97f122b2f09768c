/**
 * What to do about a data folder the server cannot use, appended to
 * LS_STORE_DATA_DIR: the error alone (`EACCES: permission denied, mkdir
 * '/var/lib/logship'`) says what failed, not that the usual cause is a
 * folder made by root for a server that runs as its own user.
 */
export function dataDirAdvice(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  const uid = process.getuid?.();
  const user = uid === undefined ? 'the user the server runs as' : `the user the server runs as (uid ${uid})`;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `; give it to ${user} (chown -R), or choose another data folder (--data or data: in the config)`;
    case 'EROFS':
      return '; the file system is read-only: choose a data folder on a writable one (--data or data: in the config)';
    case 'ENOTDIR':
    case 'EEXIST':
      return '; a file stands where a folder is needed: choose another data folder (--data or data: in the config)';
    case 'ENOSPC':
      return '; the disk is full: free space there or choose a data folder on another disk';
    default:
      return '';
  }
}
