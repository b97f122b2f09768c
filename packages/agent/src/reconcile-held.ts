import type { CheckpointStore } from './checkpoint-store.js';
import type { HeldLines } from './held-lines.js';
import type { Logger } from './log.js';

/**
 * At start, before any source reads: the positions of held files the
 * checkpoint does not cover yet (numbered past its `held_through`) go into
 * it, in the order they were held. Such a file was durable, and its batch
 * acknowledged, when a crash came before the checkpoint was written
 * (held-lines.ts); its batch's other lines were stored or refused for good.
 * Reading its lines again sent those lines twice and, were the held file
 * given up for its age meanwhile, held its lines anew with a fresh age.
 *
 * A checkpoint an earlier agent wrote does not say which held files it
 * covers: only file offsets are taken from them then (an offset only moves
 * forward, CheckpointStore.set), not journald cursors, which could move
 * back; at worst journald entries are sent again (ingest stores them once,
 * and the held ones are not held twice: their ids).
 */
export async function reconcileHeld(checkpoints: CheckpointStore, held: HeldLines, log: Logger): Promise<void> {
  const through = checkpoints.heldThrough;
  const known = through !== null;
  const behind = held.all.filter((b) => !known || b.number > through);
  for (const b of behind) {
    for (const [key, pos] of Object.entries(b.positions)) if (known || pos.offset !== undefined) checkpoints.set(key, pos);
    checkpoints.coverHeld(b.number);
  }
  checkpoints.coverHeld(-1);
  if (behind.length === 0) return;
  if (known) log.info('The agent stopped after holding lines and before writing its checkpoint; it reads on after them.', { held_files: behind.map((b) => b.id) });
  // Written now, so that the next start does not depend on this one's first acknowledgement.
  await checkpoints.flush().catch((err: unknown) => log.warn('Writing the checkpoint file failed.', { error: String(err) }));
}
