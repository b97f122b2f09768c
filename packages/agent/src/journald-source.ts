import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { userInfo } from 'node:os';
import split2 from 'split2';
import { Backoff, sleep } from './backoff.js';
import type { JournaldSourceConfig } from './config.js';
import { agentError } from './errors.js';
import { cursorAtOrBefore, cursorOrder, journalEventId, type CursorOrder } from './event-id.js';
import { journalDirectoryState, journalDirectoryWait } from './journal-directory.js';
import { journalReadStart, sinceArg } from './journal-read-start.js';
import { entryFields, entryMessage, localMachineId, MACHINE_ID_FILES } from './journal-entry.js';
import { LineFilter } from './line-filter.js';
import { M } from './metrics.js';
import type { Source, SourceContext } from './source.js';

/**
 * The journald source runs `journalctl -o json --follow` and frames its
 * output with split2 (one JSON object per line). The checkpoint is the
 * `__CURSOR` of the last acknowledged entry; journalctl restarts with
 * `--after-cursor` so that an entry is neither skipped nor read twice. When
 * journalctl exits or cannot be started, the source reports it and tries
 * again with backoff, from the last cursor it emitted.
 *
 * Event ids are the cursor with its sequence number padded, so that entries
 * of one millisecond sort in journal order (event-id.ts); entries an earlier
 * agent may have sent keep its form (journalIdBound).
 */
/** The journald source's context is every source's (source.ts), and the config's other journald sources. */
export interface JournaldContext extends SourceContext {
  /** The names of the journald sources before this one in the config. */
  readonly earlier?: readonly string[];
  /** The names of the config's other journald sources. */
  readonly others?: readonly string[];
  /** Where this machine's id is read, first found wins (MACHINE_ID_FILES); tests name files of their own. */
  readonly machineIdFiles?: readonly string[];
}

export class JournaldSource implements Source {
  readonly name: string;
  readonly key: string;
  private child: ChildProcess | null = null;
  /** Why journalctl is not running, while it is not (for /health). */
  failure: string | null = null;
  /** Why it waits, not failing: its `directory:` is not there yet (journal-directory.ts). */
  waiting: string | null = null;
  /** Its folder appeared while the agent ran: read from its first entry, whatever start_position and max_age_s say. */
  private appeared = false;
  /** First seen by this start with start_position: end: its first journalctl starts at the journal's end (--lines=0). */
  private atEnd = false;
  /** A position (read_since_us, or the ids' bounds) set in the checkpoint and not yet durable: written before journalctl runs. */
  private unwritten = false;
  /** The failure last warned about, until journalctl prints an entry again. */
  private saidFailure: string | null = null;
  private lastCursor: string | undefined;
  private stopped = false;
  /** The signal that ended the last journalctl, or null (it exited by itself, or is running). */
  private exitSignal: NodeJS.Signals | null = null;
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  /** Set when resuming with --cursor: the first entry is the cursor's own. */
  private skipCursor: string | undefined;
  private readonly filter: string;
  /** Entries up to this one keep the id form of an earlier agent; null: none do. */
  private legacyThrough: CursorOrder | null = null;
  /** The name its event ids carry, '' for none: another journald source may read the same entries (decideIdSource). */
  private readonly idSource: string;
  /** Entries up to this one keep ids without `idSource` (an earlier agent sent them so); null: none do. */
  private plainThrough: CursorOrder | null = null;
  private idBoundKnown = false;
  private readonly lineFilter: LineFilter | null;
  /** This machine's id (null: none, as in some containers): an entry of another (a journal-remote collector's files) keeps its own host. */
  private readonly machineId: string | null;
  /**
   * Epoch microseconds read from while no entry is acknowledged, or null:
   * the whole journal. Fixed when the source was first seen and kept in
   * its checkpoint (journal-read-start.ts), so that neither journalctl
   * restarted before the first entry came nor the agent restarted before
   * one was acknowledged measures max_age_s from its own start.
   */
  private since: number | null;
  /** Whether this start first saw the source (no checkpoint): said in the log. */
  private readonly firstSeen: boolean;

