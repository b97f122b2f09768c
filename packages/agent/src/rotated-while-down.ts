import { promises as fsp, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CheckpointStore } from './checkpoint-store.js';
import { expectedHead, parseIdentity } from './file-identity.js';
import { fingerprint } from './fingerprint.js';

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
}

interface Listed { path: string; dev: number; ino: number }

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
  const listed = new Map<string, Listed[]>();
  const list = async (dir: string): Promise<Listed[]> => {
    let files = listed.get(dir);
    if (files) return files;
    files = [];
    listed.set(dir, files);
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
  };
  for (const key of [...checkpoints.keys()]) {
    if (!key.startsWith(prefix)) continue;
    const id = key.slice(prefix.length);
    const ckpt = checkpoints.get(key);
    if (tracked(id) || ckpt?.offset === undefined || ckpt.dev === undefined || ckpt.ino === undefined || !ckpt.path) continue;
    let found: string | undefined;
    for (const dir of [dirname(ckpt.path), ...rotatedDirs]) {
      found = (await list(dir)).find((f) => f.dev === ckpt.dev && f.ino === ckpt.ino)?.path;
      if (found) break;
    }
    if (found) yield { key, id, path: found, sourcePath: ckpt.path, offset: ckpt.offset };
  }
}

/**
 * Opens a rotated file found by rotatedWhileDown if it still has lines past
 * `offset` and is at an inode no tail holds (`held`): the handle and its
 * stat, or null (the handle closed). 'reused' when the inode now holds
 * another file (its first line is not the identity's).
 */
export async function openRotated(
  f: RotatedFile, offset: number, held: (dev: number, ino: number) => boolean,
): Promise<{ fh: FileHandle; st: Stats } | 'reused' | null> {
  const fh = await fsp.open(f.path, 'r');
  let handed = false;
  try {
    const st = await fh.stat();
    if (st.size <= offset || held(st.dev, st.ino)) return null;
    const head = expectedHead(parseIdentity(f.id));
    if (head !== null && (await fingerprint(fh)) !== head) return 'reused';
    handed = true;
    return { fh, st };
  } finally {
    if (!handed) await fh.close();
  }
}
