import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { FileSourceConfig } from './config.js';
import type { EventIds } from './file-event-ids.js';
import { FileTail, type TailContext } from './file-tail.js';
import { fingerprint } from './fingerprint.js';
import { isCompressed } from './compressed-file.js';
import { identifyNewInode, type NewInodeContext } from './identify-new-inode.js';
import { markBefore } from './offset-mark.js';
import type { ReadFailures } from './read-failures.js';
import type { SourceContext } from './source.js';

/** What the file source lends the opening of a new inode (file-source.ts). */
export interface OpenNewInodeContext {
  readonly source: string;
  readonly config: FileSourceConfig;
  readonly ctx: SourceContext;
  readonly newInode: NewInodeContext;
  readonly tailContext: TailContext;
  readonly failures: ReadFailures;
  /** How the ids of a file position are written (file-event-ids.ts); a file seen at `sourcePath` first. */
  readonly eventIds: (key: string, identity: string, sourcePath: string, size: number) => { ids: EventIds; fixed: boolean };
  readonly readFailed: (path: string, err: unknown) => void;
  /** A file found last written more than max_age_s ago, followed from its end (counted and said once). */
  readonly skippedOld: (path: string) => void;
}

/**
 * A new inode at a watched path (file-source.ts decided so, and vacated
 * what was there): opened, its first line read, and followed as the
 * identity it is (identify-new-inode.ts): a copy an identity continues in,
 * or a new tail from its checkpoint, the position a reload handed over, or
 * the start (the end with start_position: end at the agent's start, or
 * when the file was last written more than max_age_s ago).
 * Compressed files, and files whose first line is not complete yet, are
 * left for a later check.
 */
export async function openNewInode(oc: OpenNewInodeContext, path: string, atStart: boolean): Promise<void> {
  const { source, config, ctx } = oc;
  const tails = oc.newInode.tails;
  let fh: FileHandle;
  try {
    fh = await fsp.open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  oc.failures.readable(path);
  let handed = false;
  try {
    const fst = await fh.stat();
    if (await isCompressed(fh)) {
      // Not followed; said once per path (the rescan looks at it again, and so does a reload).
      if (ctx.notices.first('compressed', source, path)) ctx.log.info('A compressed file matches the include; it is not read.', { source, path });
      return;
    }
    const head = await fingerprint(fh);
    if (head === null) {
      const since = tails.incompleteSince(path, Date.now());
      if (fst.size === 0 || Date.now() - since < config.partial_line_flush_ms) return;
    }
    tails.complete(path);
    const found = await identifyNewInode(oc.newInode, path, fh, fst, head);
    if (found === null) return;
    const { identity, existing } = found;
    if (existing) {
      // The identity's original is gone or truncated: continue in this copy.
      if (fst.size < existing.offset) return;
      tails.dropCopy(identity.key);
      tails.forgetInode(existing);
      await existing.moveTo(path, fh, fst.dev, fst.ino);
      handed = true;
      tails.index(existing);
      ctx.log.info('A copy of a truncated file was found; reading continues in it.', { source, path, offset: existing.offset });
      await existing.read();
      return;
    }
    const ckpt = ctx.checkpoints.get(`${source}:${identity.key}`);
    const resumed = ctx.resume?.get(`${source}:${identity.key}`);
    let offset = (typeof resumed === 'number' ? resumed : undefined) ?? ckpt?.offset
      ?? (atStart && config.start_position === 'end' ? fst.size : 0);
    if (offset > fst.size) offset = 0;
    if (!ckpt && resumed === undefined && offset === 0 && fst.size > 0 && config.max_age_s > 0
      && Date.now() - fst.mtimeMs > config.max_age_s * 1000) {
      // Last written before max_age_s (years of an old log on a first start): followed from its end, as
      // Filebeat's ignore_older and Vector's ignore_older_secs do. The end is checkpointed below, so what
      // is written to it later, while the agent runs or is stopped, is read, and once. A file with a
      // position is never skipped, however old.
      offset = fst.size;
      oc.skippedOld(path);
    }
    const { ids, fixed } = oc.eventIds(`${source}:${identity.key}`, identity.key, ckpt?.path ?? path, fst.size);
    // The bytes the checkpoint's offset follows, which the file must still hold there to be read on from it (offset-mark.ts).
    const mark = resumed === undefined && ckpt?.offset === offset ? ckpt.mark : undefined;
    const tail = new FileTail(identity, path, ckpt?.path ?? path, fst.dev, fst.ino, offset, oc.tailContext, ids, mark);
    // Registered before any await, so a concurrent check of another path
    // to the same inode (a rename in flight) finds it.
    tail.attach(fh);
    handed = true;
    tails.add(tail);
    if (!ckpt && resumed === undefined) {
      // Known from the first moment, not only after its first acknowledged
      // batch: if it is rotated out of the glob while the agent is down,
      // the next start finds it by this entry (rotated-while-down.ts).
      // At the file's end (start_position: end, max_age_s) with the mark of the bytes
      // there, as every position: without it, a file written again while the
      // agent was stopped before any line came was read from this offset.
      const at = await markBefore(fh, offset);
      if (at !== undefined) tail.markIs(at);
      ctx.checkpoints.set(tail.key, { offset, path, dev: fst.dev, ino: fst.ino, ...(at !== undefined ? { mark: at } : {}) });
      ctx.checkpoints.scheduleFlush();
    }
    ctx.log.debug('A file is being followed.', { source, path, id: identity.key, offset });
    if (fixed) await writeIdBound(ctx, source, path);
    // At start, the agent does not wait for every file to be read to its
    // end (a full spool may hold readers back): opening them is enough.
    const reading = tail.read();
    if (atStart) reading.catch((err: unknown) => oc.readFailed(path, err));
    else await reading;
  } finally {
    if (!handed) await fh.close();
  }
}

/**
 * A bound between an earlier agent's ids and the sorting ones (or which source's name they carry) was
 * just fixed: it is made durable before any line past it is sent, or a crash could fix it again further
 * on, and lines sent meanwhile would come back under the other form (retried by the next flush).
 */
async function writeIdBound(ctx: SourceContext, source: string, path: string): Promise<void> {
  await ctx.checkpoints.flush().catch((err: unknown) => ctx.log.warn('Writing the checkpoint file failed.', { source, path, error: String(err) }));
}
