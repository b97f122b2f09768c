/**
 * The LogStore contract suite (DESIGN.md §4, §5): every backend runs it.
 *
 *   runLogStoreContract('sqlite', (opts) => openSqliteStore({ ... }));
 *
 * It registers node:test tests. Each test that writes gets a fresh, empty
 * store from `makeStore` with a clock the suite controls, and closes it
 * afterwards (cleaning up files or indices is the factory's business).
 * Expected results are computed from the corpus with plain predicates,
 * never from a store.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent, QueryNode, SearchRequest } from '@logship/query/core';
import type { LogStore } from '../log-store.js';
import { expectedHistogram } from './differential.js';
import { readApiContractTests } from './read-api-contract.js';
import { retentionContractTests } from './retention-contract.js';
import { DAY_MS, DEFAULT_RETENTION, type RetentionConfig } from '../../retention/retention-config.js';
import { q } from './ast-builders.js';
import { CONTRACT_NOW, contractCorpus } from './contract-fixture.js';
import { isStoreError } from '../store-error.js';

export interface ContractStoreOptions {
  retention: RetentionConfig;
  /** The store's clock (retention visibility, default `now` of write/retention). */
  now: () => number;
}

export type MakeContractStore = (opts: ContractStoreOptions) => Promise<LogStore>;

const HOUR = 3_600_000;
const WIDE = { from: CONTRACT_NOW - 30 * DAY_MS, to: CONTRACT_NOW + DAY_MS };

function ts(e: LogEvent): number {
  return Date.parse(e['@timestamp']);
}

/** Expected order: @timestamp then event.id (all ids in the corpus are ASCII). */
function ordered(events: LogEvent[], sort: 'asc' | 'desc' = 'desc'): string[] {
  const sorted = [...events].sort((a, b) => ts(a) - ts(b) || (a['event.id'] < b['event.id'] ? -1 : 1));
  if (sort === 'desc') sorted.reverse();
  return sorted.map((e) => e['event.id']);
}

function str(e: LogEvent, field: string): string | undefined {
  const v = e[field];
  return typeof v === 'string' ? v : undefined;
}

function num(e: LogEvent, field: string): number | undefined {
  const v = e[field];
  return typeof v === 'number' ? v : undefined;
}

