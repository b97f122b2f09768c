import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import { Backoff } from './backoff.js';
import type { Position } from './batcher.js';
import { writeFileDurably } from './durable-write.js';
import { agentError } from './errors.js';
import { eventIdOf, lineSources, sourcesLess } from './line-sources.js';
import type { Logger } from './log.js';
import { attributeHeld, staleSources } from './held-sources.js';
import { renamedKeys } from './source-renames.js';

/**
 * Lines ingest answered `retryable` (their day's partition on the server
 * cannot take writes: a damaged file, docs/WIRE.md), held aside so that
 * later batches keep shipping while they are sent again with backoff
 * (held-retrier.ts): one batch per attempt, the one tried longest ago, and
 * one backoff for all of them, so that thousands of held batches of a day
 * that stays damaged for hours cost one request per backoff, not thousands. Each held batch is a file in the spool directory,
 * `<seq><part>.held` (a header line as spooled batches have, then the gzipped
 * lines), written durably before the batch leaves the queue, so a crash
 * loses none of them; their ids are the lines' event ids, so sending one
 * twice stores it once.
 *
 * The held file is the record of its lines: once it is durable, its batch is
 * acknowledged as any other and the checkpoint moves past them, so a restart
 * reads on after them instead of sending every later line of the file again
 * (it used to stay before the oldest held line). The checkpoint is written
 * ~100 ms later and records the number of the last held file it covers
 * (`held_through`): a held file numbered past it was durable when a crash
 * came before the checkpoint, and a restart moves the checkpoint to its
 * positions (reconcile-held.ts) rather than reading its lines again, which sent
 * the batch's other lines twice and held its lines anew, with a fresh age,
 * if they had been given up meanwhile.
 * What is held is bounded (spool.max_held_events, spool.max_held_bytes):
 * past the bound the shipper waits for the lines at the head of the queue,
 * as it did before lines were held, and says so. Lines held longer than
 * spool.max_held_age_s (when set) are given up (held-retrier.ts).
 */
export interface HeldBatch {
  /** The file name. */
  readonly id: string;
  /** The number in its name: held files are numbered in the order they are held, across restarts. */
  readonly number: number;
  count: number;
  readonly positions: Record<string, Position>;
  /** The file's size (header + gzipped lines). */
  size: number;
  /** The event ids of its lines: lines read again after a restart are not held twice. */
  ids: string[];
  /** Source name → its held lines (counted as shipped when ingest takes them). */
  sources: Record<string, number>;
  readonly sinceMs: number;
  /** When it was last sent (0: never): the one tried longest ago goes next. */
  triedMs: number;
}

export interface HeldLimits {
  max_held_events: number;
  max_held_bytes: number;
  /** Lines held longer are given up (0: never): a day the server lost for good. */
  max_held_age_s: number;
}

interface Header {
  v: 1;
  count: number;
  positions: Record<string, Position>;
  sources?: Record<string, number>;
  since_ms?: number;
}

const NAME = /^\d{16}\.held$/;
const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

async function linesOf(body: Buffer): Promise<string[]> {
  return (await gunzip(body)).toString('utf8').split('\n').filter((l) => l.length > 0);
}

export class HeldLines {
  private readonly batches: HeldBatch[] = [];
  private readonly ids = new Set<string>();
  /** Ids of lines given up while batches a crashed run left may bring them back (giveUp). */
  private readonly givenUp = new Set<string>();
  /** Whether such batches are still queued (Spool.replaying; set by the agent). */
  mayComeBack: () => boolean = () => false;
  private nextNumber = 0;
  private backoff: Backoff;
  /** When the next held batch may be sent. */
  private dueMs = 0;
  private waiters: Array<() => void> = [];
  /** The bound was reached and the shipper waits for the head's lines (told once per episode). */
  limitReached = false;

  private constructor(
    private readonly dir: string,
    private limits: HeldLimits,
    retry: { initial_backoff_ms: number; max_backoff_ms: number },
    private readonly log: Logger,
  ) {
    this.backoff = new Backoff(retry.initial_backoff_ms, retry.max_backoff_ms);
  }

