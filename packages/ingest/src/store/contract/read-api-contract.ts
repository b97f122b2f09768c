/**
 * The contract of the read API's newer questions, run by every backend
 * through runLogStoreContract: histograms with every bucket (an outage in
 * the data shows as zeros), the fields of a range, a field's top values,
 * and the events around one event. Expected answers are computed from the
 * written events with plain code, never from a store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerFieldValues, FIELD_SAMPLE_SIZE, findContext, sampleFields, type FieldsRequest, type FieldsResult, type FieldSummary, type FieldValuesRequest, type FieldValuesResult, type FieldType, type LogEvent } from '@logship/query/core';
import type { LogStore } from '../log-store.js';
import { DAY_MS } from '../../retention/retention-config.js';
import { q } from './ast-builders.js';
import { CONTRACT_NOW, contractCorpus } from './contract-fixture.js';
import { expectedHistogram } from './differential.js';
import type { WithStore } from './contract-fixture.js';

const MINUTE = 60_000;
const WIDE = { from: CONTRACT_NOW - 30 * DAY_MS, to: CONTRACT_NOW + DAY_MS };

/**
 * Events with field names that are also names on Object.prototype, made by
 * JSON.parse as ingest makes them (own `__proto__` keys), and a field that
 * is a string in one event and a number in another.
 */
function hostileEvents(): LogEvent[] {
  const t = (m: number): string => new Date(CONTRACT_NOW - m * MINUTE).toISOString();
  return JSON.parse(JSON.stringify([
    { '@timestamp': t(5), 'event.id': 'proto-1', host: 'web-9', constructor: 'c1', toString: 5, mixed: 'a', 'http.status_text': 'OK' },
    { '@timestamp': t(6), 'event.id': 'proto-2', host: 'web-9', constructor: 'c1', hasOwnProperty: true, mixed: 3 },
    { '@timestamp': t(7), 'event.id': 'proto-3', host: 'web-9', constructor: 'c2', mixed: null },
  ]).replace(/"toString"/, '"__proto__"')) as LogEvent[];
}

function typeOf(field: string, v: unknown): FieldType | null {
  if (v === null || v === undefined) return null;
  if (field === '@timestamp') return 'date';
  return typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : null;
}

/**
 * The fields API as the route answers it: the store's own fields() when it
 * has one (checked against the generic answer from its search and count,
 * which must agree), else that generic answer.
 */
async function fieldsOf(store: LogStore, req: FieldsRequest): Promise<FieldsResult> {
  const generic = await sampleFields(store, req);
  if (!store.fields) return generic;
  const own = await store.fields(req);
  assert.deepEqual(own, generic, "the store's fields() and the answer from its search and count differ");
  return own;
}

/** A field's values as the route answers them: the store's own fieldValues() when it has one (checked against the generic answer), else the generic one. */
async function valuesOf(store: LogStore, req: FieldValuesRequest): Promise<FieldValuesResult> {
  const generic = await answerFieldValues(store, req);
  if (!store.fieldValues) return generic;
  const own = await store.fieldValues(req);
  assert.deepEqual(own, generic, `the store's fieldValues() and the answer from its search, count and aggregate differ (${req.field})`);
  return own;
}

