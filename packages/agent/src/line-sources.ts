import type { Position } from './batcher.js';

/**
 * Which sources some lines of a batch came from, per source name: a batch
 * knows only how many events each source has in it (`sources`) and its
 * positions by key (`<source>:<identity>`, `<source>:journald`), so a line is
 * given the source whose key its event id names (`f:<identity>…:<offset>`,
 * `j:<cursor>`). Lines held aside are counted as shipped when ingest takes
 * them, not with their batch (held-lines.ts), which needs this split.
 *
 * A line whose key does not decide (two journald sources in one batch, a
 * half of a batch split for a 413, which carries no positions) goes to the
 * source with the most of the batch's events left, so the counts never
 * exceed the batch's: what is counted with the batch and what is counted
 * later add up to the batch's events.
 */
export function lineSources(lines: readonly string[], positions: Readonly<Record<string, Position>>, budget: Readonly<Record<string, number>>): Record<string, number> {
  const left = { ...budget };
  const out: Record<string, number> = {};
  const keys = Object.keys(positions);
  for (const line of lines) {
    const suffix = keySuffix(eventIdOf(line));
    const named = suffix === null ? [] : keys.filter((k) => k.endsWith(suffix)).map((k) => k.slice(0, k.length - suffix.length));
    let source = named.length === 1 && (left[named[0]!] ?? 0) > 0 ? named[0]! : null;
    if (source === null) {
      for (const [name, n] of Object.entries(left)) if (n > 0 && (source === null || n > left[source]!)) source = name;
    }
    if (source === null) continue;
    left[source]! -= 1;
    out[source] = (out[source] ?? 0) + 1;
  }
  return out;
}

/** `a` less `b`, per source, without the sources left with none. */
export function sourcesLess(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(a)) if (n - (b[name] ?? 0) > 0) out[name] = n - (b[name] ?? 0);
  return out;
}

/** The event id of an envelope (the agent's own lines), or null. */
export function eventIdOf(line: string): string | null {
  try {
    const id = (JSON.parse(line) as Record<string, unknown>)['event.id'];
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** The end of the checkpoint key an event id belongs to (`:<identity>`, `:journald`), or null. */
export function keySuffix(id: string | null): string | null {
  if (id === null) return null;
  if (id.startsWith('j:')) return ':journald';
  if (!id.startsWith('f:')) return null;
  // f:<identity>[~<id source>][@<host>]:<offset>; identities have no `~`, `@` or `:`.
  const identity = /^f:([^~@:]+)/.exec(id)?.[1];
  return identity === undefined ? null : `:${identity}`;
}
