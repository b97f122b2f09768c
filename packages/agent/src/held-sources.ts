import type { Position } from './batcher.js';
import { keySuffix } from './line-sources.js';
import { sourceOfKey } from './source-renames.js';

/**
 * The label held lines are counted under when nothing tells their source (a
 * line without an event id, or one two sources could have read): not a
 * name a source gets by default (`file-0`, `journald-1`), and refused as
 * a source's `name` by config.ts, so no source's counts take these lines.
 */
export const UNKNOWN_SOURCE = '(unknown)';

export interface HeldAccount {
  readonly ids: readonly string[];
  readonly count: number;
  readonly positions: Readonly<Record<string, Position>>;
  readonly sources: Readonly<Record<string, number>>;
}

/**
 * Whether the sources a held file says its lines came from (per source)
 * need working out again: they do not account for every line (an earlier
 * agent wrote `{}`, and counted held lines with their batch), or they name a source the config no longer has
 * (renamed, or taken out, since the file was written).
 */
export function staleSources(b: HeldAccount, current: ReadonlySet<string>): boolean {
  return Object.values(b.sources).reduce((n, k) => n + k, 0) !== b.count || Object.keys(b.sources).some((name) => !current.has(name));
}

/**
 * Which source each held line is counted under (events_shipped_total when
 * ingest takes it, held_expired_events_total when given up), per source:
 * the source of the config that reads the line's file now (the one source
 * with a checkpoint key for its identity, `keys`: a renamed source has its
 * positions under its new name); else the source whose position the held
 * file carries for that file (a source no longer in the config keeps its
 * name: nothing reads those lines any more); else the one source the file
 * names; else UNKNOWN_SOURCE. So every line is counted once, under a label.
 */
export function attributeHeld(b: HeldAccount, current: ReadonlySet<string>, keys: ReadonlySet<string>): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (name: string, n: number): void => {
    out[name] = (out[name] ?? 0) + n;
  };
  const unique = (names: readonly string[]): string | null => (new Set(names).size === 1 ? names[0]! : null);
  let left = b.count;
  for (const id of b.ids) {
    const suffix = keySuffix(id);
    if (suffix === null) continue;
    const name = unique([...current].filter((n) => keys.has(n + suffix)))
      ?? unique(Object.keys(b.positions).filter((k) => k.endsWith(suffix)).map(sourceOfKey));
    if (name === null) continue;
    add(name, 1);
    left--;
  }
  if (left > 0) {
    const named = Object.keys(b.sources).filter((n) => (b.sources[n] ?? 0) > 0);
    add(unique(named.filter((n) => current.has(n))) ?? unique(Object.keys(b.positions).map(sourceOfKey)) ?? UNKNOWN_SOURCE, left);
  }
  return out;
}
