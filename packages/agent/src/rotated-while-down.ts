import { promises as fsp, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { CheckpointStore } from './checkpoint-store.js';
import { expectedHead, parseIdentity } from './file-identity.js';
import { FileTail, type TailContext } from './file-tail.js';
import type { EventIds } from './file-event-ids.js';
import { fingerprint } from './fingerprint.js';
import type { SourceContext } from './source.js';
import type { TailRegistry } from './tail-registry.js';

/** A checkpointed identity whose inode was found under another name. */
export interface RotatedFile {
  /** Checkpoint key (`source:identity`). */
  readonly key: string;
  /** Identity key. */
  readonly id: string;
  /** Where the inode is now; undefined when it is in none of the directories. */
  readonly path: string | undefined;
  /** Where it was checkpointed (reported as `source`). */
  readonly sourcePath: string;
  /** The checkpointed offset. */
  readonly offset: number;
  /** The checkpoint's mark of the bytes before `offset` (offset-mark.ts). */
  readonly mark: number | undefined;
  /** When the checkpoint was last moved. */
  readonly updatedMs: number;
  readonly dev: number;
  readonly ino: number;
}

interface Listed { path: string; dev: number; ino: number; size: number; mtimeMs: number }

/** File times are coarser than the agent's clock on some file systems. */
const MTIME_SLACK_MS = 2000;

/** Names of compressed rotations, never read (their first bytes are not the file's). */
const COMPRESSED = /\.(gz|bz2|xz|zst|lz4|lzma|zip|Z)$/;

/**
 * Finds files by device + inode in directories, listing each directory once
 * (at start one search covers every checkpointed identity), and copies of
 * a file by its first line.
 */
export class InodeFinder {
  private readonly listed = new Map<string, Listed[]>();
  private readonly heads = new Map<string, Promise<string | null>>();

  /**
   * A copy of identity `id` (copytruncate's `app.log.1`, `app.log-20261206`,
   * `app-20261206.log`) in `dirs`: a file named like `path` (its name
   * without extension starts the copy's), not compressed, not `held` by a
   * tail, with lines past `offset`, starting with the identity's first line,
   * and written to since `since` (ms; an older file is an earlier copy of a
   * file with a common header line). The newest one when several are.
   */
  async copyOf(dirs: readonly string[], path: string, id: string, offset: number, held: (dev: number, ino: number) => boolean, since: number): Promise<Listed | undefined> {
    const head = expectedHead(parseIdentity(id));
    if (head === null) return undefined;
    const name = basename(path);
    const stem = name.slice(0, name.length - extname(name).length) || name;
    let best: Listed | undefined;
    for (const dir of dirs) {
      for (const f of await this.list(dir)) {
        const n = basename(f.path);
        if (f.path === path || !n.startsWith(stem) || COMPRESSED.test(n) || f.size <= offset || held(f.dev, f.ino) || f.mtimeMs < since - MTIME_SLACK_MS) continue;
        if ((await this.head(f.path)) !== head) continue;
        if (!best || f.mtimeMs > best.mtimeMs) best = f;
      }
    }
    return best;
  }

  private head(path: string): Promise<string | null> {
    let h = this.heads.get(path);
    if (!h) {
      h = fsp.open(path, 'r').then(async (fh) => {
        try {
          return await fingerprint(fh);
        } finally {
          await fh.close();
        }
      }, () => null);
      this.heads.set(path, h);
    }
    return h;
  }

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
      if (st?.isFile()) files.push({ path: join(dir, n), dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs });
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
  finder: InodeFinder,
): AsyncGenerator<RotatedFile> {
  const prefix = `${source}:`;
  for (const key of [...checkpoints.keys()]) {
    if (!key.startsWith(prefix)) continue;
    const id = key.slice(prefix.length);
    const ckpt = checkpoints.get(key);
    if (tracked(id) || ckpt?.offset === undefined || ckpt.dev === undefined || ckpt.ino === undefined || !ckpt.path) continue;
    const found = await finder.find([dirname(ckpt.path), ...rotatedDirs], ckpt.dev, ckpt.ino);
    yield { key, id, path: found, sourcePath: ckpt.path, offset: ckpt.offset, mark: ckpt.mark, updatedMs: ckpt.updated_ms, dev: ckpt.dev, ino: ckpt.ino };
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
  f: { readonly id: string; readonly path: string; readonly dev: number; readonly ino: number }, offset: number, held: (dev: number, ino: number) => boolean, evenIfRead = false,
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
  /** How the file's event ids are written (file-event-ids.ts). */
  readonly eventIds: (key: string, identity: string, sourcePath: string, size: number) => { ids: EventIds; fixed: boolean };
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
  const finder = new InodeFinder();
  for await (const f of rotatedWhileDown(rc.source, rc.ctx.checkpoints, rc.rotatedDirs, (id) => rc.tails.has(id), finder)) {
    if (rc.stopped()) return;
    // After a reload, where the previous source got to (its batches are queued already).
    const resumed = rc.ctx.resume?.get(f.key);
    const offset = typeof resumed === 'number' ? resumed : f.offset;
    await resumeRotated(rc, f, offset, finder).catch((err: unknown) => rc.readFailed(f.path ?? f.sourcePath, err));
  }
}

async function resumeRotated(rc: RotatedWhileDownContext, f: RotatedFile, offset: number, finder: InodeFinder): Promise<void> {
  const held = (dev: number, ino: number): boolean => rc.tails.atInode(dev, ino) !== undefined;
  let opened = f.path !== undefined ? await openRotated({ ...f, path: f.path }, offset, held) : null;
  if (opened === 'reused') rc.ctx.log.debug('A checkpointed inode now holds another file; it is not read.', { source: rc.source, path: f.path, id: f.id });
  let path = f.path;
  let how = 'A file rotated while the agent was stopped is read to its end.';
  if (opened === 'reused' || opened === null) {
    // Not where it was, or its inode holds other lines: copytruncate (the
    // inode stays, truncated) may have left what was not read in a copy.
    const copy = await finder.copyOf([dirname(f.sourcePath), ...rc.rotatedDirs], f.sourcePath, f.id, offset, held, f.updatedMs);
    if (!copy) return;
    opened = await openRotated({ id: f.id, path: copy.path, dev: copy.dev, ino: copy.ino }, offset, held);
    if (opened === 'reused' || opened === null) return;
    path = copy.path;
    how = 'A copy of a file truncated while the agent was stopped (copytruncate) is read from the checkpoint to its end.';
  }
  const { fh, st } = opened;
  const { ids, fixed } = rc.eventIds(f.key, f.id, f.sourcePath, st.size);
  // With the checkpoint's mark, as a tail at the path gets it: the file must still hold those bytes before the offset.
  const tail = new FileTail(parseIdentity(f.id), path!, f.sourcePath, st.dev, st.ino, offset, rc.tailContext, ids, offset === f.offset ? f.mark : undefined);
  tail.attach(fh);
  rc.tails.addDetached(tail);
  // Durable before a line past it is sent (FileSource.writeIdBound).
  if (fixed) await rc.ctx.checkpoints.flush().catch((err: unknown) => rc.ctx.log.warn('Writing the checkpoint file failed.', { source: rc.source, path, error: String(err) }));
  rc.ctx.log.info(how, { source: rc.source, path, was: f.sourcePath, offset, size: st.size });
  tail.read().catch((err: unknown) => rc.readFailed(path!, err));
}

/**
 * A file truncated while it was followed (copytruncate) whose copy the
 * glob does not find (`include: [app.log]`, copied to `app.log.1`): what
 * was not read before the truncate is only in the copy. It is looked for
 * in the file's directory and `rotated_dirs` by name and first line
 * (InodeFinder.copyOf) and read from the tail's offset to its end under the
 * same identity, as a detached tail the poll releases once idle.
 */
export async function continueInCopy(rc: RotatedWhileDownContext, tail: FileTail): Promise<void> {
  const held = (dev: number, ino: number): boolean => rc.tails.atInode(dev, ino) !== undefined;
  const copy = await new InodeFinder().copyOf([dirname(tail.path), ...rc.rotatedDirs], tail.path, tail.id, tail.offset, held, tail.lastDataAt);
  if (!copy || rc.stopped()) return;
  const opened = await openRotated({ id: tail.id, path: copy.path, dev: copy.dev, ino: copy.ino }, tail.offset, held);
  if (opened === 'reused' || opened === null) return;
  // Checked after the awaits: the glob may have found the copy meanwhile.
  if (rc.stopped() || tail.isOpen || rc.tails.get(tail.id) !== tail || rc.tails.copyOf(tail.id) !== undefined) {
    await opened.fh.close();
    return;
  }
  await tail.moveTo(copy.path, opened.fh, opened.st.dev, opened.st.ino);
  rc.tails.addDetached(tail);
  rc.ctx.log.info('A copy of a truncated file was found beside it; reading continues in it.', { source: rc.source, path: copy.path, offset: tail.offset });
  await tail.read();
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
