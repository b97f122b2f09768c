import { join } from 'node:path';
import { Batcher, type Batch, type Position } from './batcher.js';
import { CheckpointStore } from './checkpoint-store.js';
import { lockDataDir } from './data-dir-lock.js';
import type { AgentConfig, FileSourceConfig, SourceConfig } from './config.js';
import type { EventSink } from './event-sink.js';
import { FileSource } from './file-source.js';
import { startHealthServer } from './health-server.js';
import { HeldLines } from './held-lines.js';
import { HeldRetrier } from './held-retrier.js';
import { JournaldSource } from './journald-source.js';
import { reconcileHeld } from './reconcile-held.js';
import type { Logger } from './log.js';
import { M, Metrics } from './metrics.js';
import { Notices } from './notices.js';
import { AGENT_VERSION } from './version.js';
import { Shipper } from './shipper.js';
import type { Source, SourceContext } from './source.js';
import { findRenames, renamedKeys, sourceOfKey, sourceSignature } from './source-renames.js';
import { replaceContents, Spool, type SpoolEntry } from './spool.js';

/**
 * The running agent: sources → batcher → spool → shipper, and the
 * checkpoints that move only when ingest acknowledges a batch.
 *
 *   FileSource ─┐                 gzip + seal          one at a time
 *   Journald  ──┼─► EventSink ─► Batcher ─► Spool ─► Shipper ─► POST /api/v1/ingest
 *               │  (blocked?)             (memory│disk)            │ 200
 *               └──────────── waitForRoom ◄──┘        CheckpointStore ◄─ positions
 */

export class Agent implements EventSink {
  readonly metrics = new Metrics();
  /** Said once per file for the agent's life, not again by the sources a reload starts (notices.ts). */
  private readonly notices = new Notices();
  private sources: Source[] = [];
  private batcher: Batcher;
  private sealing: Promise<void> = Promise.resolve();
  private pendingSeals = 0;
  /** Batches sealed and not queued yet (a rename moves their positions too). */
  private readonly sealed = new Set<Batch>();
  private roomWaiters: Array<() => void> = [];
  private shipper: Shipper;
  private readonly retrier: HeldRetrier;
  private health: { close: () => Promise<void>; port: number; listen: string } | null = null;
  private stopping: Promise<void> | null = null;

  private constructor(
    private config: AgentConfig,
    readonly checkpoints: CheckpointStore,
    readonly spool: Spool,
    readonly held: HeldLines,
    private readonly log: Logger,
  ) {
    this.batcher = new Batcher(config.batch, (b) => this.seal(b));
    this.shipper = new Shipper(config.server, config.retry, spool, (e, h) => this.acknowledged(e, h), this.metrics, log, held);
    this.retrier = new HeldRetrier(config.server, held, this.metrics, log);
    this.metrics.gauge(...M.linesHeld, () => [{ labels: {}, value: this.held.lines }]);
    this.metrics.gauge(...M.heldBytes, () => [{ labels: {}, value: this.held.bytes }]);
    this.metrics.gauge(...M.heldLimitReached, () => [{ labels: {}, value: this.held.limitReached ? 1 : 0 }]);
    this.metrics.gauge(...M.spoolBytes, () => [{ labels: {}, value: this.spool.diskBytes }]);
    this.metrics.gauge(...M.queueBatches, () => [{ labels: {}, value: this.spool.length }]);
    this.metrics.counterFrom(...M.spoolDroppedEvents, () => this.spool.droppedEvents);
    this.metrics.counterFrom(...M.spoolWriteFailures, () => this.spool.writeFailures);
    // As Promtail's promtail_build_info: which agents of a fleet run which version.
    this.metrics.gauge(...M.buildInfo, () => [{ labels: { version: AGENT_VERSION, node: process.version }, value: 1 }]);
    spool.onRoom = () => { if (!this.blocked) this.wakeRoomWaiters(); };
    held.mayComeBack = () => spool.replaying;
    for (const [name, help] of [M.eventsRejected, M.batchesShipped, M.batchesRetried, M.batchesRejected]) this.metrics.declare(name, help);
  }

