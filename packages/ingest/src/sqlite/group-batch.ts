/**
 * The checks every write makes before any partition is read, shared by the
 * row store (prepare-write.ts) and the block store (blocks/block-prepare.ts):
 *
 *   events ─► check (@timestamp, event.id) ─► classify ─► expired? ─►
 *   duplicate in the batch? ─► the store's item (or why it cannot be
 *   stored) ─► grouped by partition (UTC day, class)
 */
import type { LogEvent } from '@logship/query/core';
import type { WriteResult } from '../store/log-store.js';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import { checkEvent } from './event-row.js';
import { partitionFileName, utcDay, type PartitionKey } from './partition-name.js';

export interface PartitionGroup<T> {
  /** The partition's file name (partition-name.ts). */
  name: string;
  key: PartitionKey;
  items: T[];
}

/** Why an event that passed the checks cannot be stored (fails this event, not the batch). */
export class Refused {
  constructor(readonly reason: string) {}
}

/**
 * Turns a kept event into what the store's writer takes, or says why it
 * cannot. A module-level function with what it needs in `context`, not a
 * closure made per call: V8 holds a closure's optimized code weakly, so a
 * hot function created anew for each batch is compiled again after every
 * major GC (docs/BLOCK_STORE.md, "Compiled once, less garbage a line").
 */
export type ToItem<T, C> = (event: LogEvent, ts: number, eid: string, index: number, context: C) => T | Refused;

export function groupBatch<T, C>(
  events: readonly LogEvent[],
  at: number,
  policy: RetentionPolicy,
  toItem: ToItem<T, C>,
  context: C,
  times?: readonly number[],
): { result: WriteResult; groups: PartitionGroup<T>[] } {
  const result: WriteResult = { stored: 0, duplicates: 0, expired: 0, errors: [] };
  const groups = new Map<string, PartitionGroup<T>>();
  const byClass = new Map<string, Map<string, PartitionGroup<T>>>();
  const seen = new SeenPairs();
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    const check = checkEvent(event, times?.[index]);
    if (!check.ok) {
      result.errors.push({ index, reason: check.reason });
      continue;
    }
    const className = policy.classify(event);
    if (check.ts < policy.cutoff(className, at)) {
      result.expired++;
      continue;
    }
    if (seen.has(check.ts, check.eid)) {
      result.duplicates++;
      continue;
    }
    const item = toItem(event, check.ts, check.eid, index, context);
    if (item instanceof Refused) {
      result.errors.push({ index, reason: `event cannot be stored: ${item.reason}` });
      continue;
    }
    seen.add(check.ts, check.eid);
    // Found by class, then by utcDay's string (the same one for a day), so
    // no key object or file name is built and hashed an event.
    const day = utcDay(check.ts);
    let byDay = byClass.get(className);
    if (!byDay) byClass.set(className, (byDay = new Map()));
    let group = byDay.get(day);
    if (!group) {
      const key = { day, className };
      const name = partitionFileName(key);
      group = { name, key, items: [] };
      groups.set(name, group);
      byDay.set(day, group);
    }
    group.items.push(item);
  }
  return { result, groups: [...groups.values()] };
}

/**
 * The (@timestamp, event.id) pairs a batch has met, as the stores dedupe
 * (docs/WIRE.md: a duplicate is the same id and time; a receive-stamped
 * event's retry is stamped anew, but within one batch every such event has
 * the batch's time). By id first, with the first time seen: a second time
 * for one id is rare, and a pair's string a line cost more than the map.
 */
class SeenPairs {
  private readonly first = new Map<string, number>();
  private more: Set<string> | null = null;

  has(ts: number, eid: string): boolean {
    const t = this.first.get(eid);
    if (t === undefined) return false;
    return t === ts || (this.more !== null && this.more.has(`${ts} ${eid}`));
  }

  add(ts: number, eid: string): void {
    const t = this.first.get(eid);
    if (t === undefined) this.first.set(eid, ts);
    else if (t !== ts) (this.more ??= new Set()).add(`${ts} ${eid}`);
  }
}
