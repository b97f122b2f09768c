import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { agentError } from './errors.js';
import type { Logger } from './log.js';
import type { Position } from './batcher.js';
import { writeFileDurably } from './durable-write.js';
import { renamedKeys } from './source-renames.js';

/**
 * The delivery queue. The first `memory_batches` waiting batches stay in
 * memory; the rest go to disk (one file per batch, temp → fsync → rename),
 * so an outage of ingest costs disk, bounded by `max_bytes`, not memory.
 * At the cap the policy decides: `block` makes `push` wait (sources stop
 * reading, nothing is lost), `drop_oldest` deletes the oldest spooled batch
 * and counts its events.
 *
 *   push ─► [mem][mem][mem][mem][disk][disk]… ─► head() ─► shipper ─► remove()
 */
export interface SpoolEntry {
  readonly seq: number;
  /** Set on the halves of a split batch (`-1`, `-2`, `-1-2`…): keeps file names in order. */
  readonly part?: string;
  readonly count: number;
  readonly positions: Record<string, Position>;
  /** Source name → number of its events in the batch. */
  readonly sources: Record<string, number>;
  /** Gzipped NDJSON body when held in memory. */
  body: Buffer | null;
  /** Path when spooled to disk. */
  file: string | null;
  /** Bytes on disk when spooled (header + body), else the body's length. */
  size: number;
}

/** Written by a clean stop (persist), removed at start. */
const CLEAN_MARKER = 'clean-stop';

export interface SpoolOptions {
  max_bytes: number;
  when_full: 'block' | 'drop_oldest';
  memory_batches: number;
}

interface Header {
  v: 1;
  count: number;
  positions: Record<string, Position>;
  sources?: Record<string, number>;
}

export class Spool {
  private readonly entries: SpoolEntry[] = [];
  private seq = 0;
  private diskBytesValue = 0;
  private inFlight: SpoolEntry | null = null;
  private waiters: Array<() => void> = [];
  droppedEvents = 0;
  /** Batches that could not be written to disk and were kept in memory instead. */
  writeFailures = 0;
  /** The last write to disk failed: sources should pause (see keepInMemory). */
  writeFailing = false;
  /** Called when a batch leaves the queue (room for paused sources). */
  onRoom: () => void = () => undefined;
  private closing = false;
  /** Spooled batches whose positions were renamed since their file was written (renameSources). */
  private readonly staleHeaders = new Set<SpoolEntry>();
  private renames = 0;
  /** Batches numbered up to this were left on disk by a run that did not stop cleanly (-1: none). */
  private replayThrough = -1;

  private constructor(
    readonly dir: string,
    private options: SpoolOptions,
    private readonly log: Logger,
    /** Called for dropped batches so their positions count as handled. */
    private readonly onDrop: (entry: SpoolEntry) => void,
  ) {}

  static async open(dir: string, options: SpoolOptions, log: Logger, onDrop: (entry: SpoolEntry) => void): Promise<Spool> {
    await fsp.mkdir(dir, { recursive: true });
    const spool = new Spool(dir, options, log, onDrop);
    const names = (await fsp.readdir(dir)).filter((n) => /^\d{16}(-\d+)*\.batch$/.test(n)).sort();
    for (const name of names) {
      const file = join(dir, name);
      try {
        const data = await fsp.readFile(file);
        const nl = data.indexOf(10);
        if (nl < 0) throw new Error('no header');
        const header = JSON.parse(data.subarray(0, nl).toString('utf8')) as Header;
        if (header.v !== 1 || typeof header.positions !== 'object' || !Number.isInteger(header.count)) throw new Error('bad header');
        const seq = Number(name.slice(0, 16));
        const part = name.slice(16, -'.batch'.length);
        spool.entries.push({ seq, ...(part ? { part } : {}), count: header.count, positions: header.positions, sources: header.sources ?? {}, body: null, file, size: data.length });
        spool.diskBytesValue += data.length;
        spool.seq = Math.max(spool.seq, seq + 1);
      } catch (err) {
        const e = agentError('LS_AGENT_SPOOL_CORRUPT', file, (err as Error).message);
        log.error(e.message, { code: e.code });
        await fsp.rename(file, `${file}.corrupt`).catch(() => undefined);
      }
    }
    // Leftover temp files are batches whose write never completed.
    for (const n of (await fsp.readdir(dir)).filter((n) => n.endsWith('.tmp'))) await fsp.rm(join(dir, n), { force: true });
    // After a crash, batches that were only in memory are gone, and they
    // may be older than spooled ones: were a spooled batch to move the
    // checkpoint, the lost lines before it would never be read again. So
    // the spooled batches of a run that did not stop cleanly are delivered
    // without moving checkpoints; sources read again from the checkpoint
    // (ingest drops the duplicates by event id).
    const marker = join(dir, CLEAN_MARKER);
    const clean = await fsp.rm(marker).then(() => true, () => false);
    if (!clean) for (const e of spool.entries) (e as { positions: Record<string, Position> }).positions = {};
    if (!clean) spool.replayThrough = spool.seq - 1;
    if (spool.entries.length > 0) log.info('Spooled batches from a previous run will be delivered first.', { batches: spool.entries.length, bytes: spool.diskBytesValue, clean_stop: clean });
    return spool;
  }

