import { isUtf8 } from 'node:buffer';
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { FileSourceConfig } from './config.js';
import { CriJoiner, type CriLine } from './cri-log.js';
import { DockerJoiner, type DockerLine } from './docker-json-file.js';
import { envelopeSuffix } from './envelope-suffix.js';
import { expectedHead, type FileIdentity } from './file-identity.js';
import { fingerprint } from './fingerprint.js';
import { OffsetMark } from './offset-mark.js';
import { bomEncoding, newlineBytes, textDecoder, type FileEncoding } from './text-encoding.js';
import { fileEventId } from './event-id.js';
import { PLAIN_IDS, type EventIds } from './file-event-ids.js';
import type { FramedLine } from './line-framer.js';
import { tailFramer, type TailFramer } from './tail-framer.js';
import { TailMultilines } from './tail-multilines.js';
import { withoutLeadingNoise } from './leading-noise.js';
import { LineFilter } from './line-filter.js';
import type { EventSink } from './event-sink.js';
import { M, type Metrics } from './metrics.js';

const READ_BYTES = 64 * 1024;

/** What every tail of one file source shares (one object per source). */
export interface TailContext {
  readonly config: FileSourceConfig;
  readonly host: string;
  readonly sink: EventSink;
  readonly metrics: Metrics;
  /** Called when the file's first line changed under an open handle. */
  readonly onReplaced: (tail: FileTail) => void;
  /** The source's include_lines / exclude_lines; null when it has none. */
  readonly filter: LineFilter | null;
  /** Told when a file's byte order mark overrides the source's `encoding`. */
  readonly onBom?: (tail: FileTail, encoding: FileEncoding) => void;
}

/**
 * One file identity being read: its handle, the offset read so far, the
 * framer holding an incomplete last line and the multiline joiner. The
 * identity (and so every event id, `f:<identity>:<offset>`, event-id.ts)
 * stays with the content, whatever path the file has now.
 */
export class FileTail {
  private readonly config: FileSourceConfig;
  private readonly host: string;
  private readonly sink: EventSink;
  private readonly metrics: Metrics;
  private readonly onReplaced: (tail: FileTail) => void;
  readonly key: string;
  fh: FileHandle | null = null;
  /** Next byte to read. */
  offset: number;
  /** End of the last event handed to the sink. */
  emittedEnd: number;
  lastDataAt = Date.now();
  /** Set once the file is known to be deleted or replaced at its path. */
  detached = false;
  /**
   * Its inode was truncated (copytruncate): a file at another inode that
   * starts with its first line is the copy to continue in. Otherwise such
   * a file is another one (a fresh log with the same banner or CSV header).
   */
  awaitingCopy = false;
  private framer: TailFramer;
  /** Multiline joiners, one per stream (tail-multilines.ts). */
  private readonly multilines: TailMultilines;
  private reading: Promise<void> | null = null;
  private again = false;
  private partialTimer: NodeJS.Timeout | null = null;
  private headReplaced = false;
  /** What the file must still hold before `offset` to be read on (offset-mark.ts). */
  private readonly mark: OffsetMark;
  /** The mark at `emittedEnd`, for a rewind to it. */
  private emittedMark: number | undefined;

  /** The identity's string form (event ids, checkpoint keys, the source's maps). */
  readonly id: string;
  /** The identity in event ids: qualified by the source's name when an earlier source reads the file too. */
  private readonly eventIdentity: string;

  constructor(
    readonly identity: FileIdentity,
    public path: string,
    /** The path reported as `source` (where the content was first seen). */
    readonly sourcePath: string,
    public dev: number,
    public ino: number,
    offset: number,
    tailContext: TailContext,
    /** How its event ids are written (file-event-ids.ts). */
    private readonly ids: EventIds = PLAIN_IDS,
    /** The checkpoint's mark of the bytes before `offset`, when it is the checkpoint's offset (offset-mark.ts). */
    mark?: number,
  ) {
    ({ config: this.config, host: this.host, sink: this.sink, metrics: this.metrics, onReplaced: this.onReplaced } = tailContext);
    const config = this.config;
    this.id = identity.key;
    this.eventIdentity = ids.source !== '' ? `${identity.key}~${ids.source}` : identity.key;
    this.key = `${config.name}:${identity.key}`;
    this.labels = { source: config.name };
    this.offset = offset;
    this.emittedEnd = offset;
    this.mark = new OffsetMark(offset, mark);
    this.emittedMark = mark;
    this.encoding = config.encoding;
    this.framer = tailFramer(this.config, this.encoding, offset);
    this.docker = config.type === 'docker' ? new DockerJoiner(config.max_line_bytes) : null;
    this.cri = config.type === 'kubernetes' ? new CriJoiner(config.max_line_bytes) : null;
    this.filter = tailContext.filter;
    this.onBom = tailContext.onBom;
    this.decode = textDecoder(config.encoding);
    this.multilines = new TailMultilines(config, (l, stream, time) => this.emit(l, stream, time), (bytes) => this.decode(bytes), () => newlineBytes(this.encoding));
    // The containers' runtimes write UTF-8 only; a byte order mark is looked for once, before the first read.
    this.bomChecked = config.type === 'docker' || config.type === 'kubernetes';
  }

