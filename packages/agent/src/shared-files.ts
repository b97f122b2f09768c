import { realpathSync } from 'node:fs';
import type { CheckpointStore } from './checkpoint-store.js';
import type { FileSourceConfig } from './config.js';
import { PathMatcher } from './glob.js';
import { isPodLogPath } from './kubernetes-pod-log.js';
import type { Logger } from './log.js';
import type { Notices } from './notices.js';

/**
 * A file several file sources read: each ships its lines with its own
 * labels, so their event ids must differ, or ingest would keep only the
 * events that arrived first. One of them ships the file under the plain ids
 * `f:<identity>:…` (those of a file no other source reads), the others put
 * their name in theirs, `f:<identity>~<source>:…` (file-tail.ts).
 *
 * Which one is decided when a source first reads the file and kept in its
 * checkpoint (`id_source`): the first source in the config whose globs
 * match the path where the content was first seen, as before, but not one
 * whose file another source of the config ships under the plain ids
 * already. Kept, it does not change when the sources are reordered, or
 * when a source is added before them: had it changed, a line read again
 * (after a crash, or by a source lagging behind) would have come under the
 * other source's ids, and ingest dropped it as a duplicate of that one's.
 */
export class SharedFiles {
  private readonly earlier: ReadonlyArray<{ name: string; matcher: PathMatcher }>;

  constructor(
    private readonly source: string,
    earlier: readonly FileSourceConfig[],
    /** The names of the config's other file sources (before and after this one). */
    private readonly others: readonly string[],
    private readonly checkpoints: CheckpointStore,
    private readonly log: Logger,
    private readonly notices: Notices,
  ) {
    this.earlier = earlier.map((e) => ({ name: e.name, matcher: new PathMatcher(e.include, e.exclude, e.type === 'kubernetes' ? isPodLogPath : undefined) }));
  }

  /**
   * The source name the event ids of the file `identity`, first seen at
   * `sourcePath`, carry ('' for none), for a position that holds none yet:
   * `positioned` when an earlier agent wrote it, whose choice was the
   * config's order alone (file-event-ids.ts keeps what is decided).
   */
  idSource(identity: string, sourcePath: string, positioned: boolean): string {
    // A position an earlier agent wrote: its lines went out under what the config's order said, as it still does.
    let shared = this.readBy(sourcePath) !== undefined;
    // A file new to this source: not the plain ids another source ships it under (or an earlier agent may have).
    if (!shared && !positioned) {
      shared = this.others.some((o) => {
        const other = this.checkpoints.get(`${o}:${identity}`);
        return other !== undefined && (other.id_source ?? '') === '';
      });
    }
    return shared ? this.source : '';
  }

  /**
   * The earlier source that reads the file at `path` too, by its path or by
   * the path a symlink names (/var/log/containers/*.log are links to the
   * kubernetes preset's /var/log/pods files); warned of once per path.
   */
  readBy(path: string): string | undefined {
    if (this.earlier.length === 0) return undefined;
    let real = path;
    try {
      real = realpathSync(path);
    } catch {
      // Gone already: its path alone decides.
    }
    const by = this.earlier.find((e) => e.matcher.matches(path) || (real !== path && e.matcher.matches(real)))?.name;
    if (by !== undefined && this.notices.first('shared', this.source, path, by)) {
      this.log.warn('A file is read by two sources; each ships its lines, with its own labels.', { source: this.source, path, also_read_by: by });
    }
    return by;
  }
}