  /**
   * Loads the held batches a previous run left. `firstNumber`: the least
   * number a new held file may get (past the checkpoint's `held_through`,
   * which must not cover a file held later).
   */
  static async open(dir: string, limits: HeldLimits, retry: { initial_backoff_ms: number; max_backoff_ms: number }, log: Logger, firstNumber = 0): Promise<HeldLines> {
    await fsp.mkdir(dir, { recursive: true });
    const held = new HeldLines(dir, limits, retry, log);
    held.nextNumber = firstNumber;
    for (const name of (await fsp.readdir(dir)).filter((n) => NAME.test(n)).sort()) {
      const file = join(dir, name);
      try {
        const data = await fsp.readFile(file);
        const nl = data.indexOf(10);
        const header = JSON.parse(data.subarray(0, Math.max(0, nl)).toString('utf8')) as Header;
        if (nl < 0 || header.v !== 1 || !Number.isInteger(header.count) || typeof header.positions !== 'object') throw new Error('bad header');
        held.nextNumber = Math.max(held.nextNumber, Number(name.slice(0, 16)) + 1);
        const ids = (await linesOf(data.subarray(nl + 1))).map(eventIdOf).filter((id): id is string => id !== null);
        held.register(name, header.count, header.positions, header.sources ?? {}, data.length, header.since_ms ?? Date.now(), ids);
      } catch (err) {
        const e = agentError('LS_AGENT_SPOOL_CORRUPT', file, (err as Error).message);
        log.error(e.message, { code: e.code });
        await fsp.rename(file, `${file}.corrupt`).catch(() => undefined);
      }
    }
    if (held.batches.length > 0) log.warn('Lines ingest could not store for now are held from a previous run; they are sent again with backoff.', { lines: held.lines, batches: held.batches.length });
    return held;
  }

  setOptions(limits: HeldLimits, retry: { initial_backoff_ms: number; max_backoff_ms: number }): void {
    this.limits = limits;
    this.backoff = new Backoff(retry.initial_backoff_ms, retry.max_backoff_ms);
    // A lowered spool.max_held_age_s drops what is older now, not at the next attempt.
    this.wake();
  }

  get maxAgeS(): number {
    return this.limits.max_held_age_s;
  }

  get lines(): number {
    return this.batches.reduce((n, b) => n + b.count, 0);
  }

  get bytes(): number {
    return this.batches.reduce((n, b) => n + b.size, 0);
  }

  get length(): number {
    return this.batches.length;
  }

  /** When the oldest held line was first refused (null when none is held). */
  get oldestSinceMs(): number | null {
    return this.batches.reduce<number | null>((min, b) => (min === null || b.sinceMs < min ? b.sinceMs : min), null);
  }

  /** The held batches in the order they were held. */
  get all(): readonly HeldBatch[] {
    return this.batches;
  }

  /**
   * Holds `lines` with the positions of the batch they came from: 'held',
   * with the held file's number (the checkpoint records it with the
   * positions). 'already' when every line is held already, or was given up
   * (sent again from a spooled batch after a crash, same event ids). Either way the lines are
   * in a durable file when this resolves, and the batch may be acknowledged
   * (its positions checkpointed). 'full' when they
   * do not fit the bound or cannot be written: the caller keeps them at the
   * head of the queue and waits, as before. `batchSources` are the batch's
   * events per source, of which the held lines' are kept (line-sources.ts).
   */
  async add(all: readonly string[], positions: Record<string, Position>, batchSources: Readonly<Record<string, number>>): Promise<{ kind: 'held'; number: number } | { kind: 'already' | 'full' }> {
    if (this.givenUp.size > 0 && !this.mayComeBack()) this.givenUp.clear();
    const lines = all.filter((l) => !this.ids.has(eventIdOf(l) ?? '') && !this.givenUp.has(eventIdOf(l) ?? ''));
    if (lines.length === 0) return { kind: 'already' };
    const count = lines.length;
    const sources = lineSources(lines, positions, batchSources);
    const body = await gzip(lines.join('\n') + '\n', { level: 3 });
    const since = Date.now();
    const header = Buffer.from(JSON.stringify({ v: 1, count, positions, sources, since_ms: since } satisfies Header) + '\n');
    const size = header.length + body.length;
    if (this.lines + count > this.limits.max_held_events || this.bytes + size > this.limits.max_held_bytes) {
      if (!this.limitReached) {
        this.limitReached = true;
        this.log.warn('Too many lines are held for ingest to take later (spool.max_held_events, spool.max_held_bytes); shipping waits for them, as if none were held aside, until ingest takes them.', { held_lines: this.lines, held_bytes: this.bytes, lines: count });
      }
      return { kind: 'full' };
    }
    // Numbered in the order they are held (not by the spool's batch numbers, which start
    // again after a restart): a restart loads them in that order.
    const name = `${String(this.nextNumber).padStart(16, '0')}.held`;
    try {
      await writeFileDurably(join(this.dir, name), [header, body]);
    } catch (err) {
      this.log.warn('Lines to hold aside could not be written to the spool directory; shipping waits for them.', { error: (err as NodeJS.ErrnoException).code ?? String(err), lines: count });
      return { kind: 'full' };
    }
    const number = this.nextNumber++;
    // The first held batch waits a backoff (a day found damaged stays so a while); later ones wait their turn.
    if (this.batches.length === 0) this.dueMs = Date.now() + this.backoff.next();
    this.register(name, count, positions, sources, size, since, lines.map(eventIdOf).filter((id): id is string => id !== null));
    this.wake();
    return { kind: 'held', number };
  }

  private register(id: string, count: number, positions: Record<string, Position>, sources: Record<string, number>, size: number, sinceMs: number, ids: string[]): void {
    for (const i of ids) this.ids.add(i);
    this.batches.push({ id, number: Number(id.slice(0, 16)), count, positions, sources, size, sinceMs, triedMs: 0, ids });
  }