  /**
   * Whether batches a crashed run left on disk are still queued: they may
   * bring back lines that run held aside (it was killed before their batch
   * left the queue), HeldLines.giveUp.
   */
  get replaying(): boolean {
    return this.entries.some((e) => e.seq <= this.replayThrough);
  }

  setOptions(options: SpoolOptions): void {
    this.options = options;
    this.wake();
  }

  get diskBytes(): number {
    return this.diskBytesValue;
  }

  get length(): number {
    return this.entries.length;
  }

  /** Queues a batch; with `block` it resolves only once there is room. */
  async push(body: Buffer, count: number, positions: Record<string, Position>, sources: Record<string, number> = {}): Promise<void> {
    const seq = this.seq++;
    const memCount = this.entries.filter((e) => e.body !== null && e !== this.inFlight).length;
    if (memCount < this.options.memory_batches && this.entries.every((e) => e.file === null || e === this.inFlight)) {
      this.entries.push({ seq, count, positions, sources, body, file: null, size: body.length });
      this.wake();
      return;
    }
    let header = Buffer.from(JSON.stringify({ v: 1, count, positions, sources } satisfies Header) + '\n');
    const renames = this.renames;
    let size = header.length + body.length;
    while (this.diskBytesValue + size > this.options.max_bytes) {
      if (this.options.when_full === 'drop_oldest') {
        const victim = this.entries.find((e) => e.file !== null && e !== this.inFlight);
        if (!victim) {
          // Nothing spooled to drop: this batch itself does not fit.
          this.droppedEvents += count;
          this.onDrop({ seq, count, positions, sources, body: null, file: null, size });
          return;
        }
        this.entries.splice(this.entries.indexOf(victim), 1);
        await this.deleteFile(victim);
        this.droppedEvents += victim.count;
        this.log.warn('The spool is full; the oldest spooled batch was dropped.', { events: victim.count });
        this.onDrop(victim);
      } else {
        if (this.closing) {
          // Stopping with a full spool: not queued, not checkpointed, so the
          // lines are read again at the next start.
          this.log.info('The spool is full while stopping; a batch is left to be read again at the next start.', { events: count });
          return;
        }
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    }
    if (renames !== this.renames) {
      // Sources were renamed while this batch waited for room: its positions were (Agent.adoptRenames).
      header = Buffer.from(JSON.stringify({ v: 1, count, positions, sources } satisfies Header) + '\n');
      size = header.length + body.length;
    }
    const file = join(this.dir, `${String(seq).padStart(16, '0')}.batch`);
    try {
      await writeFileDurably(file, [header, body]);
    } catch (err) {
      this.keepInMemory({ seq, count, positions, sources, body, file: null, size: body.length }, err);
      return;
    }
    if (this.writeFailing) {
      this.writeFailing = false;
      this.log.info('Batches are spooled to disk again.', { dir: this.dir });
    }
    this.diskBytesValue += size;
    // Keep FIFO order: entries are sorted by seq (a blocked push may finish late).
    this.insert({ seq, count, positions, sources, body: null, file, size });
    this.wake();
  }

  /**
   * A batch that could not be written to disk (ENOSPC on a full disk, EIO)
   * stays in memory, in order, and `writeFailing` holds reading back until a
   * batch is delivered and frees memory: the batch is never lost, so later
   * acknowledgements cannot move a checkpoint past lines not delivered.
   */
  private keepInMemory(entry: SpoolEntry, err: unknown): void {
    this.writeFailures++;
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    if (!this.writeFailing) {
      this.log.warn('A batch could not be spooled to disk; it is kept in memory and reading pauses until ingest takes a batch.', { dir: this.dir, error: code, events: entry.count });
    } else {
      this.log.debug('A batch could not be spooled to disk; it is kept in memory.', { error: code, events: entry.count });
    }
    this.writeFailing = true;
    this.insert(entry);
    this.wake();
  }

  private insert(entry: SpoolEntry): void {
    const at = this.entries.findIndex((e) => e.seq > entry.seq);
    if (at < 0) this.entries.push(entry);
    else this.entries.splice(at, 0, entry);
  }

  /**
   * Sources renamed (old name → new, source-renames.ts): the positions of
   * queued batches move to the new names, so that their acknowledgement
   * moves the renamed source's checkpoint. Changed in place (the batch in
   * flight included); a batch's file gets its new header when a stop
   * persists the queue: a crash discards spooled positions anyway.
   */
  renameSources(renames: ReadonlyMap<string, string>): void {
    this.renames++;
    for (const e of this.entries) {
      replaceContents(e.positions, renamedKeys(e.positions, renames));
      replaceContents(e.sources, renamedKeys(e.sources, renames, (name) => name));
      if (e.file !== null) this.staleHeaders.add(e);
    }
  }

  /** Stop waiting for room: blocked pushes give up (see Agent.stop). */
  close(): void {
    this.closing = true;
    this.wake();
  }

  /** The oldest batch, waiting for one when the queue is empty. */
  async head(signal?: AbortSignal): Promise<SpoolEntry | null> {
    while (this.entries.length === 0) {
      if (signal?.aborted) return null;
      // The abort listener is removed after each wait: an agent that waits
      // for batches all day must not pile up listeners.
      await new Promise<void>((resolve) => {
        const onAbort = (): void => resolve();
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    this.inFlight = this.entries[0]!;
    return this.inFlight;
  }

  async body(entry: SpoolEntry): Promise<Buffer> {
    if (entry.body) return entry.body;
    const data = await fsp.readFile(entry.file!);
    return data.subarray(data.indexOf(10) + 1);
  }

  /**
   * Replaces the batch at the head with smaller ones (ingest said 413), kept
   * in memory and delivered first, in order.
   */
  async splitHead(entry: SpoolEntry, parts: Array<{ body: Buffer; count: number; positions: Record<string, Position>; sources: Record<string, number> }>): Promise<void> {
    const i = this.entries.indexOf(entry);
    if (i < 0) return;
    this.entries.splice(i, 1, ...parts.map((p, k): SpoolEntry => ({
      seq: entry.seq, part: `${entry.part ?? ''}-${k + 1}`, count: p.count, positions: p.positions, sources: p.sources,
      body: p.body, file: null, size: p.body.length,
    })));
    if (this.inFlight === entry) this.inFlight = null;
    await this.deleteFile(entry);
    this.wake();
  }

  /** Removes a delivered (or permanently rejected) batch. */
  async remove(entry: SpoolEntry): Promise<void> {
    const i = this.entries.indexOf(entry);
    if (i >= 0) this.entries.splice(i, 1);
    if (this.inFlight === entry) this.inFlight = null;
    await this.deleteFile(entry);
    // Memory (and perhaps disk) was freed: the next batch tries the disk again.
    this.writeFailing = false;
    this.wake();
    this.onRoom();
  }

  /**
   * On shutdown, writes batches still in memory to disk so that they survive
   * even if their source file is gone by the next start.
   */
  async persist(): Promise<void> {
    let failed = false;
    for (const e of this.entries) {
      if (failed) {
        // Delivered at the next start, a later batch would move checkpoints
        // past the lost one: it is given up too and read again from its file.
        await this.deleteFile(e);
        continue;
      }
      if (e.file !== null && this.staleHeaders.has(e)) {
        await this.rewriteHeader(e).catch((err: unknown) => {
          // Its old header names the old source: acknowledged at the next start, it would not move the renamed one's checkpoint,
          // which then reads its lines again (under the same ids: ingest drops them).
          this.log.debug('A spooled batch could not be given its renamed positions.', { file: e.file, error: String(err) });
        });
      }
      if (e.file !== null || e.body === null) continue;
      const header = Buffer.from(JSON.stringify({ v: 1, count: e.count, positions: e.positions, sources: e.sources } satisfies Header) + '\n');
      const file = join(this.dir, `${String(e.seq).padStart(16, '0')}${e.part ?? ''}.batch`);
      try {
        await writeFileDurably(file, [header, e.body]);
      } catch (err) {
        // Not checkpointed either: its lines are read again at the next start.
        this.log.warn('A batch could not be spooled to disk at shutdown; its lines and those of later batches will be read again at the next start.', { error: (err as NodeJS.ErrnoException).code ?? String(err), events: e.count });
        failed = true;
        continue;
      }
      e.file = file;
      e.size = header.length + e.body.length;
      this.diskBytesValue += e.size;
    }
    // Every batch of this run that is not on disk now was delivered or given
    // up with the ones after it: the next start may let them move checkpoints.
    await writeFileDurably(join(this.dir, CLEAN_MARKER), '').catch(() => undefined);
  }

  private async rewriteHeader(e: SpoolEntry): Promise<void> {
    const body = await this.body(e);
    const header = Buffer.from(JSON.stringify({ v: 1, count: e.count, positions: e.positions, sources: e.sources } satisfies Header) + '\n');
    await writeFileDurably(e.file!, [header, body]);
    this.staleHeaders.delete(e);
    this.diskBytesValue += header.length + body.length - e.size;
    e.size = header.length + body.length;
  }

  private async deleteFile(entry: SpoolEntry): Promise<void> {
    this.staleHeaders.delete(entry);
    if (entry.file === null) return;
    await fsp.rm(entry.file, { force: true });
    this.diskBytesValue -= entry.size;
    entry.file = null;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }
}

/** Makes `target` hold exactly `source`'s keys and values (objects shared by a batch and its queue entry). */
export function replaceContents<T>(target: Record<string, T>, source: Readonly<Record<string, T>>): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, source);
}
