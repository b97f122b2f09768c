import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from './durable-write.js';
import { agentError } from './errors.js';
import type { Logger } from './log.js';
import { renamedKeys, sourceOfKey } from './source-renames.js';

/**
 * Durable positions: for each file identity the byte offset after the last
 * acknowledged line, for each journald source its last acknowledged cursor.
 * Written temp file → fsync → rename (→ fsync of the directory), so a crash
 * leaves either the old or the new file, never half of one. The file carries
 * a version so a future agent can migrate it instead of misreading it.
 *
 * `id_form: 2` says the event ids of its positions sort in source order
 * (event-id.ts). A file without it was written by an earlier agent, which
 * may have sent lines past a position (batches in flight or spooled when it
 * stopped) under ids of the earlier form: read again, they must get those
 * ids, or ingest would store them twice. So each of its positions is marked
 * (`legacy_ids_below` / `legacy_ids_through`, null until known) and keeps the
 * earlier form for what that agent can have read (file-source.ts,
 * journald-source.ts). Not a new version: an older agent still reads the
 * positions (a downgrade keeps them) and drops the marker when it writes, so
 * upgrading again marks them anew.
 */
export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_FILE = 'checkpoints.json';
export const ID_FORM = 2;

export interface CheckpointEntry {
  /** Files: offset after the last acknowledged line. */
  readonly offset?: number;
  /** journald: cursor of the last acknowledged entry. */
  readonly cursor?: string;
  /** journald: the unit filter the cursor was read under. */
  readonly filter?: string;
  readonly path?: string;
  readonly dev?: number;
  readonly ino?: number;
  /**
   * Files: a checksum of the bytes before `offset` (offset-mark.ts); a file
   * that no longer holds them there is not read on from `offset`.
   */
  readonly mark?: number;
  /**
   * Files positioned by an earlier agent: lines starting before this offset
   * keep plain offsets in their ids. Set to the file's size when the file is
   * first opened after the upgrade (the earlier agent, stopped by then,
   * cannot have read further); null until then.
   */
  readonly legacy_ids_below?: number | null;
  /**
   * journald positioned by an earlier agent: entries up to this cursor (the
   * journal's last entry when the upgraded agent first started) keep the
   * earlier id form; '' when the journal was empty; null until known.
   */
  readonly legacy_ids_through?: string | null;
  /**
   * Files: the source name this file's event ids carry, `f:<identity>~<name>:…`;
   * '' for the plain `f:<identity>:…`. Decided when the source first reads the
   * file (shared-files.ts) and kept, so that reordering the sources does not
   * change it. Absent in positions an earlier agent wrote, until decided.
   */
  readonly id_source?: string;
  /** Files: the host's tag its event ids carry (file-event-ids.ts); absent in positions an earlier agent wrote, until decided. */
  readonly id_host?: string;
  /** Files positioned by an earlier agent: lines starting before this offset keep ids without the host. */
  readonly host_ids_from?: number;
  /**
   * journald positioned by an earlier agent, whose ids did not carry the
   * source's name and now do (`id_source`): entries up to this cursor (the
   * journal's last entry when that was decided) keep them without; '' when
   * the journal was empty; null until known.
   */
  readonly plain_ids_through?: string | null;
  /**
   * journald: where the source reads from while no entry of it is
   * acknowledged (journal-read-start.ts), epoch microseconds, 0 for the
   * journal's first entry; fixed when the source was first seen, so that a
   * restart measures max_age_s from then, not from itself.
   */
  readonly read_since_us?: number;
  readonly updated_ms: number;
}

interface CheckpointDocument {
  version: number;
  id_form?: number;
  written_at: string;
  /** Source name → what it reads (source-renames.ts), for telling a renamed source by. */
  sources?: Record<string, string>;
  /**
   * The number of the last held file (held-lines.ts) whose batch's positions
   * these are, -1 when none was held; absent when an earlier agent wrote it.
   */
  held_through?: number;
  positions: Record<string, CheckpointEntry>;
}

export class CheckpointStore {
  private readonly entries = new Map<string, CheckpointEntry>();
  private recorded = new Map<string, string>();
  /** null: not known (an earlier agent's file); -1: no held file yet. */
  private heldThroughValue: number | null = -1;
  private dirty = false;
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  writes = 0;

  private constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {}

  get file(): string {
    return join(this.dir, CHECKPOINT_FILE);
  }

