/**
 * A real small filesystem for the full-disk tests (the agent's spool, the
 * server's data): a tmpfs of a given size mounted in a test's folder.
 * Mounting needs root (CAP_SYS_ADMIN): without it the test is skipped with
 * a warning locally and fails under CI=true, where the machine allows it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';

/** Mounts a tmpfs of `size` (`3m`) at the existing folder `dir`; false once `t` is skipped because it cannot. */
export function mountTmpfs(t: TestContext, dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch (err) {
    const why = (err as Error).message.split('\n')[0] ?? 'mount failed';
    if (process.env.CI === 'true') assert.fail(`a tmpfs is needed for this test: ${why}`);
    t.skip(`cannot mount a tmpfs (${why}); run as root`);
    return false;
  }
}

/** Grows (or shrinks) a mounted tmpfs: space freed under a running process. */
export function resizeTmpfs(dir: string, size: string): void {
  execFileSync('mount', ['-o', `remount,size=${size}`, dir], { stdio: 'pipe' });
}

export function unmountTmpfs(dir: string): void {
  execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
}
