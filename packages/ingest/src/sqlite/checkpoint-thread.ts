/**
 * WAL checkpoints on a thread of their own, so that the writer thread only
 * inserts and commits.
 *
 * A checkpoint copies the WAL's pages into the database file and fsyncs it.
 * Run by SQLite's autocheckpoint it happens inside the writer's COMMIT, on
 * the writer thread, which is the ingest bottleneck (a CPU profile of
 * sustained ingest: inserts ~40 %, COMMIT with its checkpoints ~15 %).
 * Without any checkpoint, the same 600,000-event write went ~14 % faster.
 *
 *   writer: commit ─► committed(paths) ──postMessage──▶ checkpoint worker
 *                                                       every CHECKPOINT_EVERY_MS, per partition written:
 *                                                       wal_checkpoint(PASSIVE)
 *                                                       and RESTART when the WAL is long
 *
 * PASSIVE never blocks the writer: it copies what was committed when it
 * started, while the writer goes on appending. The WAL is only rewound to
 * its start (instead of growing) when the writer begins a transaction after
 * a checkpoint that caught up completely, which sustained ingest may never
 * allow; so once the WAL holds RESTART_FRAMES frames the worker runs a
 * RESTART checkpoint, which waits for the writer's transaction to end and
 * holds the next one back while it copies the little that the PASSIVE
 * checkpoint just before left. The writer's own autocheckpoint stays on,
 * much higher (WRITER_AUTOCHECKPOINT_PAGES), in case this thread falls behind.
 *
 * The worker opens a connection per checkpoint and closes it after, so it
 * never holds a file open that retention is deleting, nor descriptors for
 * partitions nobody writes. The partitions it is told about are those just
 * committed to: retention only ever deletes expired days, which receive no
 * writes.
 */
import { Worker } from 'node:worker_threads';

/** How often, at most, each partition written to is checkpointed. */
export const CHECKPOINT_EVERY_MS = 500;
/** WAL frames (pages) past which a RESTART checkpoint rewinds the WAL. */
export const RESTART_FRAMES = 8_000;
/** The writer connections' own autocheckpoint while this thread runs: a backstop. */
export const WRITER_AUTOCHECKPOINT_PAGES = 65_536;

export type CheckpointRequest = { op: 'committed'; paths: string[] } | { op: 'close' };

export class CheckpointThread {
  private readonly worker: Worker;
  private closing: Promise<void> | null = null;
  private failed = false;

  constructor() {
    this.worker = new Worker(new URL('./checkpoint-thread.worker.js', import.meta.url));
    // Never what keeps a process alive: the writer's own requests do that.
    this.worker.unref();
    // A dead checkpointer costs speed, not data: the writer's backstop
    // autocheckpoint bounds the WAL, and close() checkpoints every file.
    this.worker.on('error', () => (this.failed = true));
    this.worker.on('exit', () => (this.failed = true));
  }

  /** Partitions whose transactions just committed. */
  committed(paths: string[]): void {
    if (this.failed || this.closing || paths.length === 0) return;
    this.worker.postMessage({ op: 'committed', paths } satisfies CheckpointRequest);
  }

  /** Waits for a running checkpoint, then ends the thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.failed) {
        this.worker.ref();
        const done = new Promise<void>((resolve) => {
          this.worker.once('message', () => resolve());
          this.worker.once('exit', () => resolve());
        });
        this.worker.postMessage({ op: 'close' } satisfies CheckpointRequest);
        await done;
      }
      await this.worker.terminate();
    })();
    return this.closing;
  }
}