  constructor(
    readonly config: JournaldSourceConfig,
    private readonly ctx: JournaldContext,
  ) {
    this.name = config.name;
    this.key = `${config.name}:journald`;
    this.lineFilter = LineFilter.of(config.include_lines, config.exclude_lines);
    this.filter = [...config.units, ...config.user_units.map((u) => `user:${u}`), ...config.matches].sort().join(',');
    const resumed = ctx.resume?.get(this.key);
    const saved = ctx.checkpoints.get(this.key);
    this.lastCursor = typeof resumed === 'string' ? resumed : saved?.cursor;
    // journalctl 252 skips one entry more with --after-cursor when the cursor's
    // entry does not match the unit filter. A cursor saved under another
    // filter is therefore resumed with --cursor, dropping the cursor's entry.
    if (typeof resumed !== 'string' && saved?.cursor && (saved.filter ?? '') !== this.filter) this.skipCursor = saved.cursor;
    this.idSource = this.decideIdSource();
    this.machineId = localMachineId(ctx.machineIdFiles ?? MACHINE_ID_FILES);
    const start = journalReadStart(config, ctx.checkpoints.get(this.key), Date.now());
    this.since = start.sinceUs;
    this.firstSeen = start.firstSeen && this.lastCursor === undefined;
    if (this.firstSeen) {
      this.atEnd = config.start_position === 'end';
      this.recordSince();
    }
  }

  /** Keeps where the source reads from until an entry is acknowledged; written before journalctl runs. */
  private recordSince(): void {
    this.ctx.checkpoints.set(this.key, { read_since_us: this.since ?? 0 });
    this.unwritten = true;
  }

  /**
   * Two journald sources may read one entry (one for a unit with labels of
   * its own, one for every unit): with the same id, `j:<cursor>`, ingest
   * kept whichever came first. As with a file two sources read
   * (shared-files.ts), the first of them in the config ships the plain ids
   * and the others put their name in theirs, `j:<cursor>~<source>`; decided
   * once and kept in the checkpoint, so that reordering does not change it.
   * A source an earlier agent positioned that now carries its name keeps
   * the plain ids for what that agent can have sent (`plain_ids_through`).
   */
  private decideIdSource(): string {
    const saved = this.ctx.checkpoints.get(this.key);
    if (saved?.id_source !== undefined) return saved.id_source;
    let shared = (this.ctx.earlier?.length ?? 0) > 0;
    if (!shared && saved === undefined) {
      shared = (this.ctx.others ?? []).some((o) => {
        const other = this.ctx.checkpoints.get(`${o}:journald`);
        return other !== undefined && (other.id_source ?? '') === '';
      });
    }
    const idSource = shared ? this.name : '';
    this.ctx.checkpoints.set(this.key, { id_source: idSource, ...(shared && saved !== undefined ? { plain_ids_through: null } : {}) });
    return idSource;
  }

  /** The journalctl arguments for the current position. */
  args(): string[] {
    const args = ['-o', 'json', '--follow', '--no-pager'];
    // --follow alone shows only the last 10 entries, even after a cursor.
    if (this.skipCursor) args.push(`--cursor=${this.skipCursor}`, '--no-tail');
    else if (this.lastCursor) args.push(`--after-cursor=${this.lastCursor}`, '--no-tail');
    else if (this.atEnd) args.push('--lines=0');
    else args.push('--no-tail', ...(this.since !== null ? [sinceArg(this.since)] : []));
    if (this.config.directory) args.push(`--directory=${this.config.directory}`);
    for (const u of this.config.units) args.push(`--unit=${u}`);
    // Not --user-unit: journalctl adds `_UID=<its own uid>` to it, and the
    // agent does not run as the user whose units it reads.
    for (const u of this.config.user_units) args.push(`_SYSTEMD_USER_UNIT=${u}`);
    args.push(...this.config.matches);
    return args;
  }

  collectMetrics(): void {
    // Its counters are kept as entries arrive; no gauges to set.
  }

