import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a file so that after a crash or power loss it holds either its old
 * content or all of the new one: temp file → write → fsync → rename → fsync
 * of the directory (the rename itself is only durable once the directory
 * is). The one place the agent writes state (checkpoints, spooled batches).
 * On failure (ENOSPC on a full disk) the temp file is removed, so a failed
 * write does not keep the space it took, and the error is thrown.
 */
export async function writeFileDurably(file: string, data: string | Buffer | readonly Buffer[]): Promise<void> {
  const tmp = `${file}.tmp`;
  try {
    const fh = await fsp.open(tmp, 'w');
    try {
      // writeFile writes until everything is written or throws; writev may
      // return a short count on a full disk (a truncated batch, once seen).
      // Each writeFile continues where the previous one ended.
      if (typeof data === 'string' || Buffer.isBuffer(data)) await fh.writeFile(data);
      else for (const part of data) await fh.writeFile(part);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(file));
}

/** fsync of a directory makes a rename in it durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    await fh.close();
  }
}
