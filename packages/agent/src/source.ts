import type { CheckpointStore } from './checkpoint-store.js';
import type { EventSink } from './event-sink.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { Notices } from './notices.js';

/** What every source gets from the agent (one context, shared by all). */
export interface SourceContext {
  readonly host: string;
  readonly checkpoints: CheckpointStore;
  readonly sink: EventSink;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** What was said about a file already, kept across reloads (notices.ts). */
  readonly notices: Notices;
  /** After a reload: checkpoint key → where the previous source got to (beats checkpoints). */
  readonly resume?: ReadonlyMap<string, number | string>;
}

/** A source of events (file, nginx, docker, kubernetes, journald), as the agent drives it. */
export interface Source {
  readonly name: string;
  /** Why the source is failing now (for /health), or null. */
  readonly failure: string | null;
  /** Why it reads nothing yet without failing (a folder not made yet): /health lists it, still 200. */
  readonly waiting?: string | null;
  start(): Promise<void>;
  /** Stops reading; returns where each checkpoint key got to (for a reload). */
  stop(): Promise<Map<string, number | string>>;
  /** Sets the source's gauges before /metrics is rendered. */
  collectMetrics(metrics: Metrics): void;
  /** File sources: the files followed now, for `GET /files`. */
  files?(): FollowedFile[];
}

/** A file a source follows, as `GET /files` lists it (Promtail's /targets, Filebeat's registry). */
export interface FollowedFile {
  readonly path: string;
  /** Where its content was first seen (the events' `source`). */
  readonly source_path: string;
  readonly id: string;
  /** Bytes read so far. */
  readonly read_offset: number;
  /** Bytes acknowledged by ingest (the checkpoint); lines past it are in flight or held back. */
  readonly acknowledged_offset: number;
  readonly open: boolean;
  /** Renamed away from where it was first seen (`source_path`), or deleted: read to its end, then released. */
  readonly rotated: boolean;
}
