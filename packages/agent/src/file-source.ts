import { promises as fsp, type Stats } from 'node:fs';
import { pollFiles, type PollContext } from './poll-files.js';
import type { FSWatcher } from 'chokidar';
import type { FileSourceConfig } from './config.js';
import { ReadFailures } from './read-failures.js';
import type { FileTail, TailContext } from './file-tail.js';
import { decideAtPath } from './path-decision.js';
import type { FollowedFile, Source, SourceContext } from './source.js';
import { PathMatcher, walkFiles } from './glob.js';
import { watchFiles } from './file-watcher.js';
import { M, type Metrics } from './metrics.js';
import { contentAt } from './tail-content.js';
import { canList, directoryAdvice, directoryIncludes } from './include-directories.js';
import { pathNow } from './path-now.js';
import type { NewInodeContext } from './identify-new-inode.js';
import { openNewInode, type OpenNewInodeContext } from './open-new-inode.js';
import { TailRegistry } from './tail-registry.js';
import { LineFilter } from './line-filter.js';
import { continueInCopy, followRotatedWhileClosed, resumeRotatedWhileDown, type RotatedWhileDownContext } from './rotated-while-down.js';
import { isPodLogPath } from './kubernetes-pod-log.js';
import { SharedFiles } from './shared-files.js';
import { fileEventIds, type EventIds } from './file-event-ids.js';

/**
 * The `file` source (and its presets: `nginx`, `docker`, `kubernetes`): finds files by glob, follows each one by
 * identity through what happens to it on disk.
 *
 *   chokidar add/change/unlink ─┐
 *   poll of open handles ───────┼─► check(path) ─► FileTail.read() ─► sink
 *   slow rescan of closed ones ─┘
 *
 * - rename rotation: the inode keeps its tail (found by dev+ino), which reads
 *   the old file to its end; the new file at the path is a new identity.
 * - copytruncate / truncation: the size drops below the offset read; the
 *   identity leaves that inode and continues in a copy with the same first
 *   line if one appears (found by the glob, or beside the file:
 *   rotated-while-down.ts); the truncated inode starts a new identity at 0.
 * - deletion: the open handle is read to its end, then released.
 * - atomic replace (write temp, rename over): a new inode at the path, as
 *   with rotation.
 * - idle files: the handle is closed after close_idle_ms and reopened (after
 *   checking the first line still matches) when the file changes; renamed
 *   away while closed, the inode is looked for where it went, as after a
 *   rotation while the agent was down (rotated-while-down.ts).
 */

/** The file source's context is every source's (source.ts). */
export interface FileSourceContext extends SourceContext {
  /**
   * The file sources before this one in the config. A file one of them matches too is read by each, as
   * Promtail's scrape configs and Vector's sources do: each ships its lines with its own labels. The first
   * keeps the plain event ids; a later one puts its name in them (`f:<identity>~<source>:…`), or ingest
   * would keep only the events that arrived first, with whichever source's labels that was.
   */
  readonly earlier?: readonly FileSourceConfig[];
  /** The names of the config's other file sources (shared-files.ts). */
  readonly others?: readonly string[];
}

export class FileSource implements Source {
  readonly name: string;
  private readonly matcher: PathMatcher;
  private watcher: FSWatcher | null = null;
  private readonly tails = new TailRegistry<FileTail>();
  private readonly checking = new Map<string, Promise<void>>();
  /**
   * Identities whose file was read to its end and released (deleted, or
   * rotated away for good), with the inode they were read at: a file at
   * another inode that starts with the same line is another file.
   */
  private readonly released = new Map<string, { dev: number; ino: number }>();
  private readonly recheck = new Set<string>();
  private readonly shared: SharedFiles;
  private stopped = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private polls = 0;
  private polling = false;
  private watchBases: Array<[string, number | undefined]> = [];
  /** Base directories missing at the last look (watchCreatedBases). */
  private readonly missingBases = new Set<string>();
  /** Those of them that do not exist (the others may not be listed: a read failure). */
  private readonly absentBases = new Set<string>();
  private readonly tailContext: TailContext;
  private readonly rotated: RotatedWhileDownContext;
  private readonly newInode: NewInodeContext;
  private readonly pollContext: PollContext;
  private readonly openContext: OpenNewInodeContext;

