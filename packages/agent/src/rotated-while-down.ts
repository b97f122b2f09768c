import { promises as fsp, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CheckpointStore } from './checkpoint-store.js';
import { expectedHead, parseIdentity } from './file-identity.js';
import { FileTail, type TailContext } from './file-tail.js';
import { fingerprint } from './fingerprint.js';
import type { SourceContext } from './source.js';
import type { TailRegistry } from './tail-registry.js';

/** A checkpointed identity whose inode was found under another name. */
export interface RotatedFile {
  /** Checkpoint key (`source:identity`). */
  readonly key: string;
  /** Identity key. */
  readonly id: string;
  /** Where the inode is now. */
  readonly path: string;
  /** Where it was checkpointed (reported as `source`). */
  readonly sourcePath: string;
  /** The checkpointed offset. */
  readonly offset: number;
  readonly dev: number;
  readonly ino: number;
}

interface Listed { path: string; dev: number; ino: number }

/**
 * Finds files by device + inode in directories, listing each directory once
 * (at start one search covers every checkpointed identity).
 */
export class InodeFinder {
  private readonly listed = new Map<string, Listed[]>();

  /** Where the inode is now, looked for in `dirs` in order. */
  async find(dirs: readonly string[], dev: number, ino: number): Promise<string | undefined> {
    for (const dir of dirs) {
      const found = (await this.list(dir)).find((f) => f.dev === dev && f.ino === ino)?.path;
      if (found) return found;
    }
    return undefined;
  }

  private async list(dir: string): Promise<Listed[]> {
    let files = this.listed.get(dir);
    if (files) return files;
    files = [];
    this.listed.set(dir, files);
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch {
      return files;
    }
    for (const n of names) {
      const st = await fsp.stat(join(dir, n)).catch(() => null);
      if (st?.isFile()) files.push({ path: join(dir, n), dev: st.dev, ino: st.ino });
    }
    return files;
  }
}

/**
 * Rotation while the agent was down: a checkpointed file the glob no
 * longer finds (renamed to `app.log.1`, shifted along a
 * RotatingFileHandler chain, moved to an `olddir`) still holds the lines
 * written after the checkpoint. Its inode is looked for by device + inode in
 * its directory and in `rotated_dirs` (each directory listed once). The
 * caller checks it still starts with the identity's first line (an inode is
 * reused once its file is deleted) before reading it.
 */
export async function* rotatedWhileDown(
  source: string,
  checkpoints: Pick<CheckpointStore, 'keys' | 'get'>,
  rotatedDirs: readonly string[],
  tracked: (id: string) => boolean,
): AsyncGenerator<RotatedFile> {
  const prefix = `${source}:`;
  const finder = new InodeFinder();
  for (const key of [...checkpoints.keys()]) {
    if (!key.startsWith(prefix)) continue;
    const id = key.slice(prefix.length);
    const ckpt = checkpoints.get(key);
    if (tracked(id) || ckpt?.offset === undefined || ckpt.dev === undefined || ckpt.ino === undefined || !ckpt.path) continue;
    const found = await finder.find([dirname(ckpt.path), ...rotatedDirs], ckpt.dev, ckpt.ino);
    if (found) yield { key, id, path: found, sourcePath: ckpt.path, offset: ckpt.offset, dev: ckpt.dev, ino: ckpt.ino };
  }
}

/**
 * Opens a rotated file found by device + inode if it still has lines past
 * `offset` (or, with `evenIfRead`, also when it has none yet: the
 * application may still write to it) and is at an inode no other tail holds
 * (`held`): the handle and its stat, or null (the handle closed). 'reused'
 * when the inode now holds another file (its first line is not the
 * identity's).
 */
export async function openRotated(
  f: Pick<RotatedFile, 'id' | 'path' | 'dev' | 'ino'>, offset: number, held: (dev: number, ino: number) => boolean, evenIfRead = false,
): Promise<{ fh: FileHandle; st: Stats } | 'reused' | null> {
  const fh = await fsp.open(f.path, 'r');
  let handed = false;
  try {
    const st = await fh.stat();
    // Renamed again between the listing and the open: not the file looked for.
    if (st.dev !== f.dev || st.ino !== f.ino) return null;
    if (st.size < offset || (st.size === offset && !evenIfRead) || held(st.dev, st.ino)) return null;
    const head = expectedHead(parseIdentity(f.id));
    if (head !== null && (await fingerprint(fh)) !== head) return 'reused';
    handed = true;
    return { fh, st };
  } finally {
    if (!handed) await fh.close();
  }
}

