/**
 * What the file source knows about the files it follows, without touching
 * the disk: each tail (one identity, read at one inode) is findable by its
 * identity, by device + inode, and by the path it is currently at. Kept here
 * so the invariants live in one place and are tested without files:
 *
 * - an identity has one tail; a path and an inode point to at most one tail,
 *   and only to a registered one (release and forget drop both);
 * - a tail placed at a path is attached; taking a path from another tail
 *   detaches that one (it keeps reading its open handle elsewhere). The
 *   poll may mark a tail detached while the path still names it (it saw
 *   another inode there): the check of that path it then asks for vacates it;
 * - a detached tail (renamed away, deleted, truncated, rotated while the
 *   agent was down) stays registered by identity until released, so it is
 *   read to its end and its checkpoint stays live;
 * - a copy (same first line as a tail still reading another inode, as
 *   copytruncate makes) is remembered by identity until used or forgotten;
 * - a path whose first line is not complete yet is remembered with when it
 *   was first seen (the poll checks it again).
 */

/** What the registry needs of a tail (FileTail has it; tests use plain objects). */
export interface RegisteredTail {
  readonly id: string;
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
  detached: boolean;
}

/** The path part of a tail that the registry moves on a rename. */
interface MovableTail extends RegisteredTail {
  path: string;
}

const inodeKey = (dev: number, ino: number): string => `${dev}:${ino}`;

export class TailRegistry<T extends RegisteredTail> {
  private readonly tails = new Map<string, T>();
  private readonly inodes = new Map<string, T>();
  private readonly paths = new Map<string, T>();
  private readonly copies = new Map<string, string>();
  private readonly incomplete = new Map<string, number>();

  /** Tails registered (open or not, attached to a path or not). */
  get size(): number {
    return this.tails.size;
  }

  /** Every registered tail, as a copy (callers release while iterating). */
  all(): T[] {
    return [...this.tails.values()];
  }

  get(id: string): T | undefined {
    return this.tails.get(id);
  }

  has(id: string): boolean {
    return this.tails.has(id);
  }

  atInode(dev: number, ino: number): T | undefined {
    return this.inodes.get(inodeKey(dev, ino));
  }

  atPath(path: string): T | undefined {
    return this.paths.get(path);
  }

  /** A new tail at its path and inode. */
  add(tail: T): void {
    this.tails.set(tail.id, tail);
    this.index(tail);
  }

  /** A tail read where it no longer belongs to the glob (rotated while the agent was down): by identity and inode only. */
  addDetached(tail: T): void {
    tail.detached = true;
    this.tails.set(tail.id, tail);
    this.inodes.set(inodeKey(tail.dev, tail.ino), tail);
  }

  /** After a tail moved to another inode and path (a copy took over): found there. */
  index(tail: T): void {
    this.inodes.set(inodeKey(tail.dev, tail.ino), tail);
    this.paths.set(tail.path, tail);
  }

  /**
   * A known inode seen at `path` (renamed there, or still there): the tail
   * is attached at that path, leaves its old one, and whatever tail held
   * the path before is detached.
   */
  placeAt(tail: T & MovableTail, path: string): void {
    if (tail.path !== path) {
      if (this.paths.get(tail.path) === tail) this.paths.delete(tail.path);
      tail.path = path;
    }
    tail.detached = false;
    const displaced = this.paths.get(path);
    if (displaced && displaced !== tail) displaced.detached = true;
    this.paths.set(path, tail);
  }

  /** Nothing (or another inode) is at `path` now: its tail, if any, is detached and returned. */
  vacate(path: string): T | undefined {
    const tail = this.paths.get(path);
    if (!tail) return undefined;
    this.paths.delete(path);
    tail.detached = true;
    return tail;
  }

  /** The tail's inode no longer holds its identity (truncated, rewritten): detached from it and from `path`. */
  detachFromInode(tail: T, path = tail.path): void {
    tail.detached = true;
    this.forgetInode(tail);
    if (this.paths.get(path) === tail) this.paths.delete(path);
  }

  forgetInode(tail: T): void {
    const key = inodeKey(tail.dev, tail.ino);
    if (this.inodes.get(key) === tail) this.inodes.delete(key);
  }

  /** Read to its end and closed (deleted, or rotated away for good). */
  release(tail: T): void {
    this.unregister(tail);
  }

  /** A truncated identity whose copy never came: dropped with its copy. */
  forget(tail: T): void {
    this.unregister(tail);
    this.copies.delete(tail.id);
  }

  private unregister(tail: T): void {
    if (this.tails.get(tail.id) === tail) this.tails.delete(tail.id);
    this.forgetInode(tail);
    if (this.paths.get(tail.path) === tail) this.paths.delete(tail.path);
  }

  /** A file at `path` starts like identity `id`'s: the copy to continue in after its truncation. */
  setCopy(id: string, path: string): void {
    this.copies.set(id, path);
  }

  copyOf(id: string): string | undefined {
    return this.copies.get(id);
  }

  /** The copy is being used (or no longer wanted). */
  dropCopy(id: string): void {
    this.copies.delete(id);
  }

  /** A path whose first line is not complete yet: when it was first seen so (now, the first time). */
  incompleteSince(path: string, now: number): number {
    const since = this.incomplete.get(path) ?? now;
    this.incomplete.set(path, since);
    return since;
  }

  /** The path has a complete first line now, or is gone. */
  complete(path: string): void {
    this.incomplete.delete(path);
  }

  incompletePaths(): string[] {
    return [...this.incomplete.keys()];
  }
}