  async body(b: HeldBatch): Promise<Buffer> {
    const data = await fsp.readFile(join(this.dir, b.id));
    return data.subarray(data.indexOf(10) + 1);
  }

  /** The held batch to send next (the one tried longest ago) and how long to wait for it, or null. */
  next(): { batch: HeldBatch; waitMs: number } | null {
    let first: HeldBatch | null = null;
    for (const b of this.batches) if (!first || b.triedMs < first.triedMs) first = b;
    return first && { batch: first, waitMs: this.dueMs - Date.now() };
  }

  /** `b` was not taken: the next attempt (another batch's, if any) waits a longer backoff, at least `retryAfterMs`. */
  defer(b: HeldBatch, retryAfterMs?: number): number {
    b.triedMs = Date.now();
    const delay = this.backoff.next(retryAfterMs);
    this.dueMs = Date.now() + delay;
    return delay;
  }

  /** Ingest took lines of `b`: the next batch goes at once (the day may be repaired). */
  progressed(b: HeldBatch): void {
    b.triedMs = Date.now();
    this.backoff.reset();
    this.dueMs = 0;
  }

  /**
   * Ingest took some of `b`'s lines: the file keeps the others, and the
   * positions it was written with (which source each line came from,
   * line-sources.ts).
   * Returns the sources of the lines that left it (taken or refused).
   */
  async shrink(b: HeldBatch, lines: readonly string[]): Promise<Record<string, number>> {
    const sources = lineSources(lines, b.positions, b.sources);
    const body = await gzip(lines.join('\n') + '\n', { level: 3 });
    const header = Buffer.from(JSON.stringify({ v: 1, count: lines.length, positions: b.positions, sources, since_ms: b.sinceMs } satisfies Header) + '\n');
    await writeFileDurably(join(this.dir, b.id), [header, body]);
    for (const i of b.ids) this.ids.delete(i);
    b.ids = lines.map(eventIdOf).filter((id): id is string => id !== null);
    for (const i of b.ids) this.ids.add(i);
    b.count = lines.length;
    b.size = header.length + body.length;
    const left = sourcesLess(b.sources, sources);
    b.sources = sources;
    return left;
  }

  /** Held batches held longer than `spool.max_held_age_s` (none when it is 0), to give up. */
  expired(now = Date.now()): HeldBatch[] {
    const maxMs = this.limits.max_held_age_s * 1000;
    return maxMs > 0 ? this.batches.filter((b) => now - b.sinceMs >= maxMs) : [];
  }

  /** How long until the oldest held batch expires (null: none held, or no age limit). */
  get expiresInMs(): number | null {
    const since = this.oldestSinceMs;
    return since === null || this.limits.max_held_age_s <= 0 ? null : Math.max(0, since + this.limits.max_held_age_s * 1000 - Date.now());
  }

  /**
   * `b` is given up (spool.max_held_age_s): its file goes. Its lines may
   * come back in a batch a crashed run left on disk (killed after holding
   * them and before the batch left the queue; such batches are sent again at
   * start): while one is queued, they are not held again ('already': given
   * up, and not shipped), or they would be held anew with a fresh age.
   */
  async giveUp(b: HeldBatch): Promise<void> {
    if (this.mayComeBack()) for (const id of b.ids) this.givenUp.add(id);
    await this.remove(b);
  }

  /** `b` was delivered (or given up): its file goes (its positions moved when it was held). */
  async remove(b: HeldBatch): Promise<void> {
    const i = this.batches.indexOf(b);
    if (i < 0) return;
    this.batches.splice(i, 1);
    for (const id of b.ids) this.ids.delete(id);
    await fsp.rm(join(this.dir, b.id), { force: true });
    if (this.limitReached && this.lines < this.limits.max_held_events && this.bytes < this.limits.max_held_bytes) {
      this.limitReached = false;
      this.log.info('Held lines were taken by ingest; there is room to hold lines aside again.', { held_lines: this.lines });
    }
  }

  /** Sources renamed (Agent.adoptRenames): held lines are counted under the new names. */
  renameSources(renames: ReadonlyMap<string, string>): void {
    for (const b of this.batches) b.sources = renamedKeys(b.sources, renames, (name) => name);
  }

  /**
   * After a start or a reload (Agent.adoptRenames): held files whose sources
   * do not account for their lines (written by an earlier agent) or name a
   * source the config no longer has (a rename adopted by an earlier run, whose
   * files keep the old name) are counted under the sources that read their
   * files now (held-sources.ts). In memory: worked out again at each start,
   * and written with the file when it shrinks.
   */
  attribute(current: ReadonlySet<string>, checkpointKeys: ReadonlySet<string>): void {
    for (const b of this.batches) if (staleSources(b, current)) b.sources = attributeHeld(b, current, checkpointKeys);
  }

  /** Resolves when a batch is held, after `ms`, or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}
