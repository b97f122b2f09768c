import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from './event.js';
import { parse as parseQuery } from './parse.js';
import { GroupByError, bucketLeaf, groupAggregate } from './group-aggregate.js';
import { compileMatcher } from './matcher.js';
import { MemoryLogReader } from './testing/memory-log-reader.js';
import { createRng } from './testing/rng.js';
import type { LogReader } from './log-reader.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const FROM = NOW - 3_600_000;

// Values a field really holds across services: numbers, the same numbers as
// strings, numeric strings not in canonical form, booleans, text, and none.
const CODES: unknown[] = [500, '500', '500.0', 200, '200', '007', 7, true, 'true', 'ok', '', 1e21, -0, '-3', -3];

function corpus(n: number): LogEvent[] {
  const rng = createRng(11);
  const out: LogEvent[] = [];
  for (let i = 0; i < n; i++) {
    const e: Record<string, unknown> = {
      '@timestamp': new Date(FROM + Math.floor(rng.next() * 3_600_000)).toISOString(),
      'event.id': `e${i}`,
      message: `request ${i % 7 === 0 ? 'failed' : 'done'}`,
      level: ['info', 'error', 'warning', 'debug'][Math.floor(rng.next() * 4)],
      duration_ms: Math.round(rng.next() * 2000),
      service: ['api', 'web', 'worker'][Math.floor(rng.next() * 3)],
    };
    if (rng.next() < 0.9) e.code = CODES[Math.floor(rng.next() * CODES.length)];
    out.push(e as LogEvent);
  }
  return out;
}

test('each group aggregates exactly the events of its terms bucket, whatever the types of the values', async () => {
  const events = corpus(3000);
  const reader = new MemoryLogReader(events);
  for (const q of ['', 'message:failed', 'NOT service:web']) {
    const query = parseQuery(q);
    const matches = compileMatcher(query, { now: NOW });
    const base = { query, from: FROM, to: NOW, now: NOW };
    for (const by of ['code', 'level', 'service']) {
      const res = await groupAggregate(reader, { ...base, agg: { type: 'stats', field: 'duration_ms' } }, { field: by, size: 100 });
      assert.equal(res.by, by);
      for (const g of res.groups) {
        // The oracle: the matching events whose value's String is the key.
        const mine = events.filter((e) => matches(e) && e[by] !== undefined && e[by] !== null && String(e[by]) === g.key);
        assert.equal(g.count, mine.length, `${q} by ${by} ${JSON.stringify(g.key)}`);
        assert.equal(g.result.type, 'stats');
        if (g.result.type !== 'stats') continue;
        assert.equal(g.result.count, mine.length, `${q} by ${by} ${JSON.stringify(g.key)}: stats over other events`);
        assert.equal(g.result.sum, mine.reduce((s, e) => s + (e.duration_ms as number), 0));
      }
      const grouped = res.groups.reduce((s, g) => s + g.count, 0);
      assert.equal(grouped + res.other_count + res.missing_count, events.filter((e) => matches(e)).length);
    }
  }
});

test('groups come by count, top size only, with the rest counted; every aggregation type groups', async () => {
  const events = corpus(2000);
  const reader = new MemoryLogReader(events);
  const base = { query: parseQuery(''), from: FROM, to: NOW, now: NOW };
  const res = await groupAggregate(reader, { ...base, agg: { type: 'date_histogram', interval_ms: 600_000 } }, { field: 'code', size: 3 });
  assert.equal(res.groups.length, 3);
  assert.ok(res.groups[0]!.count >= res.groups[1]!.count && res.groups[1]!.count >= res.groups[2]!.count);
  assert.ok(res.other_count > 0 && res.missing_count > 0);
  for (const g of res.groups) {
    assert.equal(g.result.type, 'date_histogram');
    if (g.result.type === 'date_histogram') assert.equal(g.result.buckets.reduce((s, b) => s + b.count, 0), g.count);
  }
  const p = await groupAggregate(reader, { ...base, agg: { type: 'percentiles', field: 'duration_ms', percents: [50, 99] } }, { field: 'service', size: 10 });
  assert.deepEqual(p.groups.map((g) => g.key).sort(), ['api', 'web', 'worker']);
  const t = await groupAggregate(reader, { ...base, agg: { type: 'terms', field: 'level', size: 10 } }, { field: 'service', size: 10 });
  for (const g of t.groups) if (g.result.type === 'terms') assert.equal(g.result.buckets.reduce((s, b) => s + b.count, 0), g.count);
});

