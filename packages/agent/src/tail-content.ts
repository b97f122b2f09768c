import { promises as fsp, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { expectedHead } from './file-identity.js';
import { fingerprint } from './fingerprint.js';
import type { FileTail } from './file-tail.js';

/**
 * Questions the file source asks of the disk about a tail's file: does it
 * still hold what the tail read, is another file a copy of it. Each reads
 * at most the first 4 KiB (and a stat); none changes a tail.
 */
const COMPARE_BYTES = 4096;

/**
 * Whether a file begins with the same bytes as a tail's file over the length
 * both have (up to 4 KiB): 'same' for a copy, 'different' for two files that
 * only share a header line. 'gone' when the tail's file no longer holds what
 * the tail read (truncated, perhaps rewritten, and not noticed yet): the
 * comparison then says nothing, and a file starting with the identity's
 * first line is taken for its copy (copytruncate copies, truncates, and the
 * writer goes on before the agent looks at the original again).
 */
export async function sameStart(fh: FileHandle, tail: FileTail): Promise<'same' | 'different' | 'gone'> {
  const own = tail.fh;
  let other: FileHandle | null = null;
  try {
    other = own ?? (await fsp.open(tail.path, 'r'));
    const a = Buffer.alloc(COMPARE_BYTES);
    const b = Buffer.alloc(COMPARE_BYTES);
    const [ra, rb] = await Promise.all([fh.read(a, 0, COMPARE_BYTES, 0), other.read(b, 0, COMPARE_BYTES, 0)]);
    const n = Math.min(ra.bytesRead, rb.bytesRead);
    if (a.subarray(0, n).equals(b.subarray(0, n))) return 'same';
    // Checked after the comparison: a truncation during it shows here.
    return (await holdsTail(other, tail)) ? 'different' : 'gone';
  } catch {
    return 'same';
  } finally {
    if (other && other !== own) await other.close();
  }
}

/** Whether a file still holds what a tail read: not shorter, same first line. */
async function holdsTail(fh: FileHandle, tail: FileTail): Promise<boolean> {
  if (tail.replaced) return false;
  if ((await fh.stat()).size < tail.offset) return false;
  const head = expectedHead(tail.identity);
  return head === null || (await fingerprint(fh)) === head;
}

/**
 * Whether the file at `path` is a closed tail's inode and starts with its
 * first line (inodes get reused): 'moved' when the path names another inode
 * by now (renamed since the caller's stat; the caller looks again).
 */
export async function contentAt(tail: FileTail, path: string): Promise<'same' | 'different' | 'moved'> {
  let fh: FileHandle | null = null;
  try {
    fh = await fsp.open(path, 'r');
    const st = await fh.stat();
    if (st.dev !== tail.dev || st.ino !== tail.ino) return 'moved';
    const head = expectedHead(tail.identity);
    return head === null || (await fingerprint(fh)) === head ? 'same' : 'different';
  } catch (err) {
    // Gone since the stat: the caller looks again. Other failures (EACCES)
    // would repeat: as before, the content is taken for another file's.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'moved' : 'different';
  } finally {
    await fh?.close();
  }
}

/** Whether a closed tail's file is still at its path with its content. */
export async function stillAt(tail: FileTail): Promise<boolean> {
  return (await contentAt(tail, tail.path)) === 'same';
}

/**
 * A copy of a truncated tail's file that the include globs do not match
 * (copytruncate's `app.log.1` beside an include of `*.log`): the newest
 * regular file in `dirs` that starts with the identity's first line, holds
 * at least what the tail read, and is not followed already (`held`). Opened,
 * or null. Without it, the lines written before the copy that the agent had
 * not read yet would be lost.
 */
export async function findCopy(
  tail: FileTail, dirs: readonly string[], skip: (path: string) => boolean, held: (dev: number, ino: number) => boolean,
): Promise<{ path: string; fh: FileHandle; st: Stats } | null> {
  const head = expectedHead(tail.identity);
  if (head === null) return null;
  let best: { path: string; fh: FileHandle; st: Stats } | null = null;
  for (const dir of new Set(dirs)) {
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(dir, name);
      if (skip(path)) continue;
      const fh = await fsp.open(path, 'r').catch(() => null);
      if (!fh) continue;
      let keep = false;
      try {
        const st = await fh.stat();
        if (!st.isFile() || st.size < tail.offset || held(st.dev, st.ino)) continue;
        if ((await fingerprint(fh)) !== head) continue;
        if (best && best.st.mtimeMs >= st.mtimeMs) continue;
        await best?.fh.close();
        best = { path, fh, st };
        keep = true;
      } finally {
        if (!keep) await fh.close();
      }
    }
  }
  return best;
}
