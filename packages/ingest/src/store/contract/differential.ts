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
