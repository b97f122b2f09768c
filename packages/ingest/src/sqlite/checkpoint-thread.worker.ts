/**
 * The checkpoint thread's entry point (see checkpoint-thread.ts).
 */
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { CHECKPOINT_EVERY_MS, RESTART_FRAMES, type CheckpointRequest } from './checkpoint-thread.js';

const port = parentPort;
if (!port) throw new Error('checkpoint-thread.worker.js runs only as a worker thread');

/** Partitions committed to since their last checkpoint. */
const dirty = new Set<string>();
let timer: NodeJS.Timeout | null = null;

function checkpoint(file: string): void {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch {
    // Deleted meanwhile (retention, a test's cleanup): nothing to copy.
    return;
  }
  try {
    // RESTART waits for the writer's transaction; the writer's own
    // busy_timeout is as long, so neither gives up on the other.
    db.pragma('busy_timeout = 5000');
    // A checkpoint fsyncs the database file only at NORMAL or FULL.
    db.pragma('synchronous = FULL');
    db.pragma('journal_size_limit = 67108864');
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    if (passive && passive.log >= RESTART_FRAMES) db.pragma('wal_checkpoint(RESTART)');
  } catch {
    // A busy or vanished file: the next commit asks again, and the writer's
    // backstop autocheckpoint bounds the WAL meanwhile.
  } finally {
    db.close();
  }
}

function run(): void {
  timer = null;
  const files = [...dirty];
  dirty.clear();
  for (const file of files) checkpoint(file);
}

port.on('message', (msg: CheckpointRequest) => {
  if (msg.op === 'close') {
    if (timer) clearTimeout(timer);
    timer = null;
    dirty.clear();
    port.postMessage({ closed: true });
    return;
  }
  for (const file of msg.paths) dirty.add(file);
  timer ??= setTimeout(run, CHECKPOINT_EVERY_MS);
});
