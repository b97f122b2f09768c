/**
 * The events around one event (GET /api/v1/context, README.md "HTTP API"):
 * the anchor is looked up at its own @timestamp (a one-millisecond range, so
 * no store scans for the id), then its neighbours from the same host and
 * source are read with two ordinary searches, older ones newest first and
 * newer ones oldest first, in the (@timestamp, event.id) order every store
 * already sorts by. Events with the anchor's very @timestamp fall on either
 * side by their event.id, as in a search page: the walk skips those the
 * store puts before the anchor in its own order, so no string comparison
 * here has to agree with a store's collation.
 *
 *          before (desc from the anchor)      after (asc from the anchor)
 *   ... e3 e2 e1 ◄──────────── [anchor] ────────────► e1 e2 e3 ...
 */
import type { QueryNode } from './ast.js';
import type { FieldValue, LogEvent } from './event.js';
import type { ContextRequest, ContextResult, LogReader, SortOrder } from './log-reader.js';

/** How far either way neighbours are looked for: ten years, beyond any retention worth the name. */
export const CONTEXT_SPAN_MS = 3650 * 86_400_000;
/** The fields neighbours share with the anchor. */
export const CONTEXT_FIELDS = ['host', 'source'] as const;

const loc = { start: 0, end: 0 };

/** `field:value` for the anchor's value, or NOT _exists_:field when it has none: a missing field matches only missing. */
function sameAs(field: string, value: FieldValue | undefined): QueryNode {
  if (value === null || value === undefined) return { type: 'not', child: { type: 'exists', field, loc }, loc };
  // The anchor's own value (`whole`): an array's JSON text is one value here, not its elements.
  return { type: 'term', field, value: String(value), phrase: true, whole: true, loc };
}

export function contextQuery(anchor: LogEvent): QueryNode {
  return { type: 'and', children: CONTEXT_FIELDS.map((f) => sameAs(f, Object.hasOwn(anchor, f) ? anchor[f] : undefined)), loc };
}

export async function findContext(reader: LogReader, req: ContextRequest): Promise<ContextResult | null> {
  const signal = req.signal ? { signal: req.signal } : {};
  const found = await reader.search({
    query: { type: 'term', field: 'event.id', value: req.id, phrase: true, loc },
    from: req.ts,
    to: req.ts,
    limit: 1,
    now: req.now,
    ...signal,
  });
  const anchor = found.hits.find((h) => h['event.id'] === req.id);
  if (!anchor) return null;
  const query = contextQuery(anchor);
  const ts = Date.parse(anchor['@timestamp']);
  const side = async (sort: SortOrder, want: number): Promise<LogEvent[]> => {
    const out: LogEvent[] = [];
    if (want <= 0) return out;
    let passed = false;
    let cursor: string | null = null;
    do {
      const page = await reader.search({
        query,
        from: sort === 'desc' ? ts - CONTEXT_SPAN_MS : ts,
        to: sort === 'desc' ? ts : ts + CONTEXT_SPAN_MS,
        sort,
        // The anchor and the events tied with it on the wrong side come first.
        limit: want - out.length + 1,
        cursor,
        now: req.now,
        ...signal,
      });
      for (const h of page.hits) {
        const at = Date.parse(h['@timestamp']);
        const isAnchor = at === ts && h['event.id'] === anchor['event.id'];
        if (!passed) {
          if (isAnchor) passed = true;
          // Tied with the anchor but on the other side of it in the store's order: skip.
          if (at === ts) continue;
          passed = true;
        }
        if (isAnchor) continue;
        out.push(h);
        if (out.length >= want) return out;
      }
      cursor = page.next_cursor;
    } while (cursor !== null);
    return out;
  };
  const [before, after] = await Promise.all([side('desc', req.before), side('asc', req.after)]);
  return { anchor, before: before.reverse(), after };
}
