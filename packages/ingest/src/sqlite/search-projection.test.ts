/**
 * A search projected to some fields (SearchRequest.fields) reads only the
 * columns those need (event-row.ts readColumns): the hits must be the
 * whole events' projections, whichever column or doc a field's value sits
 * in (a promoted field holding a boolean, null or a non-finite number is
 * kept in doc), on both search plans (the time-order walk and the
 * planner's), first pages and cursor pages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ownField, setEventField, type LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { q } from '../store/contract/ast-builders.js';
import { openSqliteStore } from './open-sqlite-store.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');

function project(event: LogEvent, fields: readonly string[]): LogEvent {
  const out: LogEvent = { '@timestamp': event['@timestamp'], 'event.id': event['event.id'] };
  for (const f of fields) {
    const value = ownField(event, f);
    if (value !== undefined) setEventField(out, f, value);
  }
  return out;
}

const PROJECTIONS: readonly (readonly string[])[] = [
  [],
  ['@timestamp', 'event.id'],
  ['event.id'],
  ['status'],
  ['status', 'status', 'host'],
  ['user.name', 'cached'],
  ['message', 'no.such.field', 'status', 'duration_ms'],
  ['__proto__', 'constructor', 'level'],
];

test('projected searches give the whole events projected, values in promoted columns or doc alike', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-projection-'));
  const store = await openSqliteStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, readerThreads: 0, writerThread: false, searchWalkRows: 7 });
  try {
    const statuses = [500, '502', true, null, false, 200.5];
    const events: LogEvent[] = Array.from({ length: 60 }, (_, i) => ({
      '@timestamp': new Date(NOW - 60_000 * (i % 37)).toISOString(),
      'event.id': `e-${String(i).padStart(2, '0')}`,
      level: ['info', 'error', 'debug'][i % 3] as string,
      message: `projection event ${i}`,
      status: statuses[i % statuses.length] as LogEvent[string],
      ...(i % 4 === 0 ? { host: `web-${i % 3}`, 'user.name': `u${i}` } : {}),
      ...(i % 5 === 0 ? { cached: i % 2 === 0, duration_ms: i * 1.5 } : {}),
    }));
    assert.equal((await store.write(events)).stored, events.length);
    const range = { from: NOW - 86_400_000, to: NOW + 1, now: NOW };
    for (const query of [q.all(), q.term('level', 'error'), q.not(q.term('status', '500')), q.term(null, '7')]) {
      const whole = (await store.search({ ...range, query, limit: 1000 })).hits;
      for (const fields of PROJECTIONS) {
        const where = `${JSON.stringify(query)} projected to ${JSON.stringify(fields)}`;
        const hits = (await store.search({ ...range, query, limit: 1000, fields: [...fields] })).hits;
        assert.deepEqual(hits, whole.map((e) => project(e, fields)), where);
        // In pages of 4, following the cursor (the planner's plan past the walk).
        const paged: LogEvent[] = [];
        let cursor: string | null = null;
        do {
          const page = await store.search({ ...range, query, limit: 4, cursor, fields: [...fields], sort: 'asc' });
          paged.push(...page.hits);
          cursor = page.next_cursor;
        } while (cursor !== null);
        assert.deepEqual(paged, [...whole].reverse().map((e) => project(e, fields)), `asc pages, ${where}`);
      }
    }
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