  constructor(
    readonly config: FileSourceConfig,
    private readonly ctx: FileSourceContext,
  ) {
    this.name = config.name;
    // kubernetes: only the kubelet's own files, not symlinks to them under other names (kubernetes-pod-log.ts).
    this.matcher = new PathMatcher(config.include, config.exclude, config.type === 'kubernetes' ? isPodLogPath : undefined);
    this.failures = new ReadFailures(this.name, ctx.log);
    this.shared = new SharedFiles(this.name, ctx.earlier ?? [], ctx.others ?? [], ctx.checkpoints, ctx.log, ctx.notices);
    this.tailContext = {
      config, host: ctx.host, sink: ctx.sink, metrics: ctx.metrics, onReplaced: (t) => this.check(t.path),
      filter: LineFilter.of(config.include_lines, config.exclude_lines),
      onBom: (t, encoding) => {
        if (ctx.notices.first('bom', this.name, t.path, config.encoding, encoding)) {
          ctx.log.info('The file starts with a byte order mark; it is read in the encoding the mark says.', { source: this.name, path: t.path, encoding });
        }
      },
    };
    this.rotated = {
      source: this.name, ctx, rotatedDirs: config.rotated_dirs, tails: this.tails, tailContext: this.tailContext,
      eventIds: (key, identity, sourcePath, size) => this.eventIds(key, identity, sourcePath, size),
      stopped: () => this.stopped, readFailed: (path, err) => this.readFailed(path, err),
    };
    this.newInode = { source: this.name, ctx, tails: this.tails, released: this.released, check: (path) => this.check(path) };
    this.pollContext = {
      ...this.newInode, config, released: this.released, stopped: () => this.stopped, rescanDirectories: () => this.rescanDirectories(),
    };
    this.openContext = {
      source: this.name, config, ctx, newInode: this.newInode, tailContext: this.tailContext, failures: this.failures,
      eventIds: (key, identity, sourcePath, size) => this.eventIds(key, identity, sourcePath, size),
      readFailed: (path, err) => this.readFailed(path, err), skippedOld: (path) => this.skippedOld(path),
    };
  }

  async start(): Promise<void> {
    const watched = await watchFiles(this.config.include, this.matcher, (p) => this.check(p),
      (err) => this.failures.watchFailed(err));
    this.watcher = watched.watcher;
    // Stopped while the initial scan ran: stop() found no watcher to close.
    if (this.stopped) {
      await this.watcher.close();
      return;
    }
    this.watchBases = watched.bases;
    await this.watchCreatedBases();
    for (const p of watched.initial) this.check(p, true);
    await Promise.all([...this.checking.values()]);
    this.sayOldAtStart();
    await resumeRotatedWhileDown(this.rotated);
    this.ctx.log.info('The file source is watching.', { source: this.name, include: this.config.include, files: this.tails.size });
    for (const dir of directoryIncludes(this.config.include)) this.ctx.log.warn(`An include names a directory: ${directoryAdvice(dir)}.`, { source: this.name, include: dir });
    this.schedulePoll();
  }

