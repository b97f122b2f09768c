/**
 * A real ext4 filesystem in a file, loop-mounted with `errors=remount-ro`
 * (Debian's default for ext4 roots), for the tests of a data disk that
 * turns read-only under a running server. The kernel's own error path
 * makes it so (`trigger_fs_error` in its sysfs folder, what an I/O error
 * on the device does): a plain `mount -o remount,ro` is refused while files
 * are open for writing. Once in error, writes fail with EROFS and what was
 * not synced is gone; it is mounted again after `e2fsck`, as a host is
 * brought back. Mounting needs root: without it the test is skipped with a
 * warning locally and fails under CI=true, where the machine allows it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { TestContext } from 'node:test';

export interface Ext4Image {
  image: string;
  dir: string;
}

/** Makes a `size` (`64M`) ext4 image at `image` and mounts it at the existing folder `dir`; null once `t` is skipped because it cannot. */
export function mountExt4Image(t: TestContext, image: string, dir: string, size: string): Ext4Image | null {
  try {
    execFileSync('truncate', ['-s', size, image], { stdio: 'pipe' });
    execFileSync('mkfs.ext4', ['-q', '-F', image], { stdio: 'pipe' });
    mountImage({ image, dir });
    return { image, dir };
  } catch (err) {
    const why = (err as Error).message.split('\n')[0] ?? 'mount failed';
    if (process.env.CI === 'true') assert.fail(`a loop-mounted ext4 image is needed for this test: ${why}`);
    t.skip(`cannot loop-mount an ext4 image (${why}); run as root`);
    return null;
  }
}

function mountImage(fs: Ext4Image): void {
  execFileSync('mount', ['-o', 'loop,errors=remount-ro', fs.image, fs.dir], { stdio: 'pipe' });
}

/** An error the filesystem cannot go on from: the kernel remounts it read-only at once. */
export function failExt4(fs: Ext4Image): void {
  const device = basename(execFileSync('findmnt', ['-n', '-o', 'SOURCE', fs.dir], { encoding: 'utf8' }).trim());
  writeFileSync(`/sys/fs/ext4/${device}/trigger_fs_error`, '1');
  const options = execFileSync('findmnt', ['-n', '-o', 'OPTIONS', fs.dir], { encoding: 'utf8' });
  assert.match(options, /(^|,)ro(,|$)|emergency_ro/, `read-only after the error: ${options}`);
}

/** Unmounted, checked and repaired, mounted again: the disk as the host comes back with it. */
export function repairExt4(fs: Ext4Image): void {
  execFileSync('umount', [fs.dir], { stdio: 'pipe' });
  try {
    execFileSync('e2fsck', ['-f', '-y', fs.image], { stdio: 'pipe' });
  } catch (err) {
    // Exit 1: errors were corrected, as expected after the error above.
    if ((err as { status?: number }).status !== 1) throw err;
  }
  mountImage(fs);
}

export function unmountExt4(fs: Ext4Image): void {
  execFileSync('umount', ['-l', fs.dir], { stdio: 'pipe' });
}
