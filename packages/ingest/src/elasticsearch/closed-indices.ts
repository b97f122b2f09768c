/**
 * The closed indices of a read's range (`POST INDEX/_close`), named in its
 * left-out list (the API answer's `warnings`) as LS_ES_INDEX_CLOSED:
 *
 *   read over `<prefix>-*-DAY,…` ─► no left-out list in scope ─► nothing (no request)
 *                                └► list kept ─► closed names of those patterns,
 *                                               cached CACHE_MS per pattern list
 *                                               ─► one warning per closed index
 *
 * A search's wildcard patterns expand to open indices only, so a closed
 * day was skipped without a word: its events missing from the answer, an
 * alert on absence firing. `_resolve/index` with `expand_wildcards=closed`
 * lists only the names (no shard is visited, no mapping read); cached for a
 * moment so a page of the search page, its histogram and its fields, or a
 * ruler's several rules over one range, ask once (bench/closed-index-check.mjs).
 */
import type { Client } from '@elastic/elasticsearch';
import { addLeftOut, leftOutList } from '@logship/query/core';
import { esError } from './es-error.js';
import { parseIndexName, utcDay } from './index-name.js';

/** How long a pattern list's closed indices are taken as known: an index opened meanwhile is named for at most this long. */
const CACHE_MS = 5_000;
/** Bounds the cache: a read's range is a list of day patterns, and ranges are many. */
const MAX_ENTRIES = 256;

interface Known {
  at: number;
  closed: string[];
}

/** The UTC day of `ms`, or `otherwise` for a bound no Date can hold (an open range's ±Infinity). */
function dayOr(ms: number, otherwise: string): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? utcDay(ms) : otherwise;
}

export class ClosedIndices {
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly client: Client,
    private readonly prefix: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Adds a warning per closed index of `index` (the range's pattern list)
   * whose day is in [from, to] to the running read's left-out list, if it
   * keeps one. A wide range reads the whole `<prefix>-*`, which also
   * matches days outside it: those are not the read's.
   */
  async note(index: string, from: number, to: number): Promise<void> {
    const list = leftOutList();
    if (!list) return;
    const [first, last] = [dayOr(from, ''), dayOr(to, '~')];
    const closed = (await this.closedOf(index)).filter((name) => {
      const day = parseIndexName(this.prefix, name)?.day;
      return day !== undefined && day >= first && day <= last;
    });
    addLeftOut(list, closed.map((name) => {
      const message = esError('LS_ES_INDEX_CLOSED', `index ${name} is closed, so its events are left out of this answer; open it with POST ${name}/_open`).message;
      return { partition: name, code: 'LS_ES_INDEX_CLOSED', reason: message, message };
    }));
  }

  private async closedOf(index: string): Promise<string[]> {
    const now = this.clock();
    const hit = this.known.get(index);
    if (hit && now - hit.at < CACHE_MS) return hit.closed;
    let closed: string[];
    try {
      const res = await this.client.indices.resolveIndex({ name: index, expand_wildcards: 'closed' });
      closed = res.indices.filter((i) => i.attributes.includes('closed')).map((i) => i.name).sort();
    } catch {
      // A notice, not the read: a cluster that cannot answer this fails the
      // read itself, in its own words (transport-error.ts).
      return [];
    }
    if (this.known.size >= MAX_ENTRIES) this.known.clear();
    this.known.set(index, { at: now, closed });
    return closed;
  }
}