  /** Loads the checkpoint file; a missing or corrupt one yields an empty store. */
  static async open(dir: string, log: Logger): Promise<CheckpointStore> {
    await fsp.mkdir(dir, { recursive: true });
    const store = new CheckpointStore(dir, log);
    let text: string;
    try {
      text = await fsp.readFile(store.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      log.info('No checkpoint file was found; every source starts from its start position.', { file: store.file });
      return store;
    }
    try {
      const doc = JSON.parse(text) as CheckpointDocument;
      if (doc === null || typeof doc !== 'object' || typeof doc.positions !== 'object' || doc.positions === null) {
        throw new Error('missing positions');
      }
      if (doc.version !== CHECKPOINT_VERSION) throw new Error(`unsupported version ${String(doc.version)}`);
      for (const [key, entry] of Object.entries(doc.positions)) {
        if (typeof entry !== 'object' || entry === null) throw new Error(`bad entry ${key}`);
        if (entry.offset !== undefined && (!Number.isInteger(entry.offset) || entry.offset < 0)) throw new Error(`bad offset for ${key}`);
        if (entry.cursor !== undefined && typeof entry.cursor !== 'string') throw new Error(`bad cursor for ${key}`);
        if (entry.mark !== undefined && (!Number.isInteger(entry.mark) || entry.mark < 0)) throw new Error(`bad mark for ${key}`);
        const below = entry.legacy_ids_below;
        if (below !== undefined && below !== null && (!Number.isInteger(below) || below < 0)) throw new Error(`bad legacy_ids_below for ${key}`);
        const through = entry.legacy_ids_through;
        if (through !== undefined && through !== null && typeof through !== 'string') throw new Error(`bad legacy_ids_through for ${key}`);
        if (entry.id_source !== undefined && typeof entry.id_source !== 'string') throw new Error(`bad id_source for ${key}`);
        if (entry.id_host !== undefined && typeof entry.id_host !== 'string') throw new Error(`bad id_host for ${key}`);
        if (entry.host_ids_from !== undefined && (!Number.isInteger(entry.host_ids_from) || entry.host_ids_from < 0)) throw new Error(`bad host_ids_from for ${key}`);
        const plain = entry.plain_ids_through;
        if (plain !== undefined && plain !== null && typeof plain !== 'string') throw new Error(`bad plain_ids_through for ${key}`);
        if (entry.read_since_us !== undefined && (!Number.isSafeInteger(entry.read_since_us) || entry.read_since_us < 0)) throw new Error(`bad read_since_us for ${key}`);
        store.entries.set(key, entry);
      }
      if (doc.held_through !== undefined && (!Number.isInteger(doc.held_through) || doc.held_through < -1)) throw new Error('bad held_through');
      store.heldThroughValue = doc.held_through ?? null;
      if (doc.sources !== null && typeof doc.sources === 'object') {
        for (const [name, sig] of Object.entries(doc.sources)) if (typeof sig === 'string') store.recorded.set(name, sig);
      }
      if (doc.id_form !== ID_FORM) store.markEarlierIds();
    } catch (err) {
      const aside = `${store.file}.corrupt-${Date.now()}`;
      await fsp.rename(store.file, aside).catch(() => undefined);
      const e = agentError('LS_AGENT_CHECKPOINT_CORRUPT', store.file, (err as Error).message);
      log.error(e.message, { code: e.code, moved_to: aside });
      store.entries.clear();
      store.recorded.clear();
      store.heldThroughValue = -1;
    }
    return store;
  }

  /** Every position of a file an earlier agent wrote holds ids of the earlier form up to a bound not known yet. */
  private markEarlierIds(): void {
    for (const [key, entry] of this.entries) {
      if (entry.offset !== undefined) this.entries.set(key, { ...entry, legacy_ids_below: null });
      else if (entry.cursor !== undefined) this.entries.set(key, { ...entry, legacy_ids_through: null });
    }
    if (this.entries.size > 0) {
      this.dirty = true;
      this.log.info('The checkpoint file was written by an earlier agent; lines it may have sent keep the event ids it gave them.', { file: this.file, positions: this.entries.size });
    }
  }

  /**
   * Where the ids of a file identity take the sorting form (event-id.ts):
   * 0, or for a position an earlier agent wrote the bound it got, fixed at
   * `sizeNow` the first time it is asked. `fixed` is true then: the caller
   * flushes before reading, so that a crash cannot leave the bound unwritten
   * while lines past it went out under the sorting form.
   */
  fileIdsSortFrom(key: string, sizeNow: number): { from: number; fixed: boolean } {
    const entry = this.entries.get(key);
    const below = entry?.legacy_ids_below;
    if (below === undefined) return { from: 0, fixed: false };
    if (below !== null) return { from: below, fixed: false };
    this.entries.set(key, { ...entry!, legacy_ids_below: sizeNow });
    this.dirty = true;
    return { from: sizeNow, fixed: true };
  }

  /**
   * The number of the last held file whose batch's positions are recorded
   * here (-1: none; null: not known, the file was written by an earlier
   * agent, which did not say). A held file numbered
   * after it was durable before the checkpoint moved past its batch: a crash
   * came between (Agent.start reconciles them).
   */
  get heldThrough(): number | null {
    return this.heldThroughValue;
  }

  /** The positions of held file `n`'s batch are recorded (set before this); -1 after a reconcile that found none. */
  coverHeld(n: number): void {
    if (this.heldThroughValue !== null && n <= this.heldThroughValue) return;
    this.heldThroughValue = n;
    this.dirty = true;
  }

  /** The sources (name → what it reads) the file was last written with. */
  get recordedSources(): ReadonlyMap<string, string> {
    return this.recorded;
  }

  /** Whether the source of this name has positions. */
  hasSource(name: string): boolean {
    for (const key of this.entries.keys()) if (sourceOfKey(key) === name) return true;
    return false;
  }

  /**
   * Records the config's sources; those it no longer has stay recorded while
   * they have positions (a source taken out and put back under another name
   * later is still told by what it reads).
   */
  recordSources(current: ReadonlyMap<string, string>): void {
    const next = new Map(current);
    for (const [name, sig] of this.recorded) if (!next.has(name) && this.hasSource(name)) next.set(name, sig);
    if (next.size === this.recorded.size && [...next].every(([n, s]) => this.recorded.get(n) === s)) return;
    this.recorded = next;
    this.dirty = true;
  }

  /** Moves the positions of renamed sources (old name → new) to their new names. */
  renameSources(renames: ReadonlyMap<string, string>): void {
    const moved = renamedKeys(Object.fromEntries(this.entries), renames);
    this.entries.clear();
    for (const [key, entry] of Object.entries(moved)) this.entries.set(key, entry);
    this.dirty = true;
  }

  get(key: string): CheckpointEntry | undefined {
    return this.entries.get(key);
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  /**
   * Records an acknowledged position. File offsets of one identity only move
   * forward: a replayed spool batch may be acknowledged after newer batches.
   */
  set(key: string, entry: Omit<CheckpointEntry, 'updated_ms'>): void {
    const old = this.entries.get(key);
    if (old?.offset !== undefined && entry.offset !== undefined && entry.offset < old.offset) return;
    // A new offset's mark is the entry's (none when not known), never the old offset's.
    const { mark: _oldMark, ...rest } = old ?? {};
    this.entries.set(key, { ...(entry.offset !== undefined ? rest : old), ...entry, updated_ms: Date.now() });
    this.dirty = true;
  }

  delete(key: string): void {
    if (this.entries.delete(key)) this.dirty = true;
  }

  /**
   * Drops the entries under `prefix` not in `live` that were last updated
   * more than `maxAgeMs` ago (identities a source no longer tracks).
   */
  forgetStale(prefix: string, live: ReadonlySet<string>, now: number, maxAgeMs: number): void {
    for (const key of [...this.entries.keys()]) {
      if (!key.startsWith(prefix) || live.has(key)) continue;
      if (now - (this.entries.get(key)?.updated_ms ?? now) > maxAgeMs) this.delete(key);
    }
  }

  /** Writes soon, coalescing the acknowledgements of a burst into one write. */
  scheduleFlush(delayMs = 100): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch((err: unknown) => this.log.error('Writing the checkpoint file failed.', { error: String(err) }));
    }, delayMs);
  }

  /** Writes the file now if anything changed; resolves when it is durable. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.writing) await this.writing.catch(() => undefined);
    if (!this.dirty) return;
    this.dirty = false;
    // A failed write (a full disk) leaves the old file in place; what it
    // would have recorded is written by the next flush.
    this.writing = this.write().catch((err: unknown) => { this.dirty = true; throw err; }).finally(() => { this.writing = null; });
    await this.writing;
  }

  private async write(): Promise<void> {
    const doc: CheckpointDocument = {
      version: CHECKPOINT_VERSION,
      id_form: ID_FORM,
      written_at: new Date().toISOString(),
      sources: Object.fromEntries(this.recorded),
      ...(this.heldThroughValue !== null ? { held_through: this.heldThroughValue } : {}),
      positions: Object.fromEntries(this.entries),
    };
    await writeFileDurably(this.file, JSON.stringify(doc));
    this.writes++;
  }
}
