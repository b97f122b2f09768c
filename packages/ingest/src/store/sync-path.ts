import fs from 'node:fs';

/**
 * fsync of a file or folder by its path. A folder's, after a file in it was
 * created, renamed or removed, makes that entry durable: without it a power
 * loss can bring back a deleted partition or lose a new one's name.
 */
export function syncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
