/**
 * The retention part of the LogStore contract (DESIGN.md §5): expired on
 * arrival, invisible once past the class's age, dropped by whole partition,
 * custom classes decided by query. Registered by runLogStoreContract.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from '@logship/query/core';
import type { WithStore } from './contract-fixture.js';
import { DAY_MS, type RetentionConfig } from '../../retention/retention-config.js';
import { q } from './ast-builders.js';
import { CONTRACT_NOW } from './contract-fixture.js';

/** Events aged 1, 8, 31 and 91 days in each default class. */
function agedEvents(now: number): LogEvent[] {
  const events: LogEvent[] = [];
  for (const age of [1, 8, 31, 91]) {
    for (const level of ['error', 'debug', 'info']) {
      events.push({
        '@timestamp': new Date(now - age * DAY_MS).toISOString(),
        'event.id': `age-${age}-${level}`,
        level,
        message: `${level} event aged ${age} days`,
      });
    }
  }
  return events;
}

/** Which of agedEvents() are alive, per DESIGN.md §5 defaults. */
function alive(id: string): boolean {
  const [, age, level] = /^age-(\d+)-(\w+)$/.exec(id) ?? [];
  const days = level === 'error' ? 90 : level === 'debug' ? 7 : 30;
  return Number(age) < days;
}

export function retentionContractTests(withStore: WithStore): void {
  const all = { query: q.all(), from: 0, to: CONTRACT_NOW + DAY_MS, now: CONTRACT_NOW };

  test('retention: events already expired on arrival are counted and not stored', async () => {
    await withStore(async (store) => {
      const events = agedEvents(CONTRACT_NOW);
      const res = await store.write(events);
      const survivors = events.filter((e) => alive(e['event.id']));
      assert.equal(res.stored, survivors.length);
      assert.equal(res.expired, events.length - survivors.length);
      const hits = await store.search({ ...all, limit: 100 });
      assert.deepEqual(hits.hits.map((h) => h['event.id']).sort(), survivors.map((e) => e['event.id']).sort());
    });
  });

  test('retention: as the clock advances, expired events vanish from queries, then enforceRetention drops them', async () => {
    await withStore(async (store, clock) => {
      // Each event is written when the clock reads its own timestamp, so
      // nothing is expired on arrival; then the clock moves on to now.
      const events = agedEvents(CONTRACT_NOW);
      let stored = 0;
      for (const e of events) {
        clock.now = Date.parse(e['@timestamp']);
        stored += (await store.write([e])).stored;
      }
      assert.equal(stored, events.length);
      clock.now = CONTRACT_NOW;
      const visible = await store.search({ ...all, limit: 100 });
      const survivors = events.filter((e) => alive(e['event.id'])).map((e) => e['event.id']).sort();
      assert.deepEqual(visible.hits.map((h) => h['event.id']).sort(), survivors, 'expired events are invisible before deletion');
      assert.equal(await store.count({ ...all }), survivors.length);
      const levels = await store.aggregate({ ...all, agg: { type: 'terms', field: 'level', size: 10 } });
      assert.ok(levels.type === 'terms');
      const expectedLevels = new Map<string, number>();
      for (const id of survivors) {
        const level = events.find((e) => e['event.id'] === id)?.level ?? '';
        expectedLevels.set(level, (expectedLevels.get(level) ?? 0) + 1);
      }
      assert.deepEqual(new Map(levels.buckets.map((b) => [b.key, b.count])), expectedLevels, 'aggregations skip expired events too');

      const before = await store.partitions(CONTRACT_NOW);
      const expiredParts = before.filter((p) => p.expired);
      assert.ok(expiredParts.length > 0);
      for (const p of before) {
        assert.ok(p.bytes > 0);
        assert.ok(p.events > 0);
        assert.ok(p.oldest !== null);
      }
      const run = await store.enforceRetention(CONTRACT_NOW);
      assert.deepEqual([...run.partitionsDropped].sort(), expiredParts.map((p) => p.name).sort());
      assert.equal(run.eventsRemoved, events.length - survivors.length);
      // Backends measure size differently (files, index stats); it must be
      // reported. SQLite checks exactness in its own tests.
      assert.ok(run.bytesRemoved > 0);
      const after = await store.partitions(CONTRACT_NOW);
      assert.deepEqual(after.map((p) => p.name).sort(), before.filter((p) => !p.expired).map((p) => p.name).sort());
      assert.equal(after.reduce((s, p) => s + p.events, 0), survivors.length);
      const again = await store.search({ ...all, limit: 100 });
      assert.deepEqual(again.hits.map((h) => h['event.id']).sort(), survivors);
      const second = await store.enforceRetention(CONTRACT_NOW);
      assert.deepEqual(second, { partitionsDropped: [], eventsRemoved: 0, bytesRemoved: 0 });
    });
  });

  test('retention: partitions report class, day and age', async () => {
    await withStore(async (store) => {
      await store.write(agedEvents(CONTRACT_NOW).filter((e) => alive(e['event.id'])));
      const parts = await store.partitions(CONTRACT_NOW);
      const classes = new Set(parts.map((p) => p.class));
      assert.ok(classes.has('errors') && classes.has('debug') && classes.has('default'), [...classes].join());
      for (const p of parts) {
        assert.equal(p.expired, false);
        assert.match(p.day, /^\d{4}-\d{2}-\d{2}$/);
        assert.ok(p.oldest !== null && new Date(p.oldest).toISOString().slice(0, 10) === p.day);
      }
      // Days later the debug partition has expired; the errors one has not.
      const later = await store.partitions(CONTRACT_NOW + 8 * DAY_MS);
      assert.ok(later.filter((p) => p.class === 'debug').every((p) => p.expired));
      assert.ok(later.filter((p) => p.class === 'errors').every((p) => !p.expired));
    });
  });

  test('retention: a custom class decides by query, first match wins', async () => {
    const retention: RetentionConfig = {
      default_days: 3,
      classes: [
        { name: 'audit', match: 'logger:"django.security"', days: 365 },
        { name: 'errors', match: 'level:error', days: 10 },
      ],
      check_interval_s: 60,
    };
    await withStore(async (store) => {
      const at = (days: number) => new Date(CONTRACT_NOW - days * DAY_MS).toISOString();
      const res = await store.write([
        { '@timestamp': at(100), 'event.id': 'audit-error', level: 'error', logger: 'django.security' },
        { '@timestamp': at(5), 'event.id': 'plain-error', level: 'error' },
        { '@timestamp': at(11), 'event.id': 'old-error', level: 'error' },
        { '@timestamp': at(4), 'event.id': 'old-info', level: 'info' },
        { '@timestamp': at(1), 'event.id': 'new-info', level: 'info' },
      ]);
      assert.equal(res.stored, 3);
      assert.equal(res.expired, 2);
      const hits = await store.search({ ...all, from: 0, limit: 10 });
      assert.deepEqual(hits.hits.map((h) => h['event.id']).sort(), ['audit-error', 'new-info', 'plain-error']);
      const parts = await store.partitions(CONTRACT_NOW);
      assert.deepEqual([...new Set(parts.map((p) => p.class))].sort(), ['audit', 'default', 'errors']);
    }, retention);
  });
}