  async start(): Promise<void> {
    this.loop = this.run();
    this.ctx.log.info('The journald source is following the journal.', { source: this.name, units: this.config.units, directory: this.config.directory });
    if (this.machineId === null && this.config.directory !== undefined && this.ctx.notices.first('no-machine-id', this.name)) {
      // A containerized agent reading its host's mounted journal: say why its entries carry the host's _HOSTNAME, not host:.
      this.ctx.log.info('This machine has no machine id (/etc/machine-id): entries of the directory\'s journal keep their _HOSTNAME as host; '
        + 'an agent in a container reading its host\'s journal needs the host\'s /etc/machine-id (mounted read-only) for host: to apply.', { source: this.name, directory: this.config.directory });
    }
    if (this.lastCursor === undefined && this.config.start_position === 'beginning' && this.since !== null && this.firstSeen) {
      // A first start: say where it reads from, so that no one looks for the older entries on the server.
      this.ctx.log.info('No checkpoint yet: the journal is read from max_age_s ago; older entries are not shipped.', {
        source: this.name, since: new Date(this.since / 1000).toISOString(), max_age_s: this.config.max_age_s,
      });
    } else if (this.lastCursor === undefined && !this.firstSeen) {
      this.ctx.log.info('No entry acknowledged yet: the journal is read from where it was read when the source was first seen.', {
        source: this.name, since: this.since === null ? 'the first entry' : new Date(this.since / 1000).toISOString(),
      });
    }
  }

  async stop(): Promise<Map<string, number | string>> {
    this.stopped = true;
    this.abort.abort();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await this.loop;
    return new Map(this.lastCursor ? [[this.key, this.lastCursor]] : []);
  }

  private async run(): Promise<void> {
    const backoff = new Backoff(500, 30_000);
    while (!this.stopped) {
      if (!(await this.directoryReady())) break;
      const startedAt = Date.now();
      this.exitSignal = null;
      const reason = (await this.journalIdBound()) ?? (await this.writePositions()) ?? (await this.runOnce());
      if (this.stopped || this.ctx.sink.closing) break;
      // A journalctl that ran for a while before exiting starts over quickly.
      if (Date.now() - startedAt > 10_000) backoff.reset();
      const delay = backoff.next();
      if (this.exitSignal !== null) {
        // Ended by a signal: systemd's stop (KillMode=control-group) signals
        // journalctl with the agent, and its exit may be seen before the
        // agent's own SIGTERM starts the stop. Judged after the restart's
        // delay: a stop begun by then is no failure (it warned at every stop).
        await sleep(delay, this.abort.signal);
        if (this.stopped || this.ctx.sink.closing) break;
      }
      const e = agentError('LS_AGENT_JOURNALCTL_FAILED', reason + (/insufficient permissions|permission denied/i.test(reason) ? journalAccessAdvice() : ''));
      this.failure = e.message;
      // Said once per reason, not at every restart (every 30 s at most, forever, for a lasting one);
      // /health says it as long as it lasts.
      if (e.message !== this.saidFailure) this.ctx.log.warn(e.message, { code: e.code, source: this.name, retry_in_ms: delay });
      else this.ctx.log.debug(e.message, { code: e.code, source: this.name, retry_in_ms: delay });
      this.saidFailure = e.message;
      this.ctx.metrics.inc(...M.journalctlRestarts, { source: this.name });
      if (this.exitSignal === null) await sleep(delay, this.abort.signal);
    }
  }

  /**
   * Waits while the source's `directory:` is missing or holds no journal
   * file, where journalctl would exit at once (journal-directory.ts): as an
   * include's folder not made yet, it is no failure (/health stays 200 and
   * lists it under `waiting`); said once, with the folder, and looked at
   * every second. A folder that appears while the agent runs holds
   * entries no agent read: with no checkpoint they are read from the first
   * (the folder is new, not a journal's years). False: stopped meanwhile.
   */
  private async directoryReady(): Promise<boolean> {
    const dir = this.config.directory;
    if (dir === undefined) return true;
    for (;;) {
      const state = await journalDirectoryState(dir);
      if (this.stopped) return false;
      if (state === 'ready') break;
      const why = journalDirectoryWait(dir, state);
      // One warning a wait (the folder made, still without a journal file, is the same wait).
      if (this.waiting === null) this.ctx.log.warn(`The journald source waits: ${why}.`, { source: this.name, directory: dir });
      else if (why !== this.waiting) this.ctx.log.debug(`The journald source waits: ${why}.`, { source: this.name, directory: dir });
      this.waiting = why;
      this.failure = null;
      await sleep(1000, this.abort.signal);
      if (this.stopped) return false;
    }
    if (this.waiting !== null) {
      this.waiting = null;
      if (this.lastCursor === undefined) {
        // Kept in the checkpoint: a restart before an entry is acknowledged reads the folder from its first entry too.
        this.appeared = true;
        this.atEnd = false;
        this.since = null;
        this.recordSince();
      }
      this.ctx.log.info('The journald source\'s directory holds a journal now; it is followed.', { source: this.name, directory: dir, from_first_entry: this.appeared });
    }
    return true;
  }

