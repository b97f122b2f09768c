/**
 * Shared pieces of the differential tests (a store against the in-memory
 * matcher, over the same corpus and generated queries): run the matcher,
 * compare two outcomes, and shrink a failing query to a minimal one.
 * Each backend's test supplies only how to ask its store.
 */
import { bucketLeaf, compileMatcher, type LogEvent, type LogReader, type QueryNode } from '@logship/query/core';

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

/**
 * Events the generated corpus lacks, for the semantics a Kibana, Lucene or
 * Elasticsearch user expects: arrays (stored as their JSON text, matched by
 * their elements), nested fields for field-name patterns (`http.*:500`),
 * and strings longer than Elasticsearch's keyword `ignore_above` (8,191).
 * The differential tests add them to their corpus; SEMANTICS_EXPECTED says
 * which of them each query must find, so the matcher is held to the
 * meaning too, not only the stores to the matcher.
 */
export function semanticsEvents(atMs: number): LogEvent[] {
  const at = (i: number): string => new Date(atMs - i * 1000).toISOString();
  const e = (i: number, fields: Record<string, string | number | boolean>): LogEvent => ({
    '@timestamp': at(i),
    'event.id': `sem-${i}`,
    message: `semantics event ${i}`,
    ...fields,
  });
  return [
    e(1, { tags: '["alpha","beta"]', codes: '[404,500]', 'http.status': 500, 'http.method': 'GET' }),
    e(2, { tags: '["gamma","alpha beta"]', flags: '[true,null]', 'http.status': '502', 'res.http.status': 500 }),
    e(3, { tags: 'alpha', codes: 500, 'http.code': 503, 'upstream.status': 500 }),
    e(4, { tags: '[not json', nested: '[["deep",[7]],{"id":1}]', 'http.status': 200 }),
    e(5, { tags: '[]', long_text: 'x'.repeat(9000), 'sem.body': 'y'.repeat(9000) }),
    e(6, { ids: '["9007199254740993"]', mixed: '["500",499.5,false]', 'h.t.t.p': 'GET' }),
  ];
}

/** Queries over semanticsEvents and the `sem-N` ids (of those events) each must find, on every store. */
export const SEMANTICS_EXPECTED: readonly (readonly [string, readonly number[]])[] = [
  // An array matches by its elements, as a multi-valued field in Elasticsearch.
  ['tags:alpha', [1, 3]],
  ['tags:"alpha beta"', [2]],
  ['tags:beta', [1]],
  ['tags:alp*', [1, 2, 3]],
  ['tags:/gam+a/', [2]],
  ['tags:{alpha TO beta]', [1, 2]],
  ['tags:"[\\"alpha\\",\\"beta\\"]"', [1]],
  ['tags:*\\"beta\\"*', [1]],
  ['NOT tags:alpha AND _exists_:tags', [2, 4, 5]],
  ['codes:500', [1, 3]],
  ['codes:[400 TO 499]', [1]],
  ['codes:>=500', [1, 3]],
  ['flags:true', [2]],
  ['nested:deep', [4]],
  ['nested:7', [4]],
  ['nested:1', []],
  ['mixed:500', [6]],
  ['mixed:>499', [6]],
  ['mixed:false', [6]],
  ['ids:9007199254740993', [6]],
  ['tags:"[not json"', [4]],
  ['tags:not', []],
  // Field-name wildcards: some field whose name matches.
  ['http.*:500', [1]],
  ['http.*:(500 OR 502)', [1, 2]],
  ['*.status:500', [1, 2, 3]],
  ['*status:500', [1, 2, 3]],
  ['http.*:>=500', [1, 3]],
  ['http.*:[500 TO 599]', [1, 3]],
  ['http.*:5*', [2]],
  ['http.???????:500', []],
  ['http.?????:GET', []],
  ['http.??????:GET', [1]],
  ['_exists_:http.*', [1, 2, 3, 4]],
  ['http.*:*', [1, 2, 3, 4]],
  ['_exists_:*.body', [5]],
  ['NOT http.*:500 AND message:semantics', [2, 3, 4, 5, 6]],
  ['*:alpha', [1, 3]],
  ['*:GET', [1, 6]],
  ['h*:GET', [1, 6]],
  ['*:semantics AND *:6', [6]],
  ['ta*:(alpha AND NOT beta)', [3]],
  // Kibana's time range over every field is the @timestamp range (sem-N is at now-3h-Ns).
  ['*:[now-3h-4s TO now-3h-2s]', [2, 3, 4]],
  ['*:{now-3h-4s TO now-3h-2s} AND message:semantics', [3]],
  ['*:>=now-3h-1s AND message:semantics', [1]],
  // Strings longer than a keyword's ignore_above still exist.
  ['_exists_:long_text', [5]],
  ['long_text:*', [5]],
  ['_exists_:sem', [5]],
  ['NOT _exists_:long_text AND message:semantics', [1, 2, 3, 4, 6]],
];

