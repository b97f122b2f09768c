import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { FileTail } from './file-tail.js';
import { newFileIdentity, parseIdentity, type FileIdentity } from './file-identity.js';
import type { SourceContext } from './source.js';
import { sameStart, stillAt } from './tail-content.js';
import type { TailRegistry } from './tail-registry.js';

/** What the file source lends the decision (file-source.ts). */
export interface NewInodeContext {
  readonly source: string;
  readonly ctx: SourceContext;
  readonly tails: TailRegistry<FileTail>;
  /** Identities read to their end and released, with the inode they were read at. */
  readonly released: ReadonlyMap<string, { dev: number; ino: number }>;
  readonly check: (path: string) => void;
}

/**
 * Which identity a new inode at a watched path is (file-source.ts opened it
 * and read its first line, `head`): the identity of its first line, a
 * collider told apart by its inode (a common header), a new generation of
 * that one, or an identity already followed whose file this is a copy of.
 * `existing` is the identity's tail when one is followed (reading continues
 * in this file); null when there is nothing more to do: the file is another
 * one's copy (copytruncate, used once the original is truncated), or the
 * identity it gets is followed already.
 */
export async function identifyNewInode(
  ic: NewInodeContext, path: string, fh: FileHandle, fst: Stats, head: string | null,
): Promise<{ identity: FileIdentity; existing: FileTail | undefined } | null> {
  // A file that once shared its first line with another one (see below) keeps the identity it was given then.
  const checkpointed = (key: string): boolean => ic.ctx.checkpoints.get(`${ic.source}:${key}`) !== undefined;
  const named = newFileIdentity(head, fst.dev, fst.ino, checkpointed);
  let collider = named.collider;
  // The latest generation of the file at this inode (a file told apart by
  // its inode that was truncated or created again there, with the same first line).
  const latest = latestGeneration(ic, collider.key);
  if (latest !== undefined) collider = latest;
  let identity = named.identity.key === named.collider.key ? collider : named.identity;
  let existing = ic.tails.get(identity.key);
  const sameInode = (f: { dev?: number; ino?: number }): boolean => f.dev === fst.dev && f.ino === fst.ino;
  const read = existing?.offset ?? ic.ctx.checkpoints.get(`${ic.source}:${identity.key}`)?.offset ?? 0;
  const gone = ic.released.get(identity.key);
  // A copy compared while the original still held its lines (sameStart) is one, even if shorter than what was read.
  const knownCopy = existing !== undefined && ic.tails.copyOf(existing.id) === path;
  if ((existing && existing.detached && (!existing.awaitingCopy || sameInode(existing) || (!knownCopy && fst.size < existing.offset)))
    || (!existing && gone !== undefined && !sameInode(gone))
    || (!existing && fst.size < read)) {
    // The identity's file was deleted or renamed away, not copied; or
    // this is its own inode, truncated; or the file is shorter than
    // what was read of it (and not a copy compared before): this file
    // merely starts with the same line (a log created or truncated again
    // that writes the same banner or CSV header first). It gets the
    // identity of its first line and inode, read from its beginning:
    // taken for the old file, it was read from the old offset (or not at
    // all while shorter), or its lines got the old file's event ids and
    // ingest dropped them as duplicates. When that identity is taken too
    // (the inode's earlier file started so as well), a new generation.
    identity = identity.key === collider.key || checkpointed(collider.key)
      ? parseIdentity(`${named.collider.key}-g${Date.now().toString(36)}`) : collider;
    existing = ic.tails.get(identity.key);
    if (existing) return null;
    ic.ctx.log.info('A file starts with the same line as one read before; it is told apart by its inode.', { source: ic.source, path, id: identity.key });
  }
  if (existing && !existing.detached && (existing.isOpen || (await stillAt(existing)))) {
    const start = await sameStart(fh, existing);
    if (start !== 'different') {
      // Same first bytes as a file still being read at another inode: a
      // copy made by copytruncate before the truncate. Used after it.
      ic.tails.setCopy(identity.key, path);
      // The original was truncated already: its check notices that and
      // hands the identity over to this copy (it checks the copy again).
      if (start === 'gone') ic.check(existing.path);
      return null;
    }
    // A different file that merely starts with the same line (a common
    // header): its own identity, from the first line and its inode.
    identity = collider;
    existing = ic.tails.get(identity.key);
    if (existing) return null;
    ic.ctx.log.info('A file starts with the same line as another; it is told apart by its inode.', { source: ic.source, path });
  }
  return { identity, existing };
}

/**
 * Of a collider identity (`c<hash>-i<dev>-<ino>`) and its generations
 * (`…-g<time>`), the one checkpointed last; undefined when none is.
 */
function latestGeneration(ic: NewInodeContext, colliderKey: string): FileIdentity | undefined {
  const prefix = `${ic.source}:${colliderKey}`;
  let best: { key: string; at: number } | undefined;
  for (const key of ic.ctx.checkpoints.keys()) {
    if (key !== prefix && !key.startsWith(`${prefix}-g`)) continue;
    const at = ic.ctx.checkpoints.get(key)?.updated_ms ?? 0;
    if (!best || at >= best.at) best = { key, at };
  }
  return best ? parseIdentity(best.key.slice(ic.source.length + 1)) : undefined;
}
