/**
 * What a file identity is, as a typed value rather than a string whose
 * first letter says its kind. Its `key` is the string form used in event
 * ids (`f:<key>:<offset>`) and checkpoint keys, unchanged from earlier
 * versions so that checkpoints and event ids stay valid:
 *
 * - content: `c<hash>`, a checksum of the first line (fingerprint.ts);
 * - content told apart by inode: `c<hash>-i<dev>-<ino>`, for a file that
 *   shares its first line with another one (a common header);
 * - inode: `i<dev>-<ino>`, for a file whose first line stayed incomplete.
 */
export type FileIdentity =
  | { readonly kind: 'content'; readonly key: string; readonly head: string }
  | { readonly kind: 'inode'; readonly key: string };

const inodeKey = (dev: number, ino: number): string => `i${dev.toString(36)}-${ino.toString(36)}`;

/** From a first-line checksum (`c<hash>`). */
export function contentIdentity(head: string): FileIdentity {
  return { kind: 'content', key: head, head };
}

export function inodeIdentity(dev: number, ino: number): FileIdentity {
  return { kind: 'inode', key: inodeKey(dev, ino) };
}

/** A content identity told apart from another file with the same first line by its inode. */
export function withInode(head: string, dev: number, ino: number): FileIdentity {
  return { kind: 'content', key: `${head}-${inodeKey(dev, ino)}`, head };
}

/** Back from the string form (checkpoint keys). */
export function parseIdentity(key: string): FileIdentity {
  if (key.startsWith('c')) {
    const dash = key.indexOf('-');
    return { kind: 'content', key, head: dash < 0 ? key : key.slice(0, dash) };
  }
  return { kind: 'inode', key };
}

/** The first-line checksum a file must still start with to be this identity; null when none is known. */
export function expectedHead(id: FileIdentity): string | null {
  return id.kind === 'content' ? id.head : null;
}

/**
 * The identity a file seen at a new inode takes: its first line's (`head`),
 * or its inode's while it has no complete first line. `collider` is the
 * content form told apart by the inode, for a file that shares its first
 * line with another; a file that was given it once (`checkpointed`) keeps it.
 */
export function newFileIdentity(
  head: string | null, dev: number, ino: number, checkpointed: (key: string) => boolean,
): { identity: FileIdentity; collider: FileIdentity } {
  const identity = head === null ? inodeIdentity(dev, ino) : contentIdentity(head);
  const collider = parseIdentity(`${identity.key}-${inodeKey(dev, ino)}`);
  return { identity: identity.kind === 'content' && checkpointed(collider.key) ? collider : identity, collider };
}
