import { realpathSync } from 'node:fs';
import type { FileSourceConfig } from './config.js';
import { PathMatcher } from './glob.js';
import { isPodLogPath } from './kubernetes-pod-log.js';
import type { Logger } from './log.js';
import type { Notices } from './notices.js';

/**
 * Which earlier file source (FileSourceContext.earlier) reads a file too:
 * its tails then put their source's name in their event ids (file-tail.ts),
 * so both sources' events are kept.
 */
export class SharedFiles {
  private readonly earlier: ReadonlyArray<{ name: string; matcher: PathMatcher }>;

  constructor(private readonly source: string, earlier: readonly FileSourceConfig[], private readonly log: Logger, private readonly notices: Notices) {
    this.earlier = earlier.map((e) => ({ name: e.name, matcher: new PathMatcher(e.include, e.exclude, e.type === 'kubernetes' ? isPodLogPath : undefined) }));
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
