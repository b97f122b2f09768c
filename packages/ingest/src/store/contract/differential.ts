/**
 * Shared pieces of the differential tests (a store against the in-memory
 * matcher, over the same corpus and generated queries): run the matcher,
 * compare two outcomes, and shrink a failing query to a minimal one.
 * Each backend's test supplies only how to ask its store.
 */
import { compileMatcher, type LogEvent, type QueryNode } from '@logship/query';

/** Free text and text-field clauses that hit tracebacks (issue 15 item 1) */
export const TEXT_FIELD_QUERIES = [
  'KeyError',
  'keyerror',
  '"missing_order_id"',
  '"most recent call last"',
  'exc_info:KeyError',
  'exc_info:"order_id"',
  'exception:valueerror',
  'err.stack:"app.js"',
  'err.message:undefined',
  'error.stack_trace:"com.example.Main.run"',
  'error.message:closed',
  'text:charge',
  'stack_info:module',
  'illegalstateexception AND NOT message:illegalstateexception',
  'KeyError -level:warning',
  'Key*',
  '/zero.*/',
  'exc_info:42',
  'err.stack:true',
  '"OrderService.close"',
  'ünï',
];

/**
 * Queries whose meaning a user of Kibana or Lucene expects, held to the
 * matcher on every store. `_exists_:parent` matches the events with any
 * field under `parent.` (nested objects are flattened to dotted keys):
 * `err` with `err.stack`, `exception` with a string `exception` in some
 * events and `exception.type` in others, names hex-encoded on
 * Elasticsearch (`ünïcode.key`, `with space`).
 */
export const SEMANTICS_QUERIES = [
  '_exists_:err',
  'err:*',
  '_exists_:error',
  '_exists_:exception',
  'NOT _exists_:exception',
  '_exists_:req',
  '_exists_:dotted',
  '_exists_:dotted.a',
  '_exists_:dotted.a.b',
  '_exists_:ünïcode',
  '_exists_:journald',
  '_exists_:res OR NOT _exists_:req',
  '_exists_:event',
  '_exists_:with',
  '_exists_:err OR _exists_:error',
  '_exists_:exc',
  '_exists_:no.such',
  // Integers beyond 2^53: a number compares as the double it is, everywhere; the digits ingest keeps are a string.
  'trace_id:1234567890123456789',
  'trace_id:1234567890123456800',
  'trace_id:9007199254740993',
  'trace_id:>1234567890123456700',
  'trace_id:[9007199254740992 TO 9007199254740994]',
  'trace_id:<0',
  'snowflake:1790000000000000001',
  'snowflake:"18446744073709551615"',
  'snowflake:{1 TO 2]',
  // As many clauses as a query may have (1024): an OR of 1000 values, an AND of 1000 NOTs.
  `status:(${Array.from({ length: 1000 }, (_, i) => i + 100).join(' OR ')})`,
  Array.from({ length: 1000 }, (_, i) => `-x:${i}`).join(' '),
];

/** Event ids in result order, or the error code a query was refused with. */
export type Outcome = { ids: string[] } | { error: string };

export function codeOf(err: unknown): string {
  return (err as { code?: string }).code ?? String(err);
}

/** The matcher's answer over `ordered` (already in the store's sort order). */
export function matcherOutcome(query: QueryNode, ordered: readonly LogEvent[], now: number): Outcome {
  let match: (e: LogEvent) => boolean;
  try {
    match = compileMatcher(query, { now });
  } catch (err) {
    return { error: codeOf(err) };
  }
  return { ids: ordered.filter(match).map((e) => e['event.id']) };
}

/** Null when the two agree (same ids in the same order, or the same error code); else what differs. */
export function compareOutcomes(a: Outcome, b: Outcome): string | null {
  if ('error' in a || 'error' in b) {
    return 'error' in a && 'error' in b && a.error === b.error
      ? null
      : `matcher ${JSON.stringify(a).slice(0, 200)} vs store ${JSON.stringify(b).slice(0, 300)}`;
  }
  if (a.ids.length === b.ids.length && a.ids.every((id, i) => id === b.ids[i])) return null;
  const sa = new Set(a.ids);
  const sb = new Set(b.ids);
  const onlyMatcher = a.ids.filter((id) => !sb.has(id)).slice(0, 5);
  const onlyStore = b.ids.filter((id) => !sa.has(id)).slice(0, 5);
  return `matcher ${a.ids.length} ids, store ${b.ids.length}; only matcher: ${onlyMatcher.join(',')}; only store: ${onlyStore.join(',')}`;
}

/** Smaller variants of a query: a child in place of its parent, a child dropped, a subtree shrunk. */
function* smaller(q: QueryNode): Generator<QueryNode> {
  if (q.type === 'not') {
    yield q.child;
    for (const c of smaller(q.child)) yield { ...q, child: c };
  }
  if (q.type === 'and' || q.type === 'or') {
    yield* q.children;
    if (q.children.length > 2) {
      for (let i = 0; i < q.children.length; i++) yield { ...q, children: q.children.filter((_, j) => j !== i) };
    }
    for (let i = 0; i < q.children.length; i++) {
      for (const c of smaller(q.children[i] as QueryNode)) yield { ...q, children: q.children.map((x, j) => (j === i ? c : x)) };
    }
  }
}

/**
 * The smallest variant that still fails. Asynchronous, unlike the query
 * package's `shrinkQuery`, because asking a store is.
 */
export async function shrinkFailing(q: QueryNode, fails: (candidate: QueryNode) => Promise<boolean>): Promise<QueryNode> {
  let current = q;
  for (let progress = true; progress; ) {
    progress = false;
    for (const candidate of smaller(current)) {
      if (await fails(candidate)) {
        current = candidate;
        progress = true;
        break;
      }
    }
  }
  return current;
}

/**
 * The reference date histogram: [key, count] for every interval of [from,
 * to] (epoch-aligned, empty ones 0), counted from the timestamps directly,
 * independently of the stores' own bucketing.
 */
export function expectedHistogram(timestamps: readonly number[], from: number, to: number, intervalMs: number): [number, number][] {
  const counts = new Map<number, number>();
  for (const t of timestamps) {
    if (t < from || t > to) continue;
    const key = Math.floor(t / intervalMs) * intervalMs;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const out: [number, number][] = [];
  for (let key = Math.floor(from / intervalMs) * intervalMs; key <= to; key += intervalMs) out.push([key, counts.get(key) ?? 0]);
  return out;
}
