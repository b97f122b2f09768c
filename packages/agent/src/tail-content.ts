import { promises as fsp } from 'node:fs';
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