  /**
   * A cursor checkpointed by an earlier agent: that agent may have sent
   * entries past it (batches in flight or spooled when it stopped), under
   * `j:<cursor>` as it was (and without the source's name, plain_ids_through).
   * Read again, they must keep that id, or ingest
   * would store them twice. It was stopped before this agent started, so it
   * read nothing after the journal's last entry now: that entry is the
   * bound, asked of journalctl once, and written durably before any entry
   * is sent. Resolves with why it failed (journalctl's failures are
   * retried like the follow's), or undefined.
   */
  private async journalIdBound(): Promise<string | undefined> {
    if (this.idBoundKnown) return undefined;
    const saved = this.ctx.checkpoints.get(this.key);
    if (saved?.legacy_ids_through === null || saved?.plain_ids_through === null) {
      const args = ['-o', 'json', '--lines=1', '--no-pager'];
      if (this.config.directory) args.push(`--directory=${this.config.directory}`);
      let last: string;
      try {
        const out = await runToEnd(this.config.journalctl_path, args, this.abort.signal);
        last = out.trim() === '' ? '' : String((JSON.parse(out.trim().split('\n').pop()!) as { __CURSOR?: unknown }).__CURSOR ?? '');
      } catch (err) {
        // Ended by a signal (systemd's stop reaches this journalctl too): judged as the follow's is (run()).
        this.exitSignal = (err as { signal?: NodeJS.Signals }).signal ?? null;
        return `the journal's last entry could not be read: ${(err as Error).message}`;
      }
      this.ctx.checkpoints.set(this.key, { ...(saved.legacy_ids_through === null ? { legacy_ids_through: last } : {}), ...(saved.plain_ids_through === null ? { plain_ids_through: last } : {}) });
      this.unwritten = true;
      this.ctx.log.info('Entries an earlier agent may have sent keep the event ids it gave them.', { source: this.name, through: last });
    }
    const failed = await this.writePositions();
    if (failed !== undefined) return failed;
    this.legacyThrough = cursorOrder(this.ctx.checkpoints.get(this.key)?.legacy_ids_through ?? '');
    this.plainThrough = cursorOrder(this.ctx.checkpoints.get(this.key)?.plain_ids_through ?? '');
    this.idBoundKnown = true;
    return undefined;
  }

  /** Writes the positions set and not yet durable (ids' bounds, read_since_us); resolves with why it failed, or undefined. */
  private async writePositions(): Promise<string | undefined> {
    if (!this.unwritten) return undefined;
    try {
      await this.ctx.checkpoints.flush();
    } catch (err) {
      return `the checkpoint could not be written: ${String(err)}`;
    }
    this.unwritten = false;
    return undefined;
  }

