import { promises as fsp, type Stats } from 'node:fs';
import type { FileSourceConfig } from './config.js';
import type { FileTail } from './file-tail.js';
import type { SourceContext } from './source.js';
import type { TailRegistry } from './tail-registry.js';

const GONE_CHECKPOINT_MS = 3_600_000;
const FORGET_DETACHED_MS = 600_000;

/** What the file source lends its poll (file-source.ts). */
export interface PollContext {
  readonly source: string;
  readonly ctx: SourceContext;
  readonly config: FileSourceConfig;
  readonly tails: TailRegistry<FileTail>;
  /** Identities read to their end and released, with the inode they were read at (filled here). */
  readonly released: Map<string, { dev: number; ino: number }>;
  readonly check: (path: string) => void;
  readonly stopped: () => boolean;
  /** Lists the watched directories for matching files not followed yet. */
  readonly rescanDirectories: () => Promise<void>;
}

/**
 * One poll of the followed files. Change events can be missed or coalesced
 * (and never come for a file renamed out of the watched directories), so
 * open handles are polled; closed ones are rescanned less often
 * (`rescanClosed`).
 */
export async function pollFiles(pc: PollContext, rescanClosed: boolean): Promise<void> {
  const now = Date.now();
  for (const t of pc.tails.all()) {
    if (pc.stopped()) return;
    if (!t.isOpen) {
      if (rescanClosed && !t.detached) pc.check(t.path);
      continue;
    }
    let fst: Stats;
    try {
      fst = await t.fh!.stat();
    } catch {
      continue;
    }
    if (fst.size > t.offset) {
      await t.read();
      continue;
    }
    if (fst.size < t.offset && !t.detached) {
      pc.check(t.path);
      continue;
    }
    if (!t.detached) {
      const at = await fsp.stat(t.path).catch(() => null);
      if (!at || at.ino !== fst.ino || at.dev !== fst.dev) {
        t.detached = true;
        pc.check(t.path);
      }
    }
    const idle = now - t.lastDataAt;
    if (t.detached && (fst.nlink === 0 || idle >= pc.config.close_idle_ms) && idle >= pc.config.partial_line_flush_ms) {
      // Deleted or moved away for good: it cannot grow; emit what is held
      // back and release the handle (and with it the disk space).
      t.flushAll();
      await t.close();
      pc.tails.release(t);
      pc.released.set(t.id, { dev: t.dev, ino: t.ino });
      continue;
    }
    if (!t.detached && idle >= pc.config.close_idle_ms && !t.hasPending) await t.close();
  }
  for (const path of pc.tails.incompletePaths()) pc.check(path);
  if (rescanClosed) {
    // A truncated identity waits for its copy (copytruncate) for a while,
    // then is forgotten.
    for (const t of pc.tails.all()) if (t.detached && !t.isOpen && now - t.lastDataAt > FORGET_DETACHED_MS) pc.tails.forget(t);
    forgetGoneCheckpoints(pc, now);
    for (const id of [...pc.released.keys()]) if (pc.ctx.checkpoints.get(`${pc.source}:${id}`) === undefined) pc.released.delete(id);
    await pc.rescanDirectories();
  }
}

/**
 * Checkpoints of identities this source no longer tracks (deleted files,
 * rotated away long ago) are dropped an hour after their last update, so
 * the checkpoint file does not grow with every rotation forever. Were such
 * a file to reappear, it would be read again and ingest would deduplicate.
 */
function forgetGoneCheckpoints(pc: PollContext, now: number): void {
  pc.ctx.checkpoints.forgetStale(`${pc.source}:`, new Set(pc.tails.all().map((t) => t.key)), now, GONE_CHECKPOINT_MS);
}
