/**
 * File ownership for tests that run the server as another user (root
 * running it as `nobody`, so that a file's permissions can deny it).
 */
import { chownSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** `nobody`'s uid and gid on Debian. */
export const NOBODY = 65534;

/** Everything under `dir` to `uid`. */
export function chownTree(dir: string, uid: number): void {
  chownSync(dir, uid, uid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const at = join(dir, entry.name);
    if (entry.isDirectory()) chownTree(at, uid);
    else chownSync(at, uid, uid);
  }
}