/**
 * Every way the stores or the matcher miss SEMANTICS_EXPECTED: the
 * matcher's `sem-N` hits must be the expected ones, and the store's answer
 * over the whole corpus the matcher's. Empty when all agree.
 */
export async function semanticsFailures(
  ordered: readonly LogEvent[],
  now: number,
  viaStore: (query: QueryNode) => Promise<Outcome>,
  parseQuery: (text: string) => QueryNode,
): Promise<string[]> {
  const failures: string[] = [];
  for (const [text, want] of SEMANTICS_EXPECTED) {
    const query = parseQuery(text);
    const m = matcherOutcome(query, ordered, now);
    const got = 'ids' in m ? m.ids.filter((id) => id.startsWith('sem-')).map((id) => Number(id.slice(4))).sort((a, b) => a - b) : m.error;
    if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${text}: matcher found ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    const why = compareOutcomes(m, await viaStore(query));
    if (why) failures.push(`${text}: ${why}`);
  }
  // A terms bucket's key selects the events the bucket counted (group-aggregate.ts bucketLeaf): arrays holding it as an element too.
  for (const [field, key, want] of [['tags', 'alpha', [1, 3]], ['codes', '500', [1, 3]], ['mixed', '500', [6]], ['nested', '7', [4]]] as const) {
    const query = bucketLeaf(field, key);
    const m = matcherOutcome(query, ordered, now);
    const got = 'ids' in m ? m.ids.filter((id) => id.startsWith('sem-')).map((id) => Number(id.slice(4))).sort((a, b) => a - b) : m.error;
    if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`bucket ${field}=${key}: matcher found ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    const why = compareOutcomes(m, await viaStore(query));
    if (why) failures.push(`bucket ${field}=${key}: ${why}`);
  }
  return failures;
}

/**
 * Terms over semanticsEvents (`message:semantics`), as Elasticsearch and
 * Kibana count a multi-valued field: an array under each of its distinct
 * elements, never under its own text; an array without elements (`[]`)
 * missing. [field, size, buckets as [key, count], other_count, missing_count].
 */
export const SEMANTICS_TERMS: readonly (readonly [string, number, readonly (readonly [string, number])[], number, number])[] = [
  ['tags', 10, [['alpha', 2], ['[not json', 1], ['alpha beta', 1], ['beta', 1], ['gamma', 1]], 0, 2],
  ['tags', 2, [['alpha', 2], ['[not json', 1]], 3, 2],
  ['codes', 10, [['500', 2], ['404', 1]], 0, 4],
  ['flags', 10, [['true', 1]], 0, 5],
  ['nested', 10, [['7', 1], ['deep', 1]], 0, 5],
  ['mixed', 10, [['499.5', 1], ['500', 1], ['false', 1]], 0, 5],
  ['ids', 10, [['9007199254740993', 1]], 0, 5],
];

/**
 * Every way a reader's terms over semanticsEvents miss SEMANTICS_TERMS
 * (the reference reader on the matcher and each store are held to it).
 * Empty when all agree.
 */
export async function semanticsTermsFailures(reader: Pick<LogReader, 'aggregate'>, now: number, parseQuery: (text: string) => QueryNode): Promise<string[]> {
  const failures: string[] = [];
  const query = parseQuery('message:semantics');
  for (const [field, size, buckets, other, missing] of SEMANTICS_TERMS) {
    const want = { type: 'terms', buckets: buckets.map(([key, count]) => ({ key, count })), other_count: other, missing_count: missing };
    let got: unknown;
    try {
      got = await reader.aggregate({ query, from: now - 30 * 86_400_000, to: now, now, agg: { type: 'terms', field, size } });
    } catch (err) {
      got = { error: codeOf(err) };
    }
    if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`terms of ${field} (size ${size}): ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  return failures;
}

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
