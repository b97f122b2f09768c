/**
 * Differential test of the rid bounds a time range gets from `minute_rids`
 * (PartitionDb.ridBounds): over events written the way agents deliver them
 * (batches in time order, some events late by minutes or hours, one batch
 * days late), searches, counts and aggregations over random sub-ranges of a
 * partition must equal the in-memory matcher over the events in the range.
 * A bound one rid too narrow, a minute's bounds not widened by a late
 * event, or a range's end minute left out shows up as a missing event.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileMatcher, type LogEvent, type QueryNode } from '@logship/query';
import type { LogStore } from '../store/log-store.js';
import { generateCorpus } from '../testing/generate-corpus.js';
import { createRng } from '@logship/query';
import { createQueryGenerator, vocabularyOf } from '../testing/generate-query-ast.js';
import { openSqliteStore } from './open-sqlite-store.js';
import { PartitionDb } from './partition-db.js';
import { compileSql } from './compile-sql.js';

const EVENTS = 6000;
const QUERIES = 300;
const SEED = 11;
const END = Date.parse('2026-11-23T12:00:00.000Z');
const NOW = END + 3_600_000;
const LONG = 36_500;
const HOUR = 3_600_000;

const corpus = generateCorpus({ events: EVENTS, seed: SEED, endMs: END, days: 3 });
const tsOf = (e: LogEvent): number => Date.parse(e['@timestamp']);
const byTime = [...corpus].sort((a, b) => tsOf(a) - tsOf(b));
const START = tsOf(byTime[0] as LogEvent);

/**
 * Batches of 150 in time order; 4 % of events held back and sent 1–3
 * batches later (late by up to an hour), 0.5 % sent 1–40 batches later (up
 * to half a day); 30 of the first day's events sent last, days late.
 */
function deliveryOrder(): LogEvent[][] {
  const r = createRng(SEED).next;
  const veryLate = new Set(byTime.slice(0, 2000).filter(() => r() < 0.015).slice(0, 30));
  const held = new Map<number, LogEvent[]>();
  const batches: LogEvent[][] = [];
  let current: LogEvent[] = [];
  for (const e of byTime) {
    if (veryLate.has(e)) continue;
    const late = r();
    if (late < 0.045) {
      const at = batches.length + 1 + Math.floor(r() * (late < 0.005 ? 40 : 3));
      held.set(at, [...(held.get(at) ?? []), e]);
      continue;
    }
    current.push(e);
    if (current.length === 150) {
      batches.push([...current, ...(held.get(batches.length) ?? [])]);
      current = [];
    }
  }
  batches.push([...current, ...[...held].filter(([at]) => at >= batches.length).flatMap(([, es]) => es)]);
  batches.push([...veryLate]);
  return batches;
}

let dir = '';
let store: LogStore;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-time-filter-'));
  store = await openSqliteStore({
    dataDir: dir,
    now: () => NOW,
    searchWalkRows: 50,
    retention: {
      default_days: LONG,
      classes: [{ name: 'errors', match: 'level:(error OR critical OR alert OR emergency)', days: LONG }],
      check_interval_s: 600,
    },
  });
  let stored = 0;
  for (const batch of deliveryOrder()) stored += (await store.write(batch)).stored;
  assert.equal(stored, corpus.length);
});

after(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Ranges from one second to two days, most within one day's partition, some not minute-aligned. */
function randomRange(r: () => number): { from: number; to: number } {
  const widths = [1000, 59_999, 60_000, 7 * 60_000 + 123, HOUR, 5 * HOUR, 20 * HOUR, 48 * HOUR];
  const width = widths[Math.floor(r() * widths.length)] as number;
  const from = START + Math.floor(r() * (END - START));
  return r() < 0.3 ? { from: from - (from % 60_000), to: from - (from % 60_000) + width - 1 } : { from, to: from + width };
}

function expected(query: QueryNode, range: { from: number; to: number }): string[] {
  const match = compileMatcher(query, { now: NOW });
  return byTime
    .filter((e) => tsOf(e) >= range.from && tsOf(e) <= range.to && match(e))
    .sort((a, b) => tsOf(b) - tsOf(a) || (a['event.id'] < b['event.id'] ? 1 : -1))
    .map((e) => e['event.id']);
}

test('the rid bounds narrow a sub-range of a partition written with late events', () => {
  const files = fs.readdirSync(path.join(dir, 'sqlite')).filter((f) => f.endsWith('.default.db'));
  assert.ok(files.length >= 3, files.join());
  const day = Date.parse(`${(files[1] as string).slice(0, 10)}T00:00:00Z`);
  const db = new PartitionDb(path.join(dir, 'sqlite', files[1] as string), { day: files[1]!.slice(0, 10), className: 'default' }, { create: false });
  try {
    // Late events widen their minutes' bounds (past 90 % of the day's rows
    // the bounds are dropped), but most hours stay narrow.
    let bounded = 0;
    for (let h = 0; h < 24; h++) if (/likelihood\(rid >= \?, [\d.]+\) AND likelihood\(rid <= \?, [\d.]+\)/.test(db.timeFilter(day + h * HOUR, day + (h + 1) * HOUR - 1, '"logger" = 1').sql)) bounded++;
    assert.ok(bounded >= 12, `only ${bounded} of 24 hours bounded`);
    assert.equal(db.timeFilter(day + 10 * HOUR, day + 11 * HOUR, '1').sql, 'ts >= ? AND ts <= ?', 'the match-all query keeps the ts index');
    assert.equal(db.timeFilter(day, day + 24 * HOUR, '"logger" = 1').sql, 'ts >= ? AND ts <= ?', 'the whole day is not bounded');
  } finally {
    db.close();
  }
});

test(`searches, counts and aggregations over ${QUERIES} random sub-ranges equal the matcher`, async () => {
  const next = createQueryGenerator(vocabularyOf(corpus), SEED);
  const r = createRng(SEED + 1).next;
  let nonEmpty = 0;
  for (let i = 0; i < QUERIES; i++) {
    const query = next();
    try {
      compileSql(query, { now: NOW });
    } catch {
      continue; // refused queries are the other differential test's business
    }
    const range = randomRange(r);
    const ids = expected(query, range);
    if (ids.length > 0) nonEmpty++;
    const where = `#${i} ${new Date(range.from).toISOString()}..${new Date(range.to).toISOString()} ${JSON.stringify(query).slice(0, 300)}`;
    const page = await store.search({ query, ...range, now: NOW, limit: EVENTS, fields: [] });
    assert.deepEqual(page.hits.map((h) => h['event.id']), ids, `search ${where}`);
    assert.equal(await store.count({ query, ...range, now: NOW }), ids.length, `count ${where}`);
    const small = await store.search({ query, ...range, now: NOW, limit: 5, fields: [] });
    assert.deepEqual(small.hits.map((h) => h['event.id']), ids.slice(0, 5), `first page ${where}`);
    assert.deepEqual(small.total, { value: ids.length, relation: 'eq' }, `total ${where}`);
    const hist = await store.aggregate({ query, ...range, now: NOW, agg: { type: 'date_histogram', interval_ms: HOUR } });
    assert.ok(hist.type === 'date_histogram');
    assert.equal(hist.buckets.reduce((n, b) => n + b.count, 0), ids.length, `histogram ${where}`);
  }
  assert.ok(nonEmpty > QUERIES / 4, `only ${nonEmpty} (query, range) pairs matched anything`);
});