  static async start(config: AgentConfig, log: Logger): Promise<Agent> {
    // Before anything in data_dir is read or written (data-dir-lock.ts).
    const unlock = await lockDataDir(config.data_dir);
    try {
      const checkpoints = await CheckpointStore.open(config.data_dir, log);
      const held = await HeldLines.open(join(config.data_dir, 'spool'), config.spool, config.retry, log, (checkpoints.heldThrough ?? -1) + 1);
      await reconcileHeld(checkpoints, held, log);
      let agent: Agent | null = null;
      const spool = await Spool.open(join(config.data_dir, 'spool'), config.spool, log, (e) => agent?.acknowledged(e));
      agent = new Agent(config, checkpoints, spool, held, log);
      agent.unlock = unlock;
      await agent.startAll(undefined);
      return agent;
    } catch (err) {
      await unlock();
      throw err;
    }
  }

  private unlock: () => Promise<void> = async () => undefined;

  get metricsPort(): number | undefined {
    return this.health?.port;
  }

  private async startAll(resume: ReadonlyMap<string, number | string> | undefined): Promise<void> {
    await this.listen();
    // Before the shipper acknowledges a spooled batch under a source's old name.
    this.adoptRenames(undefined);
    this.shipper.start();
    this.retrier.start();
    this.sources = this.config.sources.map((s, i) => this.makeSource(s, resume, this.config.sources.slice(0, i)));
    await Promise.all(this.sources.map((s) => s.start()));
  }

  /**
   * Starts (or moves, after a reload) the health and metrics listener. An
   * address in use is logged, not fatal: shipping logs matters more than
   * serving metrics about it.
   */
  private async listen(): Promise<void> {
    const listen = this.config.metrics?.listen;
    if (this.health && this.health.listen === listen) return;
    if (this.health) {
      await this.health.close();
      this.health = null;
    }
    if (!listen) return;
    try {
      const h = await startHealthServer(listen, this.metrics, () => this.healthReport(), () => this.collect(), () => this.filesReport());
      this.health = { ...h, listen };
      this.log.info('Health and metrics are served.', { listen, port: h.port });
    } catch (err) {
      this.log.warn('Health and metrics cannot be served; the agent runs without them.', { listen, error: (err as NodeJS.ErrnoException).code ?? String(err) });
    }
  }

  /**
   * `/files`: the files each file source follows, with how far they are read
   * and acknowledged: "is my file read, and how far?" without reading
   * checkpoints.json (whose keys are identities, not paths).
   */
  filesReport(): Record<string, unknown> {
    return { sources: Object.fromEntries(this.sources.filter((s) => s.files).map((s) => [s.name, s.files!()])) };
  }

  /** `/health`: degraded (503) with the reasons an operator should act on. */
  healthReport(): { status: 'healthy' | 'degraded'; reasons: string[] } & Record<string, unknown> {
    const reasons: string[] = [];
    const { max_delivery_lag_s: maxLag, max_spool_percent: maxSpool } = this.config.health;
    const since = this.shipper.failingSinceMs;
    if (since !== null && Date.now() - since > maxLag * 1000) {
      const last = this.shipper.lastFailure;
      reasons.push(`ingest has not taken a batch for ${Math.round((Date.now() - since) / 1000)} s (health.max_delivery_lag_s: ${maxLag})${last ? `; the last attempt: ${last}` : ''}`);
    }
    const spoolPercent = (100 * this.spool.diskBytes) / Math.max(1, this.config.spool.max_bytes);
    if (spoolPercent > maxSpool) reasons.push(`the spool holds ${Math.round(spoolPercent)} % of spool.max_bytes (health.max_spool_percent: ${maxSpool})`);
    if (this.spool.writeFailing) reasons.push('batches cannot be written to the spool directory (a full disk?); reading is paused');
    for (const s of this.sources) if (s.failure) reasons.push(`source ${s.name}: ${s.failure}`);
    const heldSince = this.held.oldestSinceMs;
    if (this.held.limitReached) {
      reasons.push(`${this.held.lines} lines ingest cannot store for now are held (spool.max_held_events, spool.max_held_bytes): shipping waits for them`);
    } else if (heldSince !== null && Date.now() - heldSince > maxLag * 1000) {
      reasons.push(`${this.held.lines} lines have been held for ${Math.round((Date.now() - heldSince) / 1000)} s: ingest cannot store them for now (a damaged day on the server? repair it there, or give them up with spool.max_held_age_s); later lines are shipped`);
    }
    return {
      status: reasons.length === 0 ? 'healthy' : 'degraded',
      reasons,
      sources: this.sources.map((s) => s.name),
      // Not reasons: a source waiting for its folder is what an include of a folder not made yet is, no fault.
      waiting: this.sources.filter((s) => s.waiting).map((s) => `source ${s.name}: ${s.waiting!}`),
      queue_batches: this.spool.length,
      spool_bytes: this.spool.diskBytes,
      held: { lines: this.held.lines, bytes: this.held.bytes, batches: this.held.length, limit_reached: this.held.limitReached, ...(heldSince !== null ? { oldest_s: Math.round((Date.now() - heldSince) / 1000) } : {}) },
      memory: memory(),
    };
  }

