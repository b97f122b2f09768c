import type { Position } from './batcher.js';
import { renamedKeys } from './source-renames.js';

/**
 * Moves checkpoints in acknowledgement order while some lines are held aside
 * (held-lines.ts): a batch acknowledged after a held one must not move the
 * checkpoint of a key the held one carries, or a restart would start reading
 * after lines the server never stored. Such positions wait here, in order,
 * and are applied once every held batch before them that carries their key
 * is delivered. Keys no held batch carries move at once, as before.
 *
 *   ack ─► [held A: k1,k2] [ack: k1,k3] [held B: k3] [ack: k1,k3]
 *           k1, k2 wait for A; k3 moves to the first ack's, then waits for B
 */
interface Slot {
  /** Set on a held batch; positions of later slots with its keys wait for it. */
  held: string | null;
  positions: Record<string, Position>;
}

export class AckOrder {
  private readonly slots: Slot[] = [];

  constructor(private readonly apply: (key: string, position: Position) => void) {}

  /** Held batches waiting for delivery. */
  get held(): number {
    return this.slots.filter((s) => s.held !== null).length;
  }

  /** A batch delivered (or given up): its positions move now or after the held batches before it. */
  acknowledge(positions: Readonly<Record<string, Position>>): void {
    if (this.slots.length === 0) {
      for (const [key, pos] of Object.entries(positions)) this.apply(key, pos);
      return;
    }
    // Waiting positions after the last held batch fold into one slot: a day
    // damaged for hours must not keep a slot per batch acknowledged since.
    const last = this.slots.at(-1)!;
    if (last.held === null) for (const [key, pos] of Object.entries(positions)) last.positions[key] = folded(last.positions[key], pos);
    else this.slots.push({ held: null, positions: { ...positions } });
    this.drain();
  }

  /** Lines of a batch held aside under `id`: its positions, and later ones of its keys, wait for `release(id)`. */
  hold(id: string, positions: Readonly<Record<string, Position>>): void {
    this.slots.push({ held: id, positions: { ...positions } });
  }

  /** The held batch `id` was delivered (or given up): its positions move, then those that waited for it. */
  release(id: string): void {
    const slot = this.slots.find((s) => s.held === id);
    if (!slot) return;
    slot.held = null;
    this.drain();
  }

  /** Sources renamed (Agent.adoptRenames): waiting positions move to the new names. */
  renameSources(renames: ReadonlyMap<string, string>): void {
    for (const s of this.slots) s.positions = renamedKeys(s.positions, renames);
  }

  /** Applies, oldest first, every waiting position no earlier held batch blocks. */
  private drain(): void {
    const blocked = new Set<string>();
    for (const slot of this.slots) {
      if (slot.held !== null) {
        for (const key of Object.keys(slot.positions)) blocked.add(key);
        continue;
      }
      for (const [key, pos] of Object.entries(slot.positions)) {
        if (blocked.has(key)) continue;
        this.apply(key, pos);
        delete slot.positions[key];
      }
    }
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const s = this.slots[i]!;
      if (s.held === null && Object.keys(s.positions).length === 0) this.slots.splice(i, 1);
    }
  }
}

/** One position that does what applying `earlier` then `later` does (CheckpointStore.set). */
function folded(earlier: Position | undefined, later: Position): Position {
  if (earlier === undefined) return later;
  if (later.offset === undefined) return { ...earlier, ...later };
  if (earlier.offset !== undefined && later.offset < earlier.offset) return earlier;
  const { mark: _mark, ...rest } = earlier;
  return { ...rest, ...later };
}