function words(e: LogEvent): string[] {
  return (str(e, 'message') ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

export function runLogStoreContract(name: string, makeStore: MakeContractStore): void {
  const withStore = async (
    fn: (store: LogStore, clock: { now: number }) => Promise<void>,
    retention: RetentionConfig = DEFAULT_RETENTION,
  ): Promise<void> => {
    const clock = { now: CONTRACT_NOW };
    const store = await makeStore({ retention, now: () => clock.now });
    try {
      await fn(store, clock);
    } finally {
      await store.close();
    }
  };

  const corpus = contractCorpus();

  // The tests that only read the corpus (search, count, aggregate leave a
  // store as they found it) share one store holding it, closed when the
  // suite ends: opening a store and writing the corpus cost more than their
  // queries (about 1 s a test on the block store, 2-3 s on Elasticsearch).
  let corpusStore: Promise<LogStore> | undefined;
  const withCorpusStore = async (fn: (store: LogStore) => Promise<void>): Promise<void> => {
    corpusStore ??= makeStore({ retention: DEFAULT_RETENTION, now: () => CONTRACT_NOW }).then(async (store) => {
      assert.equal((await store.write(corpus)).stored, corpus.length);
      return store;
    });
    await fn(await corpusStore);
  };
  const closeCorpusStore = async (): Promise<void> => (await corpusStore?.catch(() => undefined))?.close();
  const searchAll = async (store: LogStore, query: QueryNode, extra: Partial<SearchRequest> = {}): Promise<string[]> => {
    const res = await store.search({ ...WIDE, query, limit: 1000, now: CONTRACT_NOW, ...extra });
    return res.hits.map((h) => h['event.id']);
  };

  describe(`LogStore contract: ${name}`, () => {
    after(closeCorpusStore);

    test('write stores a batch and search returns it newest first', async () => {
      await withStore(async (store) => {
        const res = await store.write(corpus);
        // storedIndexes is optional (a backend may not know); when given, it names every stored event.
        const { storedIndexes, ...counts } = res;
        assert.deepEqual(counts, { stored: corpus.length, duplicates: 0, expired: 0, errors: [] });
        if (storedIndexes !== undefined) assert.deepEqual(storedIndexes, corpus.map((_, i) => i));
        const page = await store.search({ ...WIDE, query: q.all(), limit: 1000, now: CONTRACT_NOW });
        assert.deepEqual(
          page.hits.map((h) => h['event.id']),
          ordered(corpus),
        );
        assert.deepEqual(page.total, { value: corpus.length, relation: 'eq' });
        assert.equal(page.next_cursor, null);
      });
    });

    test('stored events come back with every field and value type intact', async () => {
      await withCorpusStore(async (store) => {
        const hits = (await store.search({ ...WIDE, query: q.all(), limit: 1000, now: CONTRACT_NOW })).hits;
        const byId = new Map(hits.map((h) => [h['event.id'], h]));
        for (const e of corpus) assert.deepEqual(byId.get(e['event.id']), e);
      });
    });

    test('fields projection returns only the asked fields plus @timestamp and event.id', async () => {
      await withCorpusStore(async (store) => {
        const res = await store.search({ ...WIDE, query: q.all(), limit: 5, now: CONTRACT_NOW, fields: ['level', 'status'] });
        assert.equal(res.hits.length, 5);
        for (const h of res.hits) {
          const e = corpus.find((c) => c['event.id'] === h['event.id']);
          assert.ok(e);
          const expected: LogEvent = { '@timestamp': e['@timestamp'], 'event.id': e['event.id'] };
          if (e.level !== undefined) expected.level = e.level;
          if (e.status !== undefined) expected.status = e.status;
          assert.deepEqual(h, expected);
        }
      });
    });

    test('writing the same events again stores nothing new (dedupe by event.id)', async () => {
      await withStore(async (store) => {
        await store.write(corpus.slice(0, 40));
        const again = await store.write(corpus);
        assert.equal(again.stored, corpus.length - 40);
        assert.equal(again.duplicates, 40);
        if (again.storedIndexes !== undefined) assert.deepEqual(again.storedIndexes, corpus.map((_, i) => i).slice(40));
        const inBatch = corpus[0] as LogEvent;
        const dup = await store.write([{ ...inBatch, 'event.id': 'fresh-1' }, { ...inBatch, 'event.id': 'fresh-1' }]);
        assert.equal(dup.stored, 1);
        assert.equal(dup.duplicates, 1);
        if (dup.storedIndexes !== undefined) assert.deepEqual(dup.storedIndexes, [0]);
        assert.equal(await store.count({ ...WIDE, query: q.all(), now: CONTRACT_NOW }), corpus.length + 1);
      });
    });

    test('one event.id at two times of one batch is two events, as in two batches (a duplicate is the same id and time)', async () => {
      await withStore(async (store) => {
        const base = corpus[0] as LogEvent;
        const at = Date.parse(base['@timestamp']);
        // A day apart, so Elasticsearch (which dedupes by _id per daily index) agrees.
        const other = new Date(at - 86_400_000).toISOString();
        const res = await store.write([
          { ...base, 'event.id': 'twice-1', message: 'first' },
          { ...base, 'event.id': 'twice-1', '@timestamp': other, message: 'second' },
          { ...base, 'event.id': 'twice-1', message: 'first again' },
        ]);
        assert.equal(res.stored, 2);
        assert.equal(res.duplicates, 1);
        if (res.storedIndexes !== undefined) assert.deepEqual(res.storedIndexes, [0, 1]);
        const hits = (await store.search({ ...WIDE, query: q.phrase('event.id', 'twice-1'), limit: 10, now: CONTRACT_NOW })).hits;
        assert.deepEqual(hits.map((h) => h.message).sort(), ['first', 'second']);
        // The same day, a millisecond apart: the embedded stores key by (time, id);
        // Elasticsearch's _id is one per daily index (docs/ELASTICSEARCH.md "Writes").
        if (name === 'elasticsearch') return;
        const near = await store.write([
          { ...base, 'event.id': 'twice-2', message: 'third' },
          { ...base, 'event.id': 'twice-2', '@timestamp': new Date(at + 1).toISOString(), message: 'fourth' },
        ]);
        assert.deepEqual([near.stored, near.duplicates], [2, 0]);
      });
    });

    test('invalid events are reported by index and the rest of the batch is stored', async () => {
      await withStore(async (store) => {
        const good = corpus[0] as LogEvent;
        const batch = [
          good,
          { ...good, 'event.id': '' },
          { ...good, 'event.id': 'bad-ts', '@timestamp': 'yesterday' },
          corpus[1] as LogEvent,
        ];
        const res = await store.write(batch);
        assert.equal(res.stored, 2);
        assert.deepEqual(
          res.errors.map((e) => e.index),
          [1, 2],
        );
        if (res.storedIndexes !== undefined) assert.deepEqual(res.storedIndexes, [0, 3]);
        for (const e of res.errors) assert.ok(e.reason.length > 0);
      });
    });

    const cases: { title: string; query: QueryNode; expect: (e: LogEvent) => boolean }[] = [
      { title: 'match all', query: q.all(), expect: () => true },
      { title: 'keyword term logger:"django.security"', query: q.phrase('logger', 'django.security'), expect: (e) => e.logger === 'django.security' },
      { title: 'level matches case-insensitively (level:ERROR)', query: q.term('level', 'ERROR'), expect: (e) => e.level === 'error' },
      { title: 'free text token (timeout)', query: q.term(null, 'timeout'), expect: (e) => words(e).includes('timeout') },
      { title: 'free text is case-insensitive (TIMEOUT)', query: q.term(null, 'TIMEOUT'), expect: (e) => words(e).includes('timeout') },
      {
        title: 'phrase message:"login failed"',
        query: q.phrase('message', 'login failed'),
        expect: (e) => /\blogin failed\b/i.test(str(e, 'message') ?? ''),
      },
      {
        title: 'phrase words out of order do not match ("failed login")',
        query: q.phrase(null, 'failed login'),
        expect: (e) => /\bfailed login\b/i.test(str(e, 'message') ?? ''),
      },
      { title: 'numeric comparison status:>=500', query: q.gte('status', '500'), expect: (e) => (num(e, 'status') ?? -1) >= 500 },
      { title: 'numeric term status:404', query: q.term('status', '404'), expect: (e) => e.status === 404 },
      {
        title: 'closed range duration_ms:[100 TO 200]',
        query: q.range('duration_ms', { value: '100', inclusive: true }, { value: '200', inclusive: true }),
        expect: (e) => {
          const d = num(e, 'duration_ms');
          return d !== undefined && d >= 100 && d <= 200;
        },
      },
      {
        title: 'half-open range duration_ms:{100 TO *]',
        query: q.range('duration_ms', { value: '100', inclusive: false }, null),
        expect: (e) => (num(e, 'duration_ms') ?? -1) > 100,
      },
      {
        title: '@timestamp range in ISO form',
        query: q.range(
          '@timestamp',
          { value: new Date(CONTRACT_NOW - 20 * HOUR).toISOString(), inclusive: true },
          { value: new Date(CONTRACT_NOW - 10 * HOUR).toISOString(), inclusive: false },
        ),
        expect: (e) => ts(e) >= CONTRACT_NOW - 20 * HOUR && ts(e) < CONTRACT_NOW - 10 * HOUR,
      },
      { title: 'exists on a promoted field', query: q.exists('user_id'), expect: (e) => e.user_id !== undefined },
      { title: 'exists on an ordinary field', query: q.exists('db.vendor'), expect: (e) => e['db.vendor'] !== undefined },
      { title: 'exists on message (some events have none)', query: q.exists('message'), expect: (e) => e.message !== undefined },
      { title: 'term on an ordinary dotted field', query: q.term('http.method', 'POST'), expect: (e) => e['http.method'] === 'POST' },
      { title: 'NOT level:info', query: q.not(q.term('level', 'info')), expect: (e) => e.level !== 'info' },
      {
        title: 'NOT on a field some events lack matches those events',
        query: q.not(q.term('user_id', 'user-alice')),
        expect: (e) => e.user_id !== 'user-alice',
      },
      {
        title: 'a missing field never matches a positive clause',
        query: q.or(q.term('nope.field', 'x'), q.gte('nope.number', '0')),
        expect: () => false,
      },
      {
        title: 'AND / OR combine',
        query: q.and(q.term('job', 'django'), q.or(q.term('level', 'error'), q.term('level', 'critical'))),
        expect: (e) => e.job === 'django' && (e.level === 'error' || e.level === 'critical'),
      },
      {
        title: 'seed query: logger:"django.security" AND message:"login failed"',
        query: q.and(q.phrase('logger', 'django.security'), q.phrase('message', 'login failed')),
        expect: (e) => e.logger === 'django.security' && /login failed/i.test(str(e, 'message') ?? ''),
      },
      {
        title: 'seed query: duration_ms:>1000',
        query: q.gt('duration_ms', '1000'),
        expect: (e) => (num(e, 'duration_ms') ?? -1) > 1000,
      },
    ];
    for (const c of cases) {
      test(`search: ${c.title}`, async () => {
        await withCorpusStore(async (store) => {
          const expected = ordered(corpus.filter(c.expect));
          assert.deepEqual(await searchAll(store, c.query), expected);
          assert.equal(await store.count({ ...WIDE, query: c.query, now: CONTRACT_NOW }), expected.length);
        });
      });
    }

    test('the time range of the request bounds the hits, inclusive at both ends', async () => {
      await withCorpusStore(async (store) => {
        const sorted = ordered(corpus, 'asc');
        const from = ts(corpus.find((e) => e['event.id'] === sorted[10]) as LogEvent);
        const to = ts(corpus.find((e) => e['event.id'] === sorted[40]) as LogEvent);
        const expected = ordered(corpus.filter((e) => ts(e) >= from && ts(e) <= to));
        assert.deepEqual(await searchAll(store, q.all(), { from, to }), expected);
      });
    });

    test('sort asc and desc, ties on @timestamp broken by event.id', async () => {
      await withCorpusStore(async (store) => {
        assert.deepEqual(await searchAll(store, q.all(), { sort: 'asc' }), ordered(corpus, 'asc'));
        assert.deepEqual(await searchAll(store, q.all(), { sort: 'desc' }), ordered(corpus, 'desc'));
      });
    });

    for (const sort of ['desc', 'asc'] as const) {
      test(`paging (${sort}) across partitions has no gaps or repeats, even while ingesting`, async () => {
        await withStore(async (store) => {
          const [first, later] = [corpus.filter((_, i) => i % 5 !== 0), corpus.filter((_, i) => i % 5 === 0)];
          await store.write(first);
          const seen: string[] = [];
          let cursor: string | null = null;
          let pages = 0;
          let cursorAtWrite = '';
          do {
            const page = await store.search({ ...WIDE, query: q.all(), limit: 7, now: CONTRACT_NOW, sort, cursor });
            assert.ok(page.hits.length <= 7);
            seen.push(...page.hits.map((h) => h['event.id']));
            cursor = page.next_cursor;
            // New events arriving mid-way must not shift later pages.
            if (++pages === 2) {
              cursorAtWrite = seen[seen.length - 1] ?? '';
              await store.write(later);
            }
          } while (cursor !== null && pages < 100);
          // Exactly: every event of the first write, plus the late events
          // that sort after the position where they arrived, in order.
          const full = ordered(corpus, sort);
          const firstIds = new Set(first.map((e) => e['event.id']));
          const boundary = full.indexOf(cursorAtWrite);
          assert.ok(boundary >= 0);
          assert.deepEqual(
            seen,
            full.filter((id, i) => firstIds.has(id) || i > boundary),
          );
        });
      });
    }

    test('a malformed cursor is rejected', async () => {
      await withCorpusStore(async (store) => {
        await assert.rejects(store.search({ ...WIDE, query: q.all(), limit: 5, now: CONTRACT_NOW, cursor: 'not-a-cursor' }), (err) =>
          isStoreError(err, 'LS_STORE_BAD_CURSOR'));
      });
    });

    test('a cursor is bound to its query and sort: another query or the other order is refused', async () => {
      await withCorpusStore(async (store) => {
        const page = await store.search({ ...WIDE, query: q.all(), limit: 5, now: CONTRACT_NOW });
        assert.ok(page.next_cursor);
        const again = await store.search({ ...WIDE, query: q.all(), limit: 5, now: CONTRACT_NOW, cursor: page.next_cursor });
        assert.equal(again.hits.length, 5);
        const bad = (err: unknown) => isStoreError(err, 'LS_STORE_BAD_CURSOR') && (err as { statusCode?: number }).statusCode === 400;
        await assert.rejects(store.search({ ...WIDE, query: q.term('job', 'django'), limit: 5, now: CONTRACT_NOW, cursor: page.next_cursor }), bad);
        await assert.rejects(store.search({ ...WIDE, query: q.all(), limit: 5, sort: 'asc', now: CONTRACT_NOW, cursor: page.next_cursor }), bad);
      });
    });

    test('total is exact (eq) for a small result', async () => {
      await withCorpusStore(async (store) => {
        const res = await store.search({ ...WIDE, query: q.term('job', 'django'), limit: 3, now: CONTRACT_NOW });
        assert.deepEqual(res.total, { value: corpus.filter((e) => e.job === 'django').length, relation: 'eq' });
        assert.equal(res.hits.length, 3);
        assert.notEqual(res.next_cursor, null);
      });
    });

    test('aggregate terms: top N, other and missing', async () => {
      await withCorpusStore(async (store) => {
        const res = await store.aggregate({ ...WIDE, query: q.all(), agg: { type: 'terms', field: 'logger', size: 1 }, now: CONTRACT_NOW });
        const counts = new Map<string, number>();
        for (const e of corpus) if (e.logger !== undefined) counts.set(e.logger, (counts.get(e.logger) ?? 0) + 1);
        const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
        assert.equal(res.type, 'terms');
        if (res.type !== 'terms') return;
        assert.deepEqual(res.buckets, [{ key: sorted[0]?.[0], count: sorted[0]?.[1] }]);
        assert.equal(res.other_count, sorted.slice(1).reduce((s, [, n]) => s + n, 0));
        assert.equal(res.missing_count, corpus.filter((e) => e.logger === undefined).length);
      });
    });

    test('aggregate terms on a numeric field within a query', async () => {
      await withCorpusStore(async (store) => {
        const res = await store.aggregate({ ...WIDE, query: q.exists('status'), agg: { type: 'terms', field: 'status', size: 10 }, now: CONTRACT_NOW });
        assert.equal(res.type, 'terms');
        if (res.type !== 'terms') return;
        const counts = new Map<string, number>();
        for (const e of corpus) if (e.status !== undefined) counts.set(String(e.status), (counts.get(String(e.status)) ?? 0) + 1);
        assert.deepEqual(
          new Map(res.buckets.map((b) => [b.key, b.count])),
          counts,
        );
        assert.equal(res.other_count, 0);
        assert.equal(res.missing_count, 0);
      });
    });

    test('aggregate date_histogram counts per interval', async () => {
      await withCorpusStore(async (store) => {
        const interval = 6 * HOUR;
        const res = await store.aggregate({ ...WIDE, query: q.all(), agg: { type: 'date_histogram', interval_ms: interval }, now: CONTRACT_NOW });
        assert.equal(res.type, 'date_histogram');
        if (res.type !== 'date_histogram') return;
        assert.deepEqual(
          res.buckets.map((b) => [b.key, b.count]),
          expectedHistogram(corpus.map(ts), WIDE.from, WIDE.to, interval),
        );
        for (const b of res.buckets) assert.equal(b.key_as_string, new Date(b.key).toISOString());
      });
    });

    test('aggregate stats and percentiles of a numeric field', async () => {
      await withCorpusStore(async (store) => {
        const values = corpus.map((e) => num(e, 'duration_ms')).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
        const stats = await store.aggregate({ ...WIDE, query: q.all(), agg: { type: 'stats', field: 'duration_ms' }, now: CONTRACT_NOW });
        const sum = values.reduce((s, v) => s + v, 0);
        assert.deepEqual(stats, {
          type: 'stats',
          count: values.length,
          min: values[0],
          max: values[values.length - 1],
          avg: sum / values.length,
          sum,
        });
        const pct = await store.aggregate({
          ...WIDE,
          query: q.all(),
          agg: { type: 'percentiles', field: 'duration_ms', percents: [0, 50, 100] },
          now: CONTRACT_NOW,
        });
        assert.equal(pct.type, 'percentiles');
        if (pct.type !== 'percentiles') return;
        assert.equal(pct.count, values.length);
        assert.equal(pct.values['0'], values[0]);
        assert.equal(pct.values['100'], values[values.length - 1]);
        const median = pct.values['50'];
        assert.ok(median !== null && median !== undefined);
        // Backends may interpolate differently; the median splits the values.
        assert.ok(values.filter((v) => v < median).length <= values.length / 2);
        assert.ok(values.filter((v) => v > median).length <= values.length / 2);
        const empty = await store.aggregate({ ...WIDE, query: q.term('level', 'alert'), agg: { type: 'stats', field: 'duration_ms' }, now: CONTRACT_NOW });
        assert.deepEqual(empty, { type: 'stats', count: 0, min: null, max: null, avg: null, sum: 0 });
      });
    });

    retentionContractTests(withStore);

    readApiContractTests(withStore);

    test('health is ok for a working store', async () => {
      await withStore(async (store) => {
        assert.deepEqual(await store.health(), { ok: true });
      });
    });
  });
}
