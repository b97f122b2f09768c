import { createHash } from 'node:crypto';
import type { SourceConfig } from './config.js';

/**
 * A source's positions (checkpoint keys `<source name>:<identity>`) and
 * the ids of a file it shares with another source carry its name, as
 * Vector keys its checkpoints by the source's id. A name changes more often
 * than what it names: a source given a name it did not have, or an unnamed
 * one (`file-<index>`) whose place in the config moved. Read again from its
 * start (or from the end, `start_position: end`, losing what was written
 * meanwhile), such a source shipped everything again, under new ids where
 * it shares a file. So what a source reads is recorded with its name in
 * the checkpoint file, and a source that reads what a vanished name read
 * takes its positions: a rename, when it is the only one each way.
 *
 * What a source reads: its type and globs (file sources), its units and
 * matches (journald). Labels, filters and the rest may change with the
 * name: they change what is shipped, not where reading got to (as Promtail
 * keys its positions by path).
 */
export function sourceSignature(s: SourceConfig): string {
  const what = s.type === 'journald'
    ? [s.type, [...s.units].sort(), [...s.user_units].sort(), [...s.matches].sort(), s.directory ?? '']
    : [s.type, [...s.include].sort(), [...s.exclude].sort()];
  return createHash('sha256').update(JSON.stringify(what)).digest('hex').slice(0, 16);
}

/**
 * The renames between the sources the checkpoint recorded and the config's
 * (name → signature each): old name → new name, for each signature that
 * exactly one vanished name had (recorded, no longer in the config with
 * it, with positions) and exactly one new name has (in the config, not
 * recorded with it). Two unnamed sources that swapped places swap names.
 */
export function findRenames(
  recorded: ReadonlyMap<string, string>, current: ReadonlyMap<string, string>, hasPositions: (name: string) => boolean,
): Map<string, string> {
  const bySignature = (m: ReadonlyMap<string, string>, other: ReadonlyMap<string, string>): Map<string, string[]> => {
    const out = new Map<string, string[]>();
    for (const [name, sig] of m) if (other.get(name) !== sig) out.set(sig, [...(out.get(sig) ?? []), name]);
    return out;
  };
  const gone = bySignature(recorded, current);
  const fresh = bySignature(current, recorded);
  const renames = new Map<string, string>();
  for (const [sig, from] of gone) {
    const to = fresh.get(sig);
    if (from.length === 1 && to?.length === 1 && hasPositions(from[0]!)) renames.set(from[0]!, to[0]!);
  }
  return renames;
}

/** The source name of a checkpoint key (`<name>:<identity>`, `<name>:journald`): identities hold no `:`. */
export function sourceOfKey(key: string): string {
  return key.slice(0, key.lastIndexOf(':'));
}

/**
 * `record` with the keys of renamed sources under their new names (a new
 * object). A renamed key wins over one the new name had: the new name reads
 * what the old one read now, not what it read before.
 */
export function renamedKeys<T>(record: Readonly<Record<string, T>>, renames: ReadonlyMap<string, string>, keyName: (key: string) => string = sourceOfKey): Record<string, T> {
  const out: Record<string, T> = {};
  const moved: Array<[string, T]> = [];
  for (const [key, value] of Object.entries(record)) {
    const name = keyName(key);
    const to = renames.get(name);
    if (to === undefined) out[key] = value;
    else moved.push([to + key.slice(name.length), value]);
  }
  for (const [key, value] of moved) out[key] = value;
  return out;
}
