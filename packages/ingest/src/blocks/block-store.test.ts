/**
 * What is new in the block store beyond the LogStore contract: merges
 * (answers identical before and after), late events into merged ranges,
 * exactly-once across merges and restarts, and merges in the background
 * of a store with threads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { answerFieldValues, compileMatcher, parse, type AggregationSpec, type LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { generateCorpus } from '../testing/generate-corpus.js';
import { contentId, contentIdTag } from '../normalize/content-id.js';
import { compareKeys } from '../sqlite/search-cursor.js';
import Database from 'better-sqlite3';
import { encodeBlock } from './block-codec.js';
import { BlockPartition } from './block-partition.js';
import { hasContentIds } from './block-header.js';
import { ELEMENT_BLOOMS_FROM } from './block-schema.js';
import { BlockStore } from './block-store.js';
import { buildValueBloom } from './bloom.js';
import { decodeMetas, encodeMetas } from './column-metas.js';
import { openBlockStore } from './open-block-store.js';

const END = Date.parse('2026-11-23T12:00:00.000Z');
const NOW = END + 3_600_000;
const RANGE = { from: END - 5 * 86_400_000, to: NOW, now: NOW };

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'logship-blocks-'));
}

function open(dir: string, merges = true): BlockStore {
  const store = new BlockStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, merges });
  store.init();
  return store;
}

/** Blocks per partition file, read from the files. */
function blockCounts(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of fs.readdirSync(path.join(dir, 'blocks'))) {
    if (!f.endsWith('.db')) continue;
    const db = new BlockPartition(path.join(dir, 'blocks', f), { day: f.slice(0, 10), className: 'x' }, { create: false });
    out.set(f, db.headers().length);
    db.close();
  }
  return out;
}

async function answers(store: BlockStore): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const text of ['*', 'level:error', 'status:>=500', 'timeout OR "login failed"', 'NOT host:web-1', '_exists_:user_id']) {
    const query = parse(text);
    const all = await store.search({ ...RANGE, query, limit: 100_000 });
    const page = await store.search({ ...RANGE, query, limit: 25, sort: 'asc' });
    out.push(text, all.hits, all.total, page.hits.map((h) => h['event.id']), await store.count({ ...RANGE, query }));
    const aggs: AggregationSpec[] = [
      { type: 'terms', field: 'logger', size: 5 },
      { type: 'date_histogram', interval_ms: 3_600_000 },
      { type: 'percentiles', field: 'duration_ms', percents: [50, 99] },
    ];
    for (const agg of aggs) {
      out.push(await store.aggregate({ ...RANGE, query, agg }));
    }
  }
  return out;
}

const corpus = generateCorpus({ events: 4000, seed: 5, endMs: END, days: 2 });

async function writeInBatches(store: BlockStore, events: readonly LogEvent[], size: number): Promise<number> {
  let stored = 0;
  for (let i = 0; i < events.length; i += size) stored += (await store.write(events.slice(i, i + size))).stored;
  return stored;
}

