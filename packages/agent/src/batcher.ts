import { createGzip, type Gzip } from 'node:zlib';
import type { CheckpointEntry } from './checkpoint-store.js';

/** A position to checkpoint once the event that carries it is acknowledged. */
export type Position = Omit<CheckpointEntry, 'updated_ms'>;

/** What a batch delivers: an NDJSON body, and where each source got to. */
export interface Batch {
  /** The gzipped NDJSON body: the envelopes, one per line, each ending with `\n` (empty when `count` is 0). */
  readonly body: Promise<Buffer>;
  /** Number of events (lines) in `body`; 0 for a batch of positions only (Batcher.skip). */
  readonly count: number;
  /** Checkpoint key → position after the batch's last event of that key. */
  readonly positions: Record<string, Position>;
  /** Source name → events of that source in the batch. */
  readonly sources: Record<string, number>;
}

export interface BatchLimits {
  readonly max_events: number;
  readonly max_bytes: number;
  readonly max_age_ms: number;
}

/** Bytes of one body chunk; an envelope longer than that gets a chunk of its own size. */
const CHUNK_BYTES = 64 * 1024;
/** Chunks kept for reuse: a batch of 1000 × 300-byte envelopes fills 5. */
const MAX_SPARE_CHUNKS = 16;

/**
 * Groups envelopes into batches sealed by count, by bytes, or by the age of
 * their first event, whichever comes first.
 *
 * Each envelope is written as UTF-8 into a 64 KiB chunk (outside the V8
 * heap) as soon as it arrives, so the strings die young, and every full
 * chunk goes straight into the batch's gzip stream, so a batch never exists
 * as one big string or one big uncompressed buffer. Keeping a thousand
 * envelope strings per batch alive until it was sealed, then joining and
 * gzipping them at once, made the strings survive scavenges (V8 answered by
 * growing the young generation) and churned large malloc'd buffers.
 */
export class Batcher {
  private gzip: { stream: Gzip; body: Promise<Buffer> } | null = null;
  private chunk: Buffer | null = null;
  /** Compressed chunks, ready to be filled again. */
  private readonly spare: Buffer[] = [];
  private used = 0;
  private count = 0;
  private bytes = 0;
  private positions: Record<string, Position> = {};
  private sources: Record<string, number> = {};
  private timer: NodeJS.Timeout | null = null;
  /** Envelopes still to come that must join the batch of the last one added (add's `together`). */
  private joining = 0;

  constructor(
    private limits: BatchLimits,
    private readonly seal: (batch: Batch) => void,
  ) {}

  setLimits(limits: BatchLimits): void {
    this.limits = limits;
  }

  get size(): number {
    return this.count;
  }

  /**
   * `together`: the number of envelopes after this one that go in its batch
   * (a cut event's other parts): the batch before is sealed first when they
   * would not fit (each taken as long as this one), and it is not sealed by
   * count or bytes until the last of them.
   */
  add(line: string, source: string, key: string, position: Position, together = 0): void {
    const len = Buffer.byteLength(line) + 1;
    if (this.joining === 0 && this.count > 0
      && (this.bytes + len * (together + 1) > this.limits.max_bytes || this.count + together >= this.limits.max_events)) this.flush();
    this.write(line, len);
    this.count++;
    this.bytes += len;
    this.positions[key] = position;
    this.sources[source] = (this.sources[source] ?? 0) + 1;
    this.joining = this.joining > 0 ? this.joining - 1 : together;
    if (this.joining > 0) {
      if (!this.timer) this.timer = setTimeout(() => { this.timer = null; this.flush(); }, this.limits.max_age_ms);
    } else if (this.count >= this.limits.max_events || this.bytes >= this.limits.max_bytes) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => { this.timer = null; this.flush(); }, this.limits.max_age_ms);
  }

  /**
   * Moves `key`'s position past an event that is not shipped. With events
   * before it in this batch it goes with them; without, the batch carries
   * positions only, and is sealed at `max_age_ms` like any other, so that
   * it is acknowledged in order after the batches before it.
   */
  skip(key: string, position: Position): void {
    // A part of a cut event a line filter dropped: one fewer to come.
    if (this.joining > 0) this.joining--;
    this.positions[key] = position;
    if (!this.timer) this.timer = setTimeout(() => { this.timer = null; this.flush(); }, this.limits.max_age_ms);
  }

  /** Appends `line` and a newline (`len` bytes in all) to the body. */
  private write(line: string, len: number): void {
    if (!this.chunk || this.used + len > this.chunk.length) {
      this.pushChunk();
      this.chunk = len <= CHUNK_BYTES ? (this.spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES)) : Buffer.allocUnsafeSlow(len);
      this.used = 0;
    }
    this.used += this.chunk.write(line, this.used, 'utf8');
    this.chunk[this.used++] = 10;
  }

  /** Hands the filled part of the current chunk to the batch's gzip stream. */
  private pushChunk(): void {
    if (!this.chunk || this.used === 0) return;
    this.gzip ??= openGzip();
    const chunk = this.chunk;
    // Once compressed, a chunk is reused: a fresh 64 KiB buffer per chunk
    // was often promoted (it waits in the gzip queue across scavenges) and
    // then held its malloc'd memory until the next full GC.
    this.gzip.stream.write(chunk.subarray(0, this.used), () => {
      if (chunk.length === CHUNK_BYTES && this.spare.length < MAX_SPARE_CHUNKS) this.spare.push(chunk);
    });
    this.chunk = null;
    this.used = 0;
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.count === 0 && Object.keys(this.positions).length === 0) return;
    let body: Promise<Buffer> = Promise.resolve(Buffer.alloc(0));
    if (this.count > 0) {
      this.pushChunk();
      const gzip = this.gzip!;
      this.gzip = null;
      gzip.stream.end();
      body = gzip.body;
    }
    const batch: Batch = { body, count: this.count, positions: this.positions, sources: this.sources };
    this.count = 0;
    this.bytes = 0;
    this.positions = {};
    this.sources = {};
    this.seal(batch);
  }
}

function openGzip(): { stream: Gzip; body: Promise<Buffer> } {
  const stream = createGzip({ level: 3 });
  // Read as it is produced: a paused stream would stop compressing and hold
  // the raw chunks written to it.
  const body = new Promise<Buffer>((resolve, reject) => {
    const out: Buffer[] = [];
    stream.on('data', (b: Buffer) => out.push(b));
    stream.on('end', () => resolve(out.length === 1 ? out[0]! : Buffer.concat(out)));
    stream.on('error', reject);
  });
  // Handled by whoever awaits the sealed batch; never an unhandled rejection meanwhile.
  body.catch(() => undefined);
  return { stream, body };
}