  private readonly filter: LineFilter | null;
  private readonly onBom: ((tail: FileTail, encoding: FileEncoding) => void) | undefined;
  /** The file's encoding: the source's `encoding`, or what its byte order mark says (text-encoding.ts). */
  private encoding: FileEncoding;
  private decode: (bytes: Buffer) => string;
  private bomChecked: boolean;

  /** Reads the file's first bytes once: a UTF-16 byte order mark sets the encoding (and the framer) before any line is framed. */
  private async checkBom(fh: FileHandle): Promise<void> {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    // Looked at again by the next read until the file holds two bytes.
    this.bomChecked = bytesRead === 2;
    const bom = bomEncoding(head.subarray(0, bytesRead));
    if (bom === null || bom === this.encoding) return;
    this.encoding = bom;
    this.decode = textDecoder(bom);
    this.framer = tailFramer(this.config, this.encoding, this.offset);
    this.onBom?.(this, bom);
  }

  private readonly docker: DockerJoiner | null;
  private readonly cri: CriJoiner | null;
  /** docker: the stream of the line being emitted (stdout, stderr). */
  private stream: string | null = null;

  /** The content behind the handle is no longer this identity's. */
  get replaced(): boolean {
    return this.headReplaced;
  }

  /**
   * Whether the open file still starts with this identity's first line. A
   * copytruncate followed by fast writes can grow the file past the offset
   * read before the agent looks, so a smaller size alone misses truncations.
   */
  async headMatches(): Promise<boolean> {
    const head = expectedHead(this.identity);
    if (!this.fh || head === null) return !this.headReplaced;
    return !this.headReplaced && (await fingerprint(this.fh)) === head;
  }

  /** The open handle's descriptor, or null (released): where the file is now (path-now.ts). */
  get descriptor(): number | null { return this.fh?.fd ?? null; }

  get isOpen(): boolean {
    return this.fh !== null;
  }

  /** Something is held back: an incomplete last line or a multiline event. */
  get hasPending(): boolean {
    return this.framer.pendingBytes > 0 || this.multilines.pending || (this.docker?.pending ?? false) || (this.cri?.pending ?? false);
  }

  private opening: Promise<boolean> | null = null;

  /**
   * Reopens a released handle (concurrent callers share one open). False
   * when the path names another inode or nothing by now: the file was
   * renamed between the caller's stat and this open (a rotation), and what
   * is at the path is not this identity's.
   */
  async open(): Promise<boolean> {
    if (this.fh) return true;
    this.opening ??= this.openAtPath().finally(() => { this.opening = null; });
    return this.opening;
  }