test('merging blocks changes no answer, and fewer, larger blocks remain', async () => {
  const dir = tmp();
  try {
    let store = open(dir, false);
    assert.equal(await writeInBatches(store, corpus, 100), corpus.length);
    const before = await answers(store);
    await store.close();
    const blocksBefore = [...blockCounts(dir).values()].reduce((a, b) => a + b, 0);
    store = open(dir);
    assert.ok(store.mergeNow() > 0);
    const blocksAfter = [...blockCounts(dir).values()].reduce((a, b) => a + b, 0);
    assert.ok(blocksAfter < blocksBefore / 4, `${blocksBefore} blocks before, ${blocksAfter} after`);
    assert.deepEqual(await answers(store), before);
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('late events land in new blocks inside a merged range, are found in order, and merge again', async () => {
  const dir = tmp();
  try {
    const store = open(dir);
    const early = corpus.filter((_, i) => i % 5 !== 0);
    const late = corpus.filter((_, i) => i % 5 === 0);
    await writeInBatches(store, early, 500);
    store.mergeNow();
    assert.equal(await writeInBatches(store, late, 37), late.length);
    const all = await store.search({ ...RANGE, query: parse('*'), limit: 100_000 });
    const expected = [...corpus]
      .sort((a, b) => Date.parse(b['@timestamp']) - Date.parse(a['@timestamp']) || (a['event.id'] < b['event.id'] ? 1 : -1))
      .map((e) => e['event.id']);
    assert.deepEqual(
      all.hits.map((h) => h['event.id']),
      expected,
    );
    const before = await answers(store);
    store.mergeNow();
    assert.deepEqual(await answers(store), before);
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an event.id is stored once across merges and restarts, receive-stamped ones by id alone', async () => {
  const dir = tmp();
  try {
    let store = open(dir);
    await writeInBatches(store, corpus, 250);
    store.mergeNow();
    const stamped: LogEvent[] = [0, 1, 2].map((i) => ({
      '@timestamp': new Date(END - 60_000 + i).toISOString(),
      'event.id': `stamped-${i}`,
      message: 'no time of its own',
      'logship.no_timestamp': true,
    }));
    assert.equal((await store.write(stamped)).stored, 3);
    await store.close();
    store = open(dir);
    const again = await store.write(corpus.slice(1000, 2000));
    assert.deepEqual([again.stored, again.duplicates], [0, 1000]);
    // A retry of a receive-stamped event carries a new time: still a duplicate.
    const retry = stamped.map((e) => ({ ...e, '@timestamp': new Date(END - 30_000).toISOString() }));
    assert.deepEqual([(await store.write(retry)).stored, (await store.write(retry)).duplicates], [0, 3]);
    store.mergeNow();
    assert.deepEqual((await store.write(corpus.slice(0, 500))).duplicates, 500);
    assert.equal(await store.count({ ...RANGE, query: parse('*') }), corpus.length + 3);
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a write partly stored already keeps only its new rows, overlapping writes of one turn store each event once, and rollups count what is stored', async () => {
  const dirs = [tmp(), tmp()];
  try {
    // Half content ids (stored without), half given; three receive-stamped events.
    const events = corpus.slice(0, 2000).map((e, i) => (i % 2 === 0 ? { ...e, 'event.id': contentId(e) } : e));
    const stamped = [0, 1, 2].map((i): LogEvent => ({ '@timestamp': new Date(END - 60_000).toISOString(), 'event.id': `stamped-${i}`, message: `no time ${i}`, 'logship.no_timestamp': true }));
    const store = open(dirs[0]!);
    const reference = open(dirs[1]!);
    assert.equal(await writeInBatches(reference, [...events, ...stamped], 500), events.length + 3);
    assert.equal((await store.write([...events.slice(0, 700), stamped[0]!])).stored, 701);
    // A batch whose first 300 rows are stored: its blocks lose them (re-encoded), the rest stored once.
    const partly = await store.write([...events.slice(400, 1200), ...stamped.slice(0, 2)]);
    assert.deepEqual([partly.stored, partly.duplicates], [501, 301]);
    // Two writes in one turn (one group commit) that overlap by 300 rows and a stamped event.
    const [a, b] = await Promise.all([store.write([...events.slice(1000, 1600), stamped[2]!]), store.write([...events.slice(1300, 2000), stamped[2]!])]);
    assert.deepEqual([a.stored + b.stored, a.duplicates + b.duplicates], [1000 - 200 + 1, 200 + 300 + 1]);
    for (const s of [store, reference]) s.mergeNow();
    assert.deepEqual(await answers(store), await answers(reference));
    for (const e of [...events.slice(395, 405), ...events.slice(1295, 1305), ...stamped]) {
      const res = await store.search({ ...RANGE, query: parse(`event.id:"${e['event.id']}"`), limit: 10 });
      assert.deepEqual(res.hits, [e]);
    }
    for (const field of ['level', 'logger', 'host', 'status']) {
      const req = { ...RANGE, query: parse('*'), agg: { type: 'terms', field, size: 50 } as AggregationSpec };
      assert.deepEqual(await store.aggregate(req), await reference.aggregate(req), field);
    }
    const hist = { ...RANGE, query: parse('*'), agg: { type: 'date_histogram', interval_ms: 3_600_000 } as AggregationSpec };
    assert.deepEqual(await store.aggregate(hist), await reference.aggregate(hist));
    await store.close();
    await reference.close();
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('content ids: no copy stored, found by event.id, once across merges and restarts, receive-stamped too', async () => {
  const dir = tmp();
  try {
    const events = corpus.slice(0, 3000).map((e, i) => (i % 2 === 0 ? { ...e, 'event.id': contentId(e) } : e));
    const stamped = [0, 1, 2].map((i) => {
      const e: LogEvent = { '@timestamp': new Date(END - 60_000).toISOString(), 'event.id': '', message: `no time ${i}`, 'logship.no_timestamp': true };
      e['event.id'] = contentId(e);
      return e;
    });
    let store = open(dir);
    // Ingest says which ids are content ids (WriteOptions); without, the store hashes to find out.
    const told = events.slice(0, 1000);
    assert.equal((await store.write(told, undefined, { contentIds: told.map((_, i) => i % 2 === 0) })).stored, told.length);
    await writeInBatches(store, events.slice(1000), 250);
    assert.equal((await store.write(stamped)).stored, 3);
    const lookup = async (): Promise<void> => {
      for (const e of [...events.slice(0, 6), ...stamped]) {
        const res = await store.search({ ...RANGE, query: parse(`event.id:"${e['event.id']}"`), limit: 10 });
        assert.deepEqual(res.hits, [e]);
      }
    };
    await lookup();
    // Stored without: the event.id column of the blocks holds only the other half.
    const file = fs.readdirSync(path.join(dir, 'blocks')).find((f) => f.endsWith('.db'))!;
    const db = new BlockPartition(path.join(dir, 'blocks', file), { day: file.slice(0, 10), className: 'x' }, { create: false });
    assert.ok(db.headers().every((h) => hasContentIds(h)));
    db.close();
    store.mergeNow();
    await lookup();
    await store.close();
    store = open(dir);
    const again = await store.write(events);
    assert.deepEqual([again.stored, again.duplicates], [0, events.length]);
    // A retry of a receive-stamped event is stamped anew: its content id leaves the time out.
    const retry = stamped.map((e) => ({ ...e, '@timestamp': new Date(END - 30_000).toISOString() }));
    assert.deepEqual(retry.map(contentId), stamped.map((e) => e['event.id']));
    assert.equal((await store.write(retry)).duplicates, 3);
    const all = await store.search({ ...RANGE, query: parse('*'), limit: 10_000 });
    const want = new Map([...events, ...stamped].map((e) => [e['event.id'], e]));
    assert.equal(all.hits.length, want.size);
    for (const h of all.hits) assert.deepEqual(h, want.get(h['event.id']));
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('content-id tags name each row\'s id; lookups find ids in tagged blocks, in blocks written before tags, and in merges of both', async () => {
  const dir = tmp();
  try {
    const withIds = (list: readonly LogEvent[]): LogEvent[] => list.map((e) => ({ ...e, 'event.id': contentId(e) }));
    const day = corpus.filter((e) => e['@timestamp'].startsWith('2026-11-22') && e.level !== 'error' && e.level !== 'debug');
    const tagged = withIds(day.slice(0, 600));
    let store = open(dir, false);
    await writeInBatches(store, tagged, 200);
    await store.close();
    const file = fs.readdirSync(path.join(dir, 'blocks')).find((f) => f.startsWith('2026-11-22') && f.endsWith('.db'))!;
    const db = new BlockPartition(path.join(dir, 'blocks', file), { day: '2026-11-22', className: 'default' }, { create: false });
    const checkTags = (): number => {
      let withTags = 0;
      for (const h of db.headers()) {
        const tags = db.contentIdTags(h);
        if (tags === null) continue;
        withTags++;
        const stored = db.storedIds(h);
        const ids = db.columns(h, ['event.id']).get('event.id')!;
        for (let r = 0; r < h.n; r++) assert.equal(tags[r], stored[r] === undefined ? contentIdTag(ids[r] as string) : 0);
      }
      return withTags;
    };
    assert.equal(checkTags(), db.headers().length, 'every block written now keeps tags');
    // A block as written before tags: content ids, no tags.
    const old = withIds(day.slice(600, 900)).sort((a, b) => compareKeys({ ts: Date.parse(a['@timestamp']), eid: a['event.id'] }, { ts: Date.parse(b['@timestamp']), eid: b['event.id'] }));
    db.begin();
    db.insertBlock(encodeBlock(old, { textFields: ['message'], contentIdRows: new Uint8Array(old.length).fill(1) }), [], 0, '["message"]');
    db.commit();
    assert.equal(db.contentIdTags(db.headers().at(-1)!), null);
    store = open(dir);
    const lookup = async (): Promise<void> => {
      for (const e of [...tagged.filter((_, i) => i % 97 === 0), ...old.filter((_, i) => i % 61 === 0)]) {
        const res = await store.search({ ...RANGE, query: parse(`event.id:"${e['event.id']}"`), limit: 10 });
        assert.deepEqual(res.hits, [e]);
        assert.equal(await store.count({ ...RANGE, query: parse(`event.id:"${e['event.id']}" AND NOT event.id:"x${e['event.id']}"`) }), 1);
      }
    };
    await lookup();
    store.mergeNow();
    await lookup();
    const merged = db.headers();
    assert.ok(merged.length < 4, `${merged.length} blocks after merging`);
    assert.ok(merged.some((h) => db.contentIdTags(h) === null), 'a merge with a block without tags keeps none');
    checkTags();
    db.close();
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Bounded: merges failing (silently, on the writer thread) left its loop waiting for ever.
test('with threads, small blocks are merged in the background while reads go on', { timeout: 90_000 }, async () => {
  const dir = tmp();
  try {
    const store = await openBlockStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW });
    for (let i = 0; i < corpus.length; i += 50) await store.write(corpus.slice(i, i + 50));
    const written = [...blockCounts(dir).values()].reduce((a, b) => a + b, 0);
    // Idle merges fold every partition's small blocks into one; wait for that.
    while ([...blockCounts(dir).values()].some((n) => n > 1)) {
      assert.equal(await store.count({ ...RANGE, query: parse('*') }), corpus.length);
      // A merge that fails on damage names it: failing here beats waiting for merges that never come.
      assert.deepEqual(store.unreadablePartitions?.(RANGE) ?? [], []);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(written > blockCounts(dir).size);
    assert.equal(await store.count({ ...RANGE, query: parse('*') }), corpus.length);
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('hourly rollups answer terms and histograms exactly as the blocks do, partial hours included', async () => {
  const dir = tmp();
  try {
    const store = open(dir);
    await writeInBatches(store, corpus, 300);
    const blocksOnly = new BlockStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, merges: false, rollups: false });
    blocksOnly.init();
    const ranges = [RANGE, { from: END - 86_400_000 + 1234, to: END - 3_600_000 * 5 - 777, now: NOW }, { from: END - 7_000_000, to: END - 10, now: NOW }];
    for (const range of ranges) {
      const aggs: AggregationSpec[] = [
        ...['level', 'logger', 'host', 'status', 'duration_ms', 'path', 'method'].map((field): AggregationSpec => ({ type: 'terms', field, size: 50 })),
        { type: 'date_histogram', interval_ms: 3_600_000 },
        { type: 'date_histogram', interval_ms: 86_400_000 },
        { type: 'date_histogram', interval_ms: 60_000 },
      ];
      for (const agg of aggs) {
        const req = { ...range, query: parse('*'), agg };
        assert.deepEqual(await store.aggregate(req), await blocksOnly.aggregate(req), JSON.stringify(agg));
      }
    }
    await blocksOnly.close();
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('text search finds tokens that lower-case from non-ASCII characters (the substring precheck must not lose them)', async () => {
  const dir = tmp();
  try {
    const store = open(dir);
    const messages = ['Temperature 5\u212A reached', '\u0130stanbul calling', 'LOGIN Failed for bob', 'stra\u00DFe closed', 'plain ascii line', '\u017Ftop \u0131t now'];
    const events: LogEvent[] = messages.map((message, i) => ({ '@timestamp': new Date(END - 1000 * i).toISOString(), 'event.id': `t-${i}`, message }));
    await store.write(events);
    // Wildcards and regexes too: their prechecks look for the text between their operators.
    const wild = ['*5k*', 'message:*K', '*emperatur*', '*stanbul', 'i\u0307stan*', '/.*ascii.*/', '/STOP/', '/stop/', '/.T/', '/it/', '/.*LOGIN.*/', '/5k/'];
    for (const text of ['5k', 'temperature', '"login failed"', 'LOGIN', 'i\u0307stanbul', 'stra\u00DFe', 'strasse', 'ascii', 'k', ...wild]) {
      const query = parse(text);
      const match = compileMatcher(query, { now: NOW });
      const expected = events.filter(match).map((e) => e['event.id']).sort();
      const got = (await store.search({ ...RANGE, query, limit: 100 })).hits.map((h) => h['event.id']).sort();
      assert.deepEqual(got, expected, text);
    }
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('terms past the distinct-value limit answer LS_STORE_TOO_MANY_TERMS; the fields API samples instead', async () => {
  const dir = tmp();
  try {
    const store = new BlockStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, maxTermsKeys: 50 });
    store.init();
    const events: LogEvent[] = Array.from({ length: 120 }, (_, i) => ({ '@timestamp': new Date(END - 1000 * i).toISOString(), 'event.id': `r-${i}`, message: 'served', request_id: `req-${i % 60}`, host: `web-${i % 3}` }));
    await store.write(events);
    const query = parse('*');
    const ok = await store.aggregate({ ...RANGE, query, agg: { type: 'terms', field: 'host', size: 2 } });
    assert.deepEqual(ok, { type: 'terms', buckets: [{ key: 'web-0', count: 40 }, { key: 'web-1', count: 40 }], other_count: 40, missing_count: 0 });
    await assert.rejects(store.aggregate({ ...RANGE, query, agg: { type: 'terms', field: 'request_id', size: 5 } }), (err: { code?: string; statusCode?: number }) => err.code === 'LS_STORE_TOO_MANY_TERMS' && err.statusCode === 400);
    // Under a filter the same field has few enough.
    const few = await store.aggregate({ ...RANGE, query: parse('host:web-0'), agg: { type: 'terms', field: 'request_id', size: 1 } });
    assert.equal(few.type === 'terms' && few.other_count + few.buckets[0]!.count, 40);
    const values = await answerFieldValues(store, { ...RANGE, query, field: 'request_id', size: 3 });
    assert.equal(values.counts, 'exact', 'the newest 10,000 events hold all 120: the sample is the whole range');
    assert.deepEqual(values.values.map((v) => v.count), [2, 2, 2]);
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a block of more columns than SQLite binds in one statement (many distinct field names) is searched, merged and searched again', async () => {
  const dir = tmp();
  try {
    const store = open(dir);
    // 2 batches of 1,000 events, 40 names of their own each: blocks of 40,000 columns, and 80,000 once merged.
    const at = (i: number) => new Date(END - i * 1000).toISOString();
    for (const b of [0, 1]) {
      const batch: LogEvent[] = [];
      for (let i = b * 1000; i < (b + 1) * 1000; i++) {
        const e: Record<string, unknown> = { '@timestamp': at(i), message: `wide ${i}`, 'event.id': `wide-${i}` };
        for (let j = 0; j < 40; j++) e[`f_${i}_${j}`] = j;
        batch.push(e as LogEvent);
      }
      assert.equal((await store.write(batch)).stored, 1000);
    }
    const check = async () => {
      const all = await store.search({ ...RANGE, query: parse('*'), limit: 5000 });
      assert.equal(all.hits.length, 2000);
      const one = all.hits.find((h) => h['event.id'] === 'wide-1999')!;
      assert.equal(one.f_1999_39, 39);
      const hit = await store.search({ ...RANGE, query: parse('f_1234_7:7'), limit: 10 });
      assert.deepEqual(hit.hits.map((h) => h['event.id']), ['wide-1234']);
    };
    await check();
    store.mergeNow();
    await check();
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a block written before value blooms held array elements is read, not pruned, for a clause on an element', async () => {
  const dir = tmp();
  const at = new Date(END - 60_000).toISOString();
  let store = open(dir, false);
  const events: LogEvent[] = [
    { '@timestamp': at, 'event.id': 'old-1', tags: '["alpha","beta"]', codes: '[404,500]' },
    { '@timestamp': at, 'event.id': 'old-2', tags: 'gamma', codes: 'none' },
  ];
  assert.equal((await store.write(events)).stored, 2);
  await store.close();
  // Make it the block an earlier version wrote: blooms of the whole values
  // only, and no mark of when blooms began to hold elements.
  const file = fs.readdirSync(path.join(dir, 'blocks')).find((f) => f.endsWith('.db'))!;
  const db = new Database(path.join(dir, 'blocks', file));
  const whole: Record<string, string[]> = { tags: ['["alpha","beta"]', 'gamma'], codes: ['[404,500]', 'none'] };
  for (const row of db.prepare('SELECT id, metas FROM blocks').all() as { id: number; metas: Buffer }[]) {
    const metas = decodeMetas(row.metas);
    for (const m of metas) if (whole[m.name] && m.bloom) m.bloom = buildValueBloom(whole[m.name]!, [], whole[m.name]!.length);
    db.prepare('UPDATE blocks SET metas = ? WHERE id = ?').run(Buffer.from(encodeMetas(metas)), row.id);
  }
  db.prepare('DELETE FROM meta WHERE key = ?').run(ELEMENT_BLOOMS_FROM);
  db.close();
  store = open(dir, false);
  try {
    for (const [text, want] of [['tags:alpha', ['old-1']], ['codes:500', ['old-1']], ['codes:[400 TO 499]', ['old-1']], ['tags:gamma', ['old-2']]] as const) {
      const res = await store.search({ ...RANGE, query: parse(text), limit: 10 });
      assert.deepEqual(res.hits.map((h) => h['event.id']), want, text);
    }
    // A block written now holds the elements in its blooms, and is pruned by them.
    assert.equal((await store.write([{ '@timestamp': at, 'event.id': 'new-1', tags: '["delta"]' }])).stored, 1);
    const res = await store.search({ ...RANGE, query: parse('tags:delta OR tags:alpha'), limit: 10 });
    assert.deepEqual(res.hits.map((h) => h['event.id']).sort(), ['new-1', 'old-1']);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