  private makeSource(s: SourceConfig, resume: ReadonlyMap<string, number | string> | undefined, earlier: readonly SourceConfig[]): Source {
    for (const [name, help] of [M.linesRead, M.bytesRead, M.linesTruncated, M.eventsFilteredOut, M.eventsShipped, M.heldExpired]) this.metrics.declare(name, help, { source: s.name });
    if (s.type === 'journald') this.metrics.declare(...M.journalctlRestarts, { source: s.name });
    else this.metrics.declare(...M.filesSkippedOld, { source: s.name });
    const ctx: SourceContext = { host: this.config.host, checkpoints: this.checkpoints, sink: this, metrics: this.metrics, log: this.log, notices: this.notices, ...(resume ? { resume } : {}) };
    // journald restarts from its acknowledged cursor on a reload, as it always
    // has: a unit filter changed by the reload needs the checkpoint's
    // cursor handling (journald-source.ts), not the last cursor read.
    if (s.type === 'journald') {
      const journals = this.config.sources.filter((e) => e.type === 'journald');
      const names = (list: readonly SourceConfig[]): string[] => list.filter((e) => e.type === 'journald' && e !== s).map((e) => e.name);
      return new JournaldSource(s, { ...ctx, resume: undefined, earlier: names(earlier), others: names(journals) });
    }
    const files = this.config.sources.filter((e): e is FileSourceConfig => e.type !== 'journald');
    return new FileSource(s, { ...ctx, earlier: earlier.filter((e): e is FileSourceConfig => e.type !== 'journald'), others: files.filter((e) => e !== s).map((e) => e.name) });
  }

  private collect(): void {
    for (const s of this.sources) s.collectMetrics(this.metrics);
  }

  // EventSink: called synchronously by sources for every event.
  emit(envelope: string, source: string, key: string, position: Position, together = 0): void {
    this.batcher.add(envelope, source, key, position, together);
  }

  skip(key: string, position: Position): void {
    this.batcher.skip(key, position);
  }

  get blocked(): boolean {
    // A batch that could not be spooled to disk waits in memory: reading
    // pauses until ingest takes a batch (Spool.keepInMemory).
    return this.pendingSeals >= 2 || this.spool.writeFailing;
  }