  /** Stops watching and closes handles; returns where each identity got to. */
  async stop(): Promise<Map<string, number | string>> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    await this.watcher?.close();
    await Promise.all([...this.checking.values()].map((p) => p.catch(() => undefined)));
    const positions = new Map<string, number | string>();
    for (const t of this.tails.all()) {
      await t.close();
      positions.set(t.key, t.emittedEnd);
    }
    return positions;
  }

  /** Serializes the checks of one path; a check requested meanwhile runs once more. */
  check(path: string, atStart = false): void {
    if (this.stopped) return;
    if (this.checking.has(path)) {
      this.recheck.add(path);
      return;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.recheck.delete(path);
          await this.checkNow(path, atStart);
          atStart = false;
        } while (this.recheck.has(path) && !this.stopped);
      } catch (err) {
        this.readFailed(path, err);
      } finally {
        this.checking.delete(path);
      }
    };
    this.checking.set(path, run());
  }

  private readonly failures: ReadFailures;

  /** Files found at start and followed from their end (max_age_s), said in one line; null once started. */
  private oldAtStart: string[] | null = [];

  private skippedOld(path: string): void {
    this.ctx.metrics.inc(...M.filesSkippedOld, { source: this.name });
    if (this.oldAtStart) this.oldAtStart.push(path);
    else this.ctx.log.info('A file found was last written more than max_age_s ago: it is followed from its end, its earlier lines are not shipped.', { source: this.name, path, max_age_s: this.config.max_age_s });
  }

  /** Said once, so that an operator does not look on the server for the lines of the old files the globs found. */
  private sayOldAtStart(): void {
    const old = this.oldAtStart ?? [];
    this.oldAtStart = null;
    if (old.length === 0) return;
    this.ctx.log.info(`${old.length === 1 ? 'A file' : `${old.length} files`} found at start ${old.length === 1 ? 'was' : 'were'} last written more than max_age_s ago: followed from the end, earlier lines are not shipped.`, {
      source: this.name, files: old.length, max_age_s: this.config.max_age_s, paths: old.slice(0, 5),
    });
  }

  /** A file that could not be read in the last minute (for /health). */
  get failure(): string | null {
    return this.failures.current;
  }

  /** An include's folder not made yet: no failure, listed by /health as `waiting` (as a journald source's folder). */
  get waiting(): string | null {
    return this.absentBases.size === 0 ? null : `${[...this.absentBases].join(', ')} does not exist yet: waiting for it`;
  }

  private readFailed(path: string, err: unknown): void {
    this.failures.failed(path, err);
  }

  private async checkNow(path: string, atStart: boolean): Promise<void> {
    if (this.stopped || !this.matcher.matches(path)) return;
    let st: Stats | null;
    try {
      st = await fsp.stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      st = null;
    }
    const known = st ? this.tails.atInode(st.dev, st.ino) : undefined;
    // Facts first (the first-line checks in the order they cost least), then
    // the decision (path-decision.ts), then what to do about it.
    const content = known && !known.isOpen ? await contentAt(known, path) : null;
    if (content === 'moved') {
      // Renamed since the stat (a rotation in progress): look again.
      this.recheck.add(path);
      return;
    }
    const holds = known ? known.isOpen || content === 'same' : false;
    const shorter = known && st ? st.size < known.offset : false;
    const decision = decideAtPath(st === null
      ? { exists: false, tracked: this.tails.atPath(path) !== undefined }
      : {
        exists: true,
        isFile: st.isFile(),
        known: known ? {
          holdsIdentity: holds,
          movedHere: known.path !== path,
          shorterThanRead: shorter,
          headMatches: holds && !shorter ? await known.headMatches() : true,
          longerThanRead: st.size > known.offset,
        } : null,
      });
    switch (decision.kind) {
      case 'ignore':
        return;
      case 'nothing':
      case 'gone': {
        this.tails.complete(path);
        const t = this.tails.vacate(path);
        if (t) await this.finishVacated(t);
        return;
      }
      case 'known': {
        const k = known!;
        if (decision.renamed) this.ctx.log.debug('A file was renamed; its identity follows it.', { source: this.name, from: k.path, to: path });
        this.tails.placeAt(k, path);
        if (decision.change === 'truncated') await this.truncated(k, path);
        else if (decision.change === 'grew') {
          // Renamed between the stat and the open: look again (the path now
          // holds another inode, and this one is followed where it went).
          if (await k.open()) await k.read();
          else this.recheck.add(path);
        }
        return;
      }
      case 'new':
        if (decision.rewritten && known) {
          // The inode no longer starts with its identity's first line: it was
          // truncated and rewritten while its handle was closed. A copy kept
          // aside for that identity (copytruncate) now supplies the rest.
          this.tails.forgetInode(known);
          known.detached = true;
          known.awaitingCopy = true;
          const copy = this.tails.copyOf(known.id);
          if (copy) this.check(copy);
          else continueInCopy(this.rotated, known).catch((err: unknown) => this.readFailed(path, err));
        }
    }

    // A new inode at this path: whatever was here before has been rotated,
    // deleted or replaced, and finishes reading elsewhere. Not when it is
    // this very inode, rewritten: that content is no longer its identity's.
    const previous = this.tails.vacate(path);
    if (previous && (previous.isOpen || previous.dev !== st!.dev || previous.ino !== st!.ino)) {
      this.finishVacated(previous).catch((err: unknown) => this.readFailed(path, err));
    }

    await openNewInode(this.openContext, path, atStart);
  }

  /**
   * Deleted or renamed away: an open handle follows the inode and is read
   * to its end (the poll releases it once it is idle). A released one (the
   * file was idle) is reopened where the inode went, or the lines written
   * before the rename and not read yet, and those the application writes to
   * its old descriptor, would be missed (rotated-while-down.ts).
   */
  private finishVacated(t: FileTail): Promise<void> {
    return t.isOpen ? t.read() : followRotatedWhileClosed(this.rotated, t);
  }

  /** How the ids of a file position are written (file-event-ids.ts); a file seen at `sourcePath` first. */
  private eventIds(key: string, identity: string, sourcePath: string, size: number): { ids: EventIds; fixed: boolean } {
    return fileEventIds(this.ctx.checkpoints, key, size, this.ctx.host, (positioned) => this.shared.idSource(identity, sourcePath, positioned));
  }

  /**
   * chokidar does not watch a base directory that does not exist when it
   * starts (`/var/log/myapp`, made by the application's first run, or
   * deleted and made again), nor one it may not list: files there were
   * found only by the rescan, every 30 polls, if ever. Each poll looks
   * whether such a base can be listed by now, and has chokidar watch it
   * from then on; one that exists but may not be listed is a read failure.
   */
  private async watchCreatedBases(): Promise<void> {
    for (const [base] of this.watchBases) {
      const state = await canList(base);
      if (state === false) this.absentBases.add(base);
      else this.absentBases.delete(base);
      if (state !== true) {
        this.missingBases.add(base);
        if (state !== false) this.readFailed(base, state);
      } else if (this.missingBases.delete(base) && !this.stopped) {
        this.failures.readable(base);
        this.ctx.log.debug('A watched directory exists now; it is watched.', { source: this.name, path: base });
        this.watcher?.add(base);
      }
    }
  }

  /**
   * A safety net under chokidar: when inotify runs out of watches (or an event is lost) new files would go
   * unnoticed, so the base directories are listed now and then and unknown matching files checked.
   */
  private async rescanDirectories(): Promise<void> {
    const visit = (p: string): void => {
      if (this.tails.atPath(p) === undefined && this.matcher.matches(p)) this.check(p);
    };
    for (const [base, depth] of this.watchBases) await walkFiles(base, depth, visit);
  }

  /**
   * The file shrank below what was read: copytruncate or a truncation. What had not been read yet is gone
   * from this inode; a copy with the same first line may still hold it. The inode now holds a new identity.
   */
  private async truncated(tail: FileTail, path: string): Promise<void> {
    this.ctx.log.info('A file was truncated; its new content is read from the start.', { source: this.name, path, offset: tail.offset });
    if (await tail.headMatches()) await tail.read();
    // An incomplete last line is not emitted: close() rewinds to its start,
    // and a copy (copytruncate) supplies the whole line. Emitting it here
    // would split a line that was being written when the file was copied.
    tail.flushMultiline();
    await tail.close();
    this.tails.detachFromInode(tail, path);
    tail.awaitingCopy = true;
    const copy = this.tails.copyOf(tail.id);
    await this.checkNow(path, false);
    if (copy) this.check(copy);
    else await continueInCopy(this.rotated, tail);
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      this.poll().catch((err: unknown) => this.ctx.log.warn('Polling files failed.', { source: this.name, error: String(err) }))
        .finally(() => this.schedulePoll());
    }, this.config.poll_interval_ms);
  }

  /** One poll at a time (poll-files.ts); every 30th also rescans the closed files and the directories. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      this.polls++;
      await this.watchCreatedBases();
      await pollFiles(this.pollContext, this.polls % 30 === 0);
    } finally {
      this.polling = false;
    }
  }

  files(): FollowedFile[] {
    return this.tails.all().map((t) => ({
      // A file renamed away keeps its old path in the registry (the new file holds it): said where it is now.
      path: t.detached ? pathNow(t.path, t.descriptor) : t.path, source_path: t.sourcePath, id: t.id, read_offset: t.offset,
      acknowledged_offset: this.ctx.checkpoints.get(t.key)?.offset ?? 0, open: t.isOpen,
      // Renamed away from where it was first seen: an include that matches the new name too (`app.log*`) attaches it there.
      rotated: t.detached || t.path !== t.sourcePath,
    })).sort((a, b) => a.path.localeCompare(b.path));
  }

  collectMetrics(metrics: Metrics): void {
    const tails = this.tails.all();
    metrics.set(...M.filesWatched, { source: this.name }, tails.length);
    metrics.set(...M.filesOpen, { source: this.name }, tails.filter((t) => t.isOpen).length);
    // Bytes read but not yet acknowledged (checkpointed).
    metrics.set(...M.checkpointLag, { source: this.name }, tails.reduce((lag, t) => lag + Math.max(0, t.offset - (this.ctx.checkpoints.get(t.key)?.offset ?? 0)), 0));
  }
}