/** What reading files rotated while nothing followed them needs of the file source. */
export interface RotatedWhileDownContext {
  readonly source: string;
  readonly ctx: SourceContext;
  readonly rotatedDirs: readonly string[];
  readonly tails: TailRegistry<FileTail>;
  readonly tailContext: TailContext;
  readonly stopped: () => boolean;
  readonly readFailed: (path: string, err: unknown) => void;
}

/**
 * At start, after the glob's files are followed: each checkpointed file
 * rotated out of the glob while the agent was down is read to its end under
 * the same identity (so nothing is shipped twice), as a detached tail that
 * the poll releases once idle, as a file renamed while the agent runs is.
 */
export async function resumeRotatedWhileDown(rc: RotatedWhileDownContext): Promise<void> {
  for await (const f of rotatedWhileDown(rc.source, rc.ctx.checkpoints, rc.rotatedDirs, (id) => rc.tails.has(id))) {
    if (rc.stopped()) return;
    // After a reload, where the previous source got to (its batches are queued already).
    const resumed = rc.ctx.resume?.get(f.key);
    const offset = typeof resumed === 'number' ? resumed : f.offset;
    await resumeRotated(rc, f, offset).catch((err: unknown) => rc.readFailed(f.path, err));
  }
}

async function resumeRotated(rc: RotatedWhileDownContext, f: RotatedFile, offset: number): Promise<void> {
  const opened = await openRotated(f, offset, (dev, ino) => rc.tails.atInode(dev, ino) !== undefined);
  if (opened === 'reused') rc.ctx.log.debug('A checkpointed inode now holds another file; it is not read.', { source: rc.source, path: f.path, id: f.id });
  if (opened === 'reused' || opened === null) return;
  const { fh, st } = opened;
  const ids = rc.ctx.checkpoints.fileIdsSortFrom(f.key, st.size);
  const tail = new FileTail(parseIdentity(f.id), f.path, f.sourcePath, st.dev, st.ino, offset, rc.tailContext, ids.from);
  tail.attach(fh);
  rc.tails.addDetached(tail);
  // Durable before a line past it is sent (FileSource.writeIdBound).
  if (ids.fixed) await rc.ctx.checkpoints.flush().catch((err: unknown) => rc.ctx.log.warn('Writing the checkpoint file failed.', { source: rc.source, path: f.path, error: String(err) }));
  rc.ctx.log.info('A file rotated while the agent was stopped is read to its end.', { source: rc.source, path: f.path, was: f.sourcePath, offset, size: st.size });
  tail.read().catch((err: unknown) => rc.readFailed(f.path, err));
}

/**
 * A file renamed away (or deleted) while its handle was released (idle,
 * close_idle_ms): nothing follows the inode, so the lines written to it
 * before the rename and not read yet, and those the application still
 * writes to its descriptor until it reopens, would be missed. Its inode is
 * looked for as at start; if it still starts with the identity's first line
 * it is reopened at the tail's offset and read as a detached tail (same
 * identity, ids and checkpoint key), which the poll releases once idle, as a
 * file renamed while open is. Idle counts from now: the application gets
 * the time to reopen that it gets when the handle was open.
 */
export async function followRotatedWhileClosed(rc: RotatedWhileDownContext, tail: FileTail): Promise<void> {
  const path = await new InodeFinder().find([dirname(tail.path), ...rc.rotatedDirs], tail.dev, tail.ino);
  if (!path || rc.stopped()) return;
  const opened = await openRotated({ id: tail.id, path, dev: tail.dev, ino: tail.ino }, tail.offset,
    (dev, ino) => (rc.tails.atInode(dev, ino) ?? tail) !== tail, true);
  if (opened === 'reused') rc.ctx.log.debug('A renamed inode now holds another file; it is not read.', { source: rc.source, path, id: tail.id });
  if (opened === 'reused' || opened === null) return;
  // Checked after the awaits: a check of the new name (an include that
  // matches it) may have reopened it meanwhile, or it was released.
  if (rc.stopped() || tail.isOpen || !tail.detached || rc.tails.get(tail.id) !== tail) {
    await opened.fh.close();
    return;
  }
  rc.ctx.log.debug('A file renamed while its handle was released is read to its end.', { source: rc.source, path, was: tail.path, offset: tail.offset });
  tail.path = path;
  tail.attach(opened.fh);
  tail.lastDataAt = Date.now();
  tail.read().catch((err: unknown) => rc.readFailed(path, err));
}