  waitForRoom(): Promise<void> {
    if (!this.blocked || this.closing) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  get closing(): boolean {
    return this.stopping !== null;
  }

  private wakeRoomWaiters(): void {
    const w = this.roomWaiters;
    this.roomWaiters = [];
    for (const r of w) r();
  }

  private seal(batch: Batch): void {
    this.pendingSeals++;
    this.sealed.add(batch);
    this.sealing = this.sealing
      .then(async () => {
        const body = await batch.body;
        await this.spool.push(body, batch.count, batch.positions, batch.sources);
      })
      .catch((err: unknown) => this.log.error('Queueing a batch failed; its lines will be read again after a restart.', { error: String(err) }))
      .finally(() => {
        this.sealed.delete(batch);
        this.pendingSeals--;
        if (!this.blocked) this.wakeRoomWaiters();
      });
  }

  /**
   * Positions move in acknowledgement order; past held lines too, once their
   * file is durable (held-lines.ts), and the checkpoint then says it covers
   * that file (`held`), in the same write.
   */
  private acknowledged(entry: SpoolEntry, held?: number): void {
    for (const [key, pos] of Object.entries(entry.positions)) this.checkpoints.set(key, pos);
    if (held !== undefined) this.checkpoints.coverHeld(held);
    this.checkpoints.scheduleFlush();
  }

  /** SIGHUP: new config, same positions (sources restart where they were). */
  async reload(config: AgentConfig): Promise<void> {
    if (config.data_dir !== this.config.data_dir) {
      this.log.warn('data_dir cannot change on reload; the old one is kept.', { data_dir: this.config.data_dir });
      config = { ...config, data_dir: this.config.data_dir };
    }
    let resume = new Map<string, number | string>();
    for (const s of this.sources) for (const [k, v] of await s.stop()) resume.set(k, v);
    this.batcher.flush();
    this.config = config;
    resume = this.adoptRenames(resume);
    this.batcher.setLimits(config.batch);
    this.spool.setOptions(config.spool);
    this.shipper.reconfigure(config.server, config.retry);
    this.retrier.reconfigure(config.server);
    this.held.setOptions(config.spool, config.retry);
    await this.listen();
    this.sources = config.sources.map((s, i) => this.makeSource(s, resume, config.sources.slice(0, i)));
    await Promise.all(this.sources.map((s) => s.start()));
    this.log.info('The config was reloaded.', { sources: this.sources.map((s) => s.name) });
  }

  /**
   * A source of the config that reads what a source of another name read
   * when the checkpoint was written (source-renames.ts) takes its positions,
   * wherever they are: checkpoints, queued batches, and after a reload where
   * the stopped sources got to. Then the config's sources are recorded.
   */
  private adoptRenames(resume: Map<string, number | string>): Map<string, number | string>;
  private adoptRenames(resume: undefined): undefined;
  private adoptRenames(resume: Map<string, number | string> | undefined): Map<string, number | string> | undefined {
    const current = new Map(this.config.sources.map((s) => [s.name, sourceSignature(s)]));
    const resumed = new Set(resume ? [...resume.keys()].map(sourceOfKey) : []);
    const renames = findRenames(this.checkpoints.recordedSources, current, (name) => this.checkpoints.hasSource(name) || resumed.has(name));
    if (renames.size > 0) {
      this.checkpoints.renameSources(renames);
      this.spool.renameSources(renames);
      this.held.renameSources(renames);
      for (const b of this.sealed) {
        replaceContents(b.positions, renamedKeys(b.positions, renames));
        replaceContents(b.sources, renamedKeys(b.sources, renames, (name) => name));
      }
      if (resume) resume = new Map(Object.entries(renamedKeys(Object.fromEntries(resume), renames)));
      for (const [from, to] of renames) this.log.info('A source was renamed; it keeps its positions and event ids.', { from, to });
    }
    this.checkpoints.recordSources(current);
    this.held.attribute(new Set(current.keys()), new Set(this.checkpoints.keys()));
    return resume;
  }

  /**
   * Graceful stop: sources stop reading, the partial batch is sealed, the
   * queue gets shutdown_timeout_ms to drain, what is left is spooled to disk,
   * and the checkpoint is written.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // A source waiting for room in a full spool (when_full: block, ingest
      // down) must not hold up the stop: readers give up, and batches that
      // find no room are not queued (their lines are read again next start).
      this.spool.close();
      this.wakeRoomWaiters();
      for (const s of this.sources) await s.stop();
      this.batcher.flush();
      await this.sealing;
      const deadline = Date.now() + this.config.shutdown_timeout_ms;
      while (this.spool.length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await this.shipper.stop();
      // Held lines are on disk already (their file is the record of them).
      await this.retrier.stop();
      await this.spool.persist();
      await this.checkpoints.flush();
      await this.health?.close();
      await this.unlock();
      this.log.info('The agent stopped.', { queued_batches: this.spool.length, held_lines: this.held.lines });
    })();
    return this.stopping;
  }
}

function memory(): Record<string, number> {
  const m = process.memoryUsage();
  return { rss_bytes: m.rss, heap_used_bytes: m.heapUsed, heap_total_bytes: m.heapTotal, external_bytes: m.external };
}
