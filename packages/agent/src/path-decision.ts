/**
 * What happened at a watched path, decided from facts the file source
 * gathered (stat, its maps, first-line checks) without touching the disk:
 * the rows of docs/AGENT.md's "What happens to files" table, testable one by
 * one (path-decision.test.ts). The file source acts on the answer.
 */
export type PathFacts =
  /** Nothing at the path; `tracked`: an identity was being read there. */
  | { readonly exists: false; readonly tracked: boolean }
  | {
    readonly exists: true;
    readonly isFile: boolean;
    /** The inode at the path belongs to a known identity. */
    readonly known: null | {
      /** Its handle is open, or the inode still starts with its first line. */
      readonly holdsIdentity: boolean;
      /** It was last seen at another path. */
      readonly movedHere: boolean;
      /** The file is now shorter than what was read. */
      readonly shorterThanRead: boolean;
      /** The open file still starts with the identity's first line. */
      readonly headMatches: boolean;
      readonly longerThanRead: boolean;
    };
  };

export type PathDecision =
  /** A directory, socket, …: not followed. */
  | { readonly kind: 'ignore' }
  /** Nothing there, nothing followed there. */
  | { readonly kind: 'nothing' }
  /** Deleted or renamed away: the open handle is read to its end, then released. */
  | { readonly kind: 'gone' }
  /**
   * The identity the inode holds: followed to this path if it moved here
   * (rotation by rename), then truncated (copytruncate, truncation in
   * place), grown (read on), or unchanged.
   */
  | { readonly kind: 'known'; readonly renamed: boolean; readonly change: 'truncated' | 'grew' | 'unchanged' }
  /**
   * An inode the source does not follow, or one whose content is no longer
   * its identity's (`rewritten`: truncated and rewritten while its handle
   * was closed, or reused): a new file, a rotation's new file, or an atomic
   * replace. Whatever was at the path is detached and read to its end.
   */
  | { readonly kind: 'new'; readonly rewritten: boolean };

export function decideAtPath(f: PathFacts): PathDecision {
  if (!f.exists) return f.tracked ? { kind: 'gone' } : { kind: 'nothing' };
  if (!f.isFile) return { kind: 'ignore' };
  const k = f.known;
  if (!k) return { kind: 'new', rewritten: false };
  if (!k.holdsIdentity) return { kind: 'new', rewritten: true };
  const change = k.shorterThanRead || !k.headMatches ? 'truncated' : k.longerThanRead ? 'grew' : 'unchanged';
  return { kind: 'known', renamed: k.movedHere, change };
}