  /** Runs journalctl until it exits; resolves with why it ended. */
  private runOnce(): Promise<string> {
    return new Promise((resolve) => {
      let child: ChildProcess;
      try {
        child = spawn(this.config.journalctl_path, this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (err) {
        resolve((err as Error).message);
        return;
      }
      this.child = child;
      // Only the first journalctl starts at the end: one started again reads from that start's time (read_since_us).
      this.atEnd = false;
      let stderr = '';
      let settled = false;
      const done = (why: string): void => { if (!settled) { settled = true; this.child = null; resolve(why); } };
      child.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ENOENT' ? `${this.config.journalctl_path} was not found` : err.message));
      child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
      const lines = child.stdout!.pipe(split2());
      lines.on('data', (line: string) => {
        this.onLine(line);
        if (this.ctx.sink.blocked) {
          lines.pause();
          void this.ctx.sink.waitForRoom().then(() => lines.resume());
        }
      });
      // Exit only after stdout is drained, or the last entries would be lost.
      let exitInfo: string | null = null;
      let ended = false;
      const finish = (): void => { if (exitInfo !== null && ended) done(exitInfo); };
      lines.on('end', () => { ended = true; finish(); });
      child.on('exit', (code, signal) => {
        this.exitSignal = signal;
        exitInfo = `journalctl exited with ${signal ?? `code ${code}`}${stderr.trim() ? `: ${stderr.trim()}` : ''}`;
        finish();
      });
    });
  }

  /**
   * The agent's host for this machine's entries; an entry written on another
   * machine (`_MACHINE_ID` not this one's: the files systemd-journal-remote
   * collects from a fleet, read with `directory:`) is that machine's, by its
   * `_HOSTNAME`. Every such entry was stamped with the collector's name, so
   * `host:web-1` found none of web-1's lines. Without a machine id of its
   * own (a container without /etc/machine-id) the agent cannot tell: every
   * entry was taken for another machine's, and the local journal's entries
   * got `_HOSTNAME` instead of `host:`. The local journal is this
   * machine's (journalctl reads only this machine's files without
   * --directory), so there `host:` applies; a `directory:` source's entries
   * keep their `_HOSTNAME`, what such files are for.
   */
  private hostOf(entry: Record<string, unknown>): string {
    const machine = entry._MACHINE_ID;
    const hostname = entry._HOSTNAME;
    if (typeof machine !== 'string' || typeof hostname !== 'string' || hostname === '') return this.ctx.host;
    const another = this.machineId !== null ? machine !== this.machineId : this.config.directory !== undefined;
    return another ? hostname : this.ctx.host;
  }

  private eventId(cursor: string): string {
    const id = journalEventId(cursor, this.legacyThrough);
    if (this.idSource === '') return id;
    const order = this.plainThrough !== null ? cursorOrder(cursor) : null;
    return order !== null && cursorAtOrBefore(order, this.plainThrough!) ? id : `${id}~${this.idSource}`;
  }

  private onLine(line: string): void {
    if (line.length === 0) return;
    // What journalctl printed, newline included: the source's read rate on a dashboard (it read 0 for ever).
    this.ctx.metrics.inc(...M.bytesRead, { source: this.name }, Buffer.byteLength(line) + 1);
    this.failure = null;
    if (this.saidFailure !== null) {
      this.saidFailure = null;
      this.ctx.log.info('journalctl reads the journal again.', { source: this.name });
    }
    let cursor: unknown;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
      cursor = entry.__CURSOR;
    } catch {
      this.ctx.log.warn('journalctl printed a line that is not JSON; it is skipped.', { source: this.name, line: line.slice(0, 200) });
      return;
    }
    if (typeof cursor !== 'string') return;
    if (this.skipCursor !== undefined) {
      const skip = cursor === this.skipCursor;
      this.skipCursor = undefined;
      if (skip) return;
    }
    this.ctx.metrics.inc(...M.linesRead, { source: this.name });
    this.lastCursor = cursor;
    // include_lines / exclude_lines test the entry's MESSAGE, the line the unit printed.
    if (this.lineFilter && !this.lineFilter.keeps(entryMessage(entry.MESSAGE))) {
      this.ctx.metrics.inc(...M.eventsFilteredOut, { source: this.name });
      this.ctx.sink.skip(this.key, { cursor, filter: this.filter });
      return;
    }
    const envelope = { '@raw': line, 'event.id': this.eventId(cursor), host: this.hostOf(entry), source: 'journald', ...entryFields(entry), ...this.config.labels };
    this.ctx.sink.emit(JSON.stringify(envelope), this.name, this.key, { cursor, filter: this.filter });
  }
}

/** Who the agent runs as, and what lets it read the journal. */
function journalAccessAdvice(): string {
  let user = '';
  try {
    user = `user ${userInfo().username} `;
  } catch {
    // A uid without a passwd entry: the uid alone.
  }
  return `; the agent runs as ${user}(uid ${process.getuid?.() ?? '?'}), which must be in the systemd-journal group (or adm) to read the journal:`
    + ' SupplementaryGroups=systemd-journal in its systemd unit';
}

/**
 * Runs a command to its end: its stdout, or an error with its stderr and
 * `signal`, the signal that ended it. Ended (SIGTERM) when `abort` fires:
 * the agent's stop does not wait for it.
 */
function runToEnd(command: string, args: string[], abort: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 16 * 1024 * 1024, signal: abort }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const e = new Error(code === 'ENOENT' ? `${command} was not found` : `${err.message.split('\n')[0]}${stderr.trim() ? `: ${stderr.trim().slice(-500)}` : ''}`);
        reject(Object.assign(e, { signal: (err as { signal?: NodeJS.Signals | null }).signal ?? null }));
      } else resolve(stdout);
    });
  });
}