  private async openAtPath(): Promise<boolean> {
    let fh: FileHandle;
    try {
      fh = await fsp.open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    const st = await fh.stat().catch(() => null);
    if (this.fh || !st || st.dev !== this.dev || st.ino !== this.ino) {
      await fh.close();
      return this.fh !== null;
    }
    this.fh = fh;
    return true;
  }

  /** The mark of the bytes before the offset the tail starts at, when it was taken without reading them (offset-mark.ts). */
  markIs(mark: number): void {
    if (this.offset !== this.emittedEnd) return;
    this.mark.rewind(this.offset, mark);
    this.emittedMark = mark;
  }

  /** Takes a handle the source already opened (to fingerprint it). */
  attach(fh: FileHandle): void {
    if (this.fh) throw new Error('FileTail.attach: already open');
    this.fh = fh;
  }

  /** Reads to the end of the file now, or again after the read in progress. */
  read(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.readLoop().finally(() => { this.reading = null; });
    return this.reading;
  }

  private async readLoop(): Promise<void> {
    // A buffer per read loop, not per tail: 500 idle tails must not each
    // hold 64 KiB. The framer copies what it keeps, so it is free after.
    const buf = Buffer.allocUnsafe(READ_BYTES);
    do {
      this.again = false;
      let marked = false;
      for (;;) {
        const fh = this.fh;
        if (!fh || this.sink.closing) return;
        if (this.sink.blocked) await this.sink.waitForRoom();
        if (this.fh !== fh || this.sink.closing) return;
        if (!this.bomChecked) await this.checkBom(fh);
        const { bytesRead } = await fh.read(buf, 0, READ_BYTES, this.offset);
        if (bytesRead === 0) break;
        // Checked after the read: if the head still matches now, the bytes
        // just read were this identity's; if not, they may be new content.
        const head = expectedHead(this.identity);
        if (head !== null && (await fingerprint(fh)) !== head) {
          this.headReplaced = true;
          this.onReplaced(this);
          return;
        }
        // Nor if the bytes before the offset changed: truncated (or created
        // again) and rewritten past the offset with the same first line.
        if (!marked && !(await this.mark.holds(fh, this.offset))) {
          this.headReplaced = true;
          this.onReplaced(this);
          return;
        }
        marked = true;
        this.offset += bytesRead;
        this.lastDataAt = Date.now();
        this.metrics.inc(...M.bytesRead, this.labels, bytesRead);
        this.linesInChunk = 0;
        this.mark.framing(buf.subarray(0, bytesRead));
        this.framer.push(buf.subarray(0, bytesRead), this.onLineBound);
        this.mark.framed();
        if (this.linesInChunk > 0) this.metrics.inc(...M.linesRead, this.labels, this.linesInChunk);
      }
    } while (this.again);
    this.armPartialFlush();
  }

  // A writer that ends without a newline leaves the last line in the framer;
  // once the file has been quiet for partial_line_flush_ms it is emitted.
  // Not for kubernetes and docker: the runtime (dockerd) writes each line
  // whole, newline included, so a last line without one is a write in
  // progress, and sent early it would be cut in two events (its rest then
  // not CRI, not JSON). It is emitted when the file is released (flushAll).
  private armPartialFlush(): void {
    if (this.partialTimer || this.framer.pendingBytes === 0 || this.cri || this.docker) return;
    const at = this.offset;
    this.partialTimer = setTimeout(() => {
      this.partialTimer = null;
      if (this.offset === at && !this.reading) this.flushPartial();
      else this.armPartialFlush();
    }, this.config.partial_line_flush_ms);
    this.partialTimer.unref();
  }

  /** Emits whatever is held back (the file will not grow any more). */
  flushPartial(): void {
    this.linesInChunk = 0;
    this.framer.flushPartial(this.onLineBound);
    if (this.linesInChunk > 0) this.metrics.inc(...M.linesRead, this.labels, this.linesInChunk);
  }

  flushAll(): void {
    this.flushPartial();
    // kubernetes, docker: a long line whose last piece went to the next file
    // (rotated between its pieces) is emitted as far as it got.
    if (this.cri) for (const l of this.cri.flush()) this.onRuntimeLine(l, this.offset);
    if (this.docker) for (const l of this.docker.flush()) this.onRuntimeLine(l, this.offset);
    this.flushMultiline();
  }

  /** Emits the complete lines a multiline event holds, not a partial line. */
  flushMultiline(): void {
    this.multilines.flush();
  }

  // Per line only a local count: lines_read_total is added once per chunk
  // (a metrics update per line allocated more than the line itself).
  private linesInChunk = 0;
  /** docker, kubernetes: the runtime's time of the line being emitted, sent as the envelope's `@time`. */
  private runtimeTime: string | undefined = undefined;
  private readonly labels: Readonly<Record<string, string>>;
  private readonly onLineBound = (line: FramedLine): void => this.onLine(line);

  private onLine(line: FramedLine): void {
    // Where an event's position may lag behind what is read (offset-mark.ts).
    if (this.docker || this.cri || this.config.multiline) this.mark.remember(line.end);
    line = withoutLeadingNoise(line, this.encoding);
    // Blank lines carry nothing to search for (Filebeat drops them too),
    // unless inside a multiline event (multiline.ts).
    if (line.text.length === 0 && !this.multilines.holds(null)) return;
    this.linesInChunk++;
    if (this.docker) {
      const joined = this.docker.push(line.text.toString('utf8'), line.start, line.truncated);
      if (joined) this.onRuntimeLine(joined, line.end);
      return;
    }
    if (this.cri) {
      const joined = this.cri.push(line.text, line.start, line.truncated);
      if (joined) this.onRuntimeLine(joined, line.end);
      return;
    }
    this.onUnwrapped(line);
  }

  /** A line a container runtime wrote (docker's JSON piece, a CRI line), joined from its parts. */
  private onRuntimeLine(joined: DockerLine | CriLine, end: number): void {
    // An empty printed line (`{"log":"\n",…}`, `<time> stdout F `): nothing to search for, as blank file lines.
    if (joined.text.length === 0 && !this.multilines.holds(joined.stream)) return;
    this.stream = joined.stream;
    this.runtimeTime = joined.time;
    this.onUnwrapped({ text: typeof joined.text === 'string' ? Buffer.from(joined.text) : joined.text, start: joined.start, end, truncated: joined.truncated });
  }

  private onUnwrapped(line: FramedLine): void {
    if (line.truncated) this.metrics.inc(...M.linesTruncated, this.labels);
    // The framer may hand out a view of the read buffer: multiline keeps lines, so it gets a copy.
    if (this.config.multiline) this.multilines.push({ ...line, text: Buffer.from(line.text) }, this.stream, this.runtimeTime);
    else this.emit(line, this.stream, this.runtimeTime);
  }

  // The envelope's constant part (host, source, labels) is serialized once;
  // per line only the raw text and the id are, which is most of the cost.
  private suffix: string | null = null;

  private emit(line: FramedLine, stream: string | null, runtimeTime: string | undefined): void {
    const raw = this.decode(line.text);
    // Not past a piece still held for another stream's line (cri-log.ts,
    // docker-json-file.ts): a restart reads again from there, and ingest
    // drops what comes twice.
    // Nor past the lines of another stream's multiline event.
    const end = Math.min(line.end, this.cri?.heldFrom ?? this.docker?.heldFrom ?? Infinity, this.multilines.heldFrom);
    this.emittedEnd = end;
    const mark = this.mark.markOf(end);
    this.emittedMark = mark;
    const position = { offset: end, path: this.sourcePath, dev: this.dev, ino: this.ino, ...(mark !== undefined ? { mark } : {}) };
    if (this.filter && !this.filter.keeps(raw)) {
      this.metrics.inc(...M.eventsFilteredOut, this.labels);
      this.sink.skip(this.key, position);
      return;
    }
    this.suffix ??= envelopeSuffix(this.host, this.sourcePath, this.config, this.docker ? this.path : null, this.cri !== null);
    const idAt = (start: number): string => fileEventId(this.eventIdentity, start, this.ids.sortFrom, this.ids.host, this.ids.hostFrom);
    const cut = line.cut;
    const envelope = `{"@raw":${JSON.stringify(raw)},"event.id":"${idAt(line.start)}"`
      + (line.truncated ? ',"@truncated":true' : '')
      // A part of a cut multiline event: its number, and the first part's id, which every part shares (multiline.ts).
      + (cut ? `,"log.cut.part":${cut.part},"log.cut.parts":${cut.parts},"log.cut.first":"${idAt(cut.firstStart)}"` : '')
      // toString('utf8') put U+FFFD for bytes that are not UTF-8 (a Latin-1 file): the server flags the event.
      + (this.encoding !== 'utf-8' || isUtf8(line.text) ? '' : ',"@invalid_utf8":true') + (stream ? `,"stream":${JSON.stringify(stream)}` : '')
      + (runtimeTime !== undefined ? `,"@time":${JSON.stringify(runtimeTime)}` : '') + this.suffix;
    this.sink.emit(envelope, this.config.name, this.key, position, cut ? cut.parts - cut.part : 0);
  }

  /** Closes the handle; what is held back is dropped and will be re-read. */
  async close(): Promise<void> {
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.partialTimer = null;
    const fh = this.fh;
    this.fh = null;
    await this.reading?.catch(() => undefined);
    if (this.framer.pendingBytes > 0 || this.multilines.pending || this.docker?.pending || this.cri?.pending) {
      // Rewind to the end of the last emitted event, so that reopening reads
      // the held-back bytes again instead of skipping them.
      this.offset = this.emittedEnd;
      this.mark.rewind(this.offset, this.emittedMark);
      this.framer = tailFramer(this.config, this.encoding, this.offset);
      this.multilines.discard();
      this.docker?.discard();
      this.cri?.discard();
    }
    this.multilines.stop();
    await fh?.close().catch(() => undefined);
  }

  /** Starts over on a new handle of the same content (a copy) at `offset`. */
  async moveTo(path: string, fh: FileHandle, dev: number, ino: number): Promise<void> {
    await this.close();
    this.path = path;
    this.dev = dev;
    this.ino = ino;
    this.detached = false;
    this.awaitingCopy = false;
    this.fh = fh;
  }
}