/** The fields API's answer computed from the events themselves. */
function expectedFields(events: readonly LogEvent[]): FieldSummary[] {
  const by = new Map<string, { types: Set<FieldType>; count: number }>();
  for (const e of events) {
    for (const k of Object.keys(e)) {
      const t = typeOf(k, e[k]);
      if (t === null) continue;
      const entry = by.get(k) ?? { types: new Set<FieldType>(), count: 0 };
      entry.types.add(t);
      entry.count++;
      by.set(k, entry);
    }
  }
  const order: FieldType[] = ['string', 'number', 'boolean', 'date'];
  return [...by]
    .map(([name, { types, count }]) => ({ name, types: order.filter((t) => types.has(t)), count }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function own(e: LogEvent, field: string): unknown {
  return Object.hasOwn(e, field) ? e[field] : undefined;
}

/** Top values keyed by String(value), other and missing, computed directly. */
function expectedValues(events: readonly LogEvent[], field: string, size: number): { values: { value: string; count: number }[]; other_count: number; missing_count: number } {
  const counts = new Map<string, number>();
  let missing = 0;
  for (const e of events) {
    const v = own(e, field);
    if (v === null || v === undefined) missing++;
    else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  const all = [...counts].map(([value, count]) => ({ value, count }));
  all.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { values: all.slice(0, size), other_count: all.slice(size).reduce((s, v) => s + v.count, 0), missing_count: missing };
}

/** One event a minute for two hours, then nothing for 40 minutes (the outage), then an hour more. */
function outageEvents(start: number): LogEvent[] {
  const events: LogEvent[] = [];
  for (let m = 0; m < 220; m++) {
    if (m >= 120 && m < 160) continue;
    events.push({
      '@timestamp': new Date(start + m * MINUTE + 7_000).toISOString(),
      'event.id': `outage-${String(m).padStart(3, '0')}`,
      level: m % 5 === 0 ? 'error' : 'info',
      host: 'web-1',
      message: `tick ${m}`,
    });
  }
  return events;
}

export function readApiContractTests(withStore: WithStore): void {
  test('date_histogram has every bucket of the range, an outage and the ends as 0', async () => {
    await withStore(async (store) => {
      const start = CONTRACT_NOW - 6 * 3_600_000;
      const events = outageEvents(start);
      await store.write(events);
      const stamps = events.map((e) => Date.parse(e['@timestamp']));
      // Unaligned ends, and 40 minutes of margin before and after the data.
      const from = start - 40 * MINUTE + 13_000;
      const to = start + 260 * MINUTE - 1_000;
      for (const interval of [5 * MINUTE, 10 * MINUTE, 90_000]) {
        for (const [label, query, keep] of [
          ['every event', q.all(), () => true],
          ['level:error', q.term('level', 'error'), (e: LogEvent) => e.level === 'error'],
        ] as const) {
          const res = await store.aggregate({ from, to, query, agg: { type: 'date_histogram', interval_ms: interval }, now: CONTRACT_NOW });
          assert.ok(res.type === 'date_histogram');
          const expected = expectedHistogram(events.filter(keep).map((e) => Date.parse(e['@timestamp'])), from, to, interval);
          assert.deepEqual(res.buckets.map((b) => [b.key, b.count]), expected, `${label} at ${interval} ms`);
          for (const b of res.buckets) assert.equal(b.key_as_string, new Date(b.key).toISOString());
          // The outage is there as zeros, not left out.
          const gap = res.buckets.filter((b) => b.key >= start + 121 * MINUTE && b.key + interval <= start + 160 * MINUTE);
          assert.ok(gap.length >= 3 && gap.every((b) => b.count === 0), `${label}: outage buckets ${JSON.stringify(gap)}`);
        }
      }
      assert.equal(stamps.length, 180);
    });
  });

  test('date_histogram over days with no partition or index at all, and over an empty range', async () => {
    await withStore(async (store) => {
      const day0 = Math.floor(CONTRACT_NOW / DAY_MS) * DAY_MS - 4 * DAY_MS;
      const events: LogEvent[] = [
        { '@timestamp': new Date(day0 + 3_600_000).toISOString(), 'event.id': 'd0', host: 'a' },
        { '@timestamp': new Date(day0 + 3 * DAY_MS + 60_000).toISOString(), 'event.id': 'd3', host: 'a' },
      ];
      await store.write(events);
      const from = day0 - DAY_MS;
      const to = day0 + 5 * DAY_MS - 1;
      const res = await store.aggregate({ from, to, query: q.all(), agg: { type: 'date_histogram', interval_ms: DAY_MS }, now: CONTRACT_NOW });
      assert.ok(res.type === 'date_histogram');
      assert.deepEqual(
        res.buckets.map((b) => [b.key, b.count]),
        [[day0 - DAY_MS, 0], [day0, 1], [day0 + DAY_MS, 0], [day0 + 2 * DAY_MS, 0], [day0 + 3 * DAY_MS, 1], [day0 + 4 * DAY_MS, 0]],
      );
      // A range far from any event: every bucket, all zero.
      const empty = await store.aggregate({
        from: day0 - 20 * DAY_MS,
        to: day0 - 20 * DAY_MS + 3_600_000,
        query: q.all(),
        agg: { type: 'date_histogram', interval_ms: 15 * MINUTE },
        now: CONTRACT_NOW,
      });
      assert.ok(empty.type === 'date_histogram');
      assert.deepEqual(empty.buckets.map((b) => b.count), [0, 0, 0, 0, 0]);
    });
  });

  test('date_histogram refuses more buckets than it may return, with a coded error', async () => {
    await withStore(async (store) => {
      await assert.rejects(
        store.aggregate({ from: 0, to: CONTRACT_NOW, query: q.all(), agg: { type: 'date_histogram', interval_ms: 1000 }, now: CONTRACT_NOW }),
        (err: unknown) => (err as { code?: string }).code === 'LS_STORE_BAD_REQUEST',
      );
    });
  });

  test('fields: every field of the range with its types and exact counts, also with a query and a narrower range', async () => {
    await withStore(async (store) => {
      const events = [...contractCorpus(), ...hostileEvents()];
      const res = await store.write(events);
      assert.equal(res.stored, events.length);
      const all = await fieldsOf(store, { ...WIDE, query: q.all(), now: CONTRACT_NOW });
      assert.equal(all.counts, 'exact');
      assert.equal(all.sample_size, undefined);
      assert.deepEqual(all.fields, expectedFields(events));
      const names = all.fields.map((f) => f.name);
      for (const hostile of ['constructor', '__proto__', 'hasOwnProperty', 'mixed']) assert.ok(names.includes(hostile), `${hostile} in ${names.join()}`);
      assert.deepEqual(all.fields.find((f) => f.name === 'mixed')?.types, ['string', 'number']);
      assert.deepEqual(all.fields.find((f) => f.name === '@timestamp')?.types, ['date']);

      const django = await fieldsOf(store, { ...WIDE, query: q.term('job', 'django'), now: CONTRACT_NOW });
      assert.deepEqual(django.fields, expectedFields(events.filter((e) => e.job === 'django')));

      const from = CONTRACT_NOW - 20 * 3_600_000;
      const to = CONTRACT_NOW - 5 * 3_600_000;
      const narrow = await fieldsOf(store, { from, to, query: q.all(), now: CONTRACT_NOW });
      const inRange = events.filter((e) => Date.parse(e['@timestamp']) >= from && Date.parse(e['@timestamp']) <= to);
      assert.ok(inRange.length > 0 && inRange.length < events.length);
      assert.deepEqual(narrow.fields, expectedFields(inRange));

      const none = await fieldsOf(store, { from: 0, to: 1000, query: q.all(), now: CONTRACT_NOW });
      assert.deepEqual(none, { counts: 'exact', fields: [] });
    });
  });

  test(`fields: past ${FIELD_SAMPLE_SIZE} matching events the newest are sampled and counts scaled`, async () => {
    await withStore(async (store) => {
      const total = FIELD_SAMPLE_SIZE + 2000;
      const start = CONTRACT_NOW - 3 * 3_600_000;
      const events: LogEvent[] = [];
      for (let i = 0; i < total; i++) {
        const e: LogEvent = { '@timestamp': new Date(start + i * 500).toISOString(), 'event.id': `s-${String(i).padStart(6, '0')}`, host: 'h' };
        // Only the oldest 1000 have `old_only`; every other event has `half`.
        if (i < 1000) e.old_only = 'x';
        if (i % 2 === 0) e.half = i;
        events.push(e);
      }
      for (let i = 0; i < events.length; i += 5000) await store.write(events.slice(i, i + 5000));
      const res = await fieldsOf(store, { ...WIDE, query: q.all(), now: CONTRACT_NOW });
      assert.equal(res.counts, 'sampled');
      assert.equal(res.sample_size, FIELD_SAMPLE_SIZE);
      const by = new Map(res.fields.map((f) => [f.name, f]));
      assert.equal(by.get('host')?.count, total);
      assert.equal(by.get('event.id')?.count, total);
      assert.ok(!by.has('old_only'), 'a field only older events have is outside the sample');
      assert.equal(by.get('half')?.count, Math.round((FIELD_SAMPLE_SIZE / 2) * (total / FIELD_SAMPLE_SIZE)));
      assert.deepEqual(by.get('half')?.types, ['number']);
    });
  });

  test('field values: top N with other and missing counts, exact, for odd field names too', async () => {
    await withStore(async (store) => {
      const events = [...contractCorpus(), ...hostileEvents()];
      await store.write(events);
      for (const [field, size] of [['level', 2], ['host', 10], ['status', 1], ['constructor', 5], ['__proto__', 5], ['mixed', 5], ['no.such.field', 5], ['message', 3]] as const) {
        const res = await valuesOf(store, { ...WIDE, query: q.all(), field, size, now: CONTRACT_NOW });
        assert.equal(res.counts, 'exact', field);
        assert.deepEqual({ values: res.values, other_count: res.other_count, missing_count: res.missing_count }, expectedValues(events, field, size), field);
      }
      const security = await valuesOf(store, { ...WIDE, query: q.phrase('logger', 'django.security'), field: 'user_id', size: 10, now: CONTRACT_NOW });
      assert.deepEqual(
        { values: security.values, other_count: security.other_count, missing_count: security.missing_count },
        expectedValues(events.filter((e) => e.logger === 'django.security'), 'user_id', 10),
      );
    });
  });

  contextTests(withStore);
}

/**
 * Three hosts, two sources each (and events without a source), one event
 * every 20 s around a UTC midnight, so the neighbours of an event near it
 * come from two days (two partitions, two indices); ties on @timestamp.
 */
function contextEvents(): LogEvent[] {
  const midnight = Math.floor(CONTRACT_NOW / DAY_MS) * DAY_MS;
  const events: LogEvent[] = [];
  for (let i = 0; i < 240; i++) {
    const t = midnight - 20 * MINUTE + Math.floor(i / 2) * 20_000;
    const e: LogEvent = { '@timestamp': new Date(t).toISOString(), 'event.id': `ctx-${String((i * 7) % 240).padStart(3, '0')}`, host: `h${i % 3}`, message: `line ${i}` };
    if (i % 5 !== 0) e.source = `/var/log/s${i % 2}.log`;
    events.push(e);
  }
  return events;
}

function key(e: LogEvent): [number, string] {
  return [Date.parse(e['@timestamp']), e['event.id']];
}

function before(a: LogEvent, b: LogEvent): boolean {
  const [ta, ia] = key(a);
  const [tb, ib] = key(b);
  return ta < tb || (ta === tb && ia < ib);
}

function contextTests(withStore: WithStore): void {
  test('context: N before and after from the same host and source, oldest first, across a day boundary', async () => {
    await withStore(async (store) => {
      const events = contextEvents();
      await store.write(events);
      const sorted = [...events].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
      const midnight = Math.floor(CONTRACT_NOW / DAY_MS) * DAY_MS;
      // Anchors right at midnight, with and without a source, and at the ends.
      const anchors = [
        sorted.find((e) => Date.parse(e['@timestamp']) === midnight && e.source !== undefined),
        sorted.find((e) => Date.parse(e['@timestamp']) >= midnight && e.source === undefined),
        sorted[0],
        sorted[sorted.length - 1],
        sorted[101],
      ];
      for (const anchor of anchors) {
        assert.ok(anchor);
        const same = sorted.filter((e) => e.host === anchor.host && e.source === anchor.source);
        const at = same.indexOf(anchor);
        for (const n of [0, 1, 3, 25, 500]) {
          const res = await findContext(store, { id: anchor['event.id'], ts: Date.parse(anchor['@timestamp']), before: n, after: n, now: CONTRACT_NOW });
          assert.ok(res, `anchor ${anchor['event.id']}`);
          assert.deepEqual(res.anchor, anchor);
          const ids = (list: LogEvent[]): string[] => list.map((e) => e['event.id']);
          assert.deepEqual(ids(res.before), ids(same.slice(Math.max(0, at - n), at)), `before ${n} of ${anchor['event.id']}`);
          assert.deepEqual(ids(res.after), ids(same.slice(at + 1, at + 1 + n)), `after ${n} of ${anchor['event.id']}`);
          for (const e of [...res.before, ...res.after]) {
            assert.equal(e.host, anchor.host);
            assert.equal(own(e, 'source'), own(anchor, 'source'));
          }
        }
      }
    });
  });

  test('context: events tied with the anchor on @timestamp fall on either side by event.id', async () => {
    await withStore(async (store) => {
      const t = new Date(CONTRACT_NOW - 3_600_000).toISOString();
      const tied: LogEvent[] = ['b', 'd', 'a', 'e', 'c'].map((id) => ({ '@timestamp': t, 'event.id': `tie-${id}`, host: 'h', source: 's' }));
      tied.push({ '@timestamp': new Date(CONTRACT_NOW - 3_600_001).toISOString(), 'event.id': 'tie-z-older', host: 'h', source: 's' });
      tied.push({ '@timestamp': new Date(CONTRACT_NOW - 3_599_999).toISOString(), 'event.id': 'tie-0-newer', host: 'h', source: 's' });
      await store.write(tied);
      const res = await findContext(store, { id: 'tie-c', ts: Date.parse(t), before: 10, after: 10, now: CONTRACT_NOW });
      assert.ok(res);
      assert.deepEqual(res.before.map((e) => e['event.id']), ['tie-z-older', 'tie-a', 'tie-b']);
      assert.deepEqual(res.after.map((e) => e['event.id']), ['tie-d', 'tie-e', 'tie-0-newer']);
      const two = await findContext(store, { id: 'tie-c', ts: Date.parse(t), before: 2, after: 2, now: CONTRACT_NOW });
      assert.deepEqual(two?.before.map((e) => e['event.id']), ['tie-a', 'tie-b']);
      assert.deepEqual(two?.after.map((e) => e['event.id']), ['tie-d', 'tie-e']);
    });
  });

  test('context: an unknown id, or a known id at another @timestamp, is null', async () => {
    await withStore(async (store) => {
      const events = contextEvents();
      await store.write(events);
      const e = events[10] as LogEvent;
      const ts = Date.parse(e['@timestamp']);
      assert.equal(await findContext(store, { id: 'no-such-id', ts, before: 5, after: 5, now: CONTRACT_NOW }), null);
      assert.equal(await findContext(store, { id: e['event.id'], ts: ts + 1, before: 5, after: 5, now: CONTRACT_NOW }), null);
      assert.ok(await findContext(store, { id: e['event.id'], ts, before: 5, after: 5, now: CONTRACT_NOW }));
    });
  });
}
