import { readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Where a followed file is now, for `GET /files`. A file renamed away from
 * the include (app.log → app.log.1 → app.log.2, a glob for app.log only) is
 * still read through its open descriptor, but the registry knows it only by
 * the path it left, which the new app.log holds: both were listed as
 * app.log. Linux's /proc/self/fd/N names the file the descriptor is open on
 * now, one readlink per such file and request. Its answer is the real path
 * (symlinks resolved): in the same folder, the name is kept under the
 * include's spelling (a symlinked /var/log). `path` itself is returned for
 * a released handle (null), a deleted file, or a system without /proc.
 */
export function pathNow(path: string, fd: number | null): string {
  if (fd === null) return path;
  let link: string;
  try {
    link = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return path;
  }
  if (!link.startsWith('/') || link.endsWith(' (deleted)')) return path;
  try {
    if (dirname(link) === realpathSync(dirname(path))) return join(dirname(path), basename(link));
  } catch {
    // The old folder is gone too: the descriptor's path as it is.
  }
  return link;
}