test('a text field or @timestamp cannot group; a numeric key not in canonical form matches strings only', async () => {
  const reader = new MemoryLogReader(corpus(10));
  const req = { query: parseQuery(''), from: FROM, to: NOW, now: NOW, agg: { type: 'stats' as const, field: 'duration_ms' } };
  await assert.rejects(groupAggregate(reader, req, { field: 'message', size: 10 }), GroupByError);
  await assert.rejects(groupAggregate(reader, req, { field: 'exc_info', size: 10 }), GroupByError);
  await assert.rejects(groupAggregate(reader, req, { field: '@timestamp', size: 10 }), GroupByError);
  const leaf = (key: string) => compileMatcher(bucketLeaf('code', key), { now: NOW });
  const ev = (code: unknown) => ({ '@timestamp': new Date(NOW).toISOString(), 'event.id': 'x', code }) as LogEvent;
  assert.ok(leaf('500.0')(ev('500.0')) && !leaf('500.0')(ev(500)));
  assert.ok(leaf('500')(ev(500)) && leaf('500')(ev('500')) && !leaf('500')(ev('500.0')));
  assert.ok(leaf('-3')(ev(-3)) && leaf('1e+21')(ev(1e21)) && leaf('0')(ev(-0)));
  assert.ok(leaf('1e5')(ev('1e5')) && !leaf('1e5')(ev(100000)));
});

test('a group is the events its terms bucket counted: an array joins the group of each of its elements, as in Kibana', async () => {
  const at = new Date(NOW - 1000).toISOString();
  const reader = new MemoryLogReader([
    { '@timestamp': at, 'event.id': 'a', tags: '["prod","eu"]', ms: 10 },
    { '@timestamp': at, 'event.id': 'b', tags: 'prod', ms: 20 },
    { '@timestamp': at, 'event.id': 'c', tags: '[500]', ms: 30 },
    { '@timestamp': at, 'event.id': 'd', tags: 500, ms: 40 },
  ] as LogEvent[]);
  const req = { query: parseQuery(''), from: FROM, to: NOW, now: NOW, agg: { type: 'stats' as const, field: 'ms' } };
  const res = await groupAggregate(reader, req, { field: 'tags', size: 10 });
  assert.deepEqual(
    res.groups.map((g) => [g.key, g.count, g.result.type === 'stats' ? g.result.sum : -1]),
    [['500', 2, 70], ['prod', 2, 30], ['eu', 1, 10]],
  );
  // The query language takes elements the same way (`tags:prod` finds both).
  assert.equal(await reader.count({ query: parseQuery('tags:prod'), from: FROM, to: NOW, now: NOW }), 2);
});

/*
 * The terms read and each group's read are separate: events committed between
 * them (live ingest) were in a group's result but not its count, so a
 * date_histogram group said count 3 while its buckets summed to 6. A reader
 * that appends events once the terms read has answered makes that happen
 * every time.
 */
test('events committed between the terms read and the group reads: a date_histogram group counts its own buckets, and groups stay by count', async () => {
  const at = (i: number) => new Date(FROM + 60_000 * (i + 1)).toISOString();
  const ev = (id: string, service: string, i: number, duration_ms?: number) =>
    ({ '@timestamp': at(i), 'event.id': id, message: 'm', service, ...(duration_ms === undefined ? {} : { duration_ms }) }) as LogEvent;
  const base = { query: parseQuery(''), from: FROM, to: NOW, now: NOW };
  for (const agg of [{ type: 'date_histogram' as const, interval_ms: 600_000 }, { type: 'stats' as const, field: 'duration_ms' }]) {
    const events: LogEvent[] = [...[0, 1, 2, 3, 4].map((i) => ev(`a${i}`, 'api', i, 10)), ...[0, 1, 2].map((i) => ev(`w${i}`, 'web', i, 20))];
    const memory = new MemoryLogReader(events);
    let reads = 0;
    const live: LogReader = {
      search: (req) => memory.search(req),
      count: (req) => memory.count(req),
      aggregate: async (req) => {
        const answer = await memory.aggregate(req);
        // After the terms read, three `web` events are committed: web now has 6, api 5.
        if (reads++ === 0) events.push(...[5, 6, 7].map((i) => ev(`w${i}`, 'web', i, 20)));
        return answer;
      },
    };
    const res = await groupAggregate(live, { ...base, agg }, { field: 'service', size: 10 });
    assert.equal(reads, 3);
    if (agg.type === 'date_histogram') {
      assert.deepEqual(res.groups.map((g) => [g.key, g.count]), [['web', 6], ['api', 5]]);
      for (const g of res.groups) {
        assert.equal(g.result.type, 'date_histogram');
        if (g.result.type === 'date_histogram') assert.equal(g.result.buckets.reduce((s, b) => s + b.count, 0), g.count, g.key);
      }
    } else {
      // A stats count is of numeric values, not of the group's events: the group keeps the terms count.
      assert.deepEqual(res.groups.map((g) => [g.key, g.count, g.result.type === 'stats' ? g.result.count : null]), [['api', 5, 5], ['web', 3, 6]]);
    }
    assert.equal(res.other_count, 0);
  }
});
