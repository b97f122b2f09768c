/**
 * The text fields besides message in the SQLite store (issue 15 item 1):
 * text_fts narrows, the exact check decides, and files that do not index a
 * field (schema version 3 and older, or written with another text-field
 * list) still answer the same by checking every row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileMatcher, parse, type LogEvent } from '@logship/query';
import { DAY_MS, DEFAULT_RETENTION } from '../retention/retention-config.js';
import { openSqliteStore, type SqliteLogStore } from './open-sqlite-store.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const TRACE = 'Traceback (most recent call last):\n  File "/srv/orders/views.py", line 42, in create\nKeyError: \'missing_order_id\'';

function event(id: string, at: number, extra: Partial<LogEvent> = {}): LogEvent {
  return { '@timestamp': new Date(at).toISOString(), 'event.id': id, level: 'error', message: `event ${id}`, ...extra };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-text-fields-'));
  try {
    await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function open(dir: string, textFields?: string[]): Promise<SqliteLogStore> {
  return openSqliteStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, ...(textFields ? { textFields } : {}) });
}

async function ids(store: SqliteLogStore, q: string): Promise<string[]> {
  const res = await store.search({ query: parse(q), from: 0, to: NOW + DAY_MS, now: NOW, limit: 1000, sort: 'asc' });
  return res.hits.map((e) => e['event.id']);
}

function expected(events: LogEvent[], q: string, textFields?: string[]): string[] {
  const match = compileMatcher(parse(q), { now: NOW, ...(textFields ? { textFields } : {}) });
  return events.filter(match).map((e) => e['event.id']);
}

const QUERIES = ['KeyError', '"missing_order_id"', 'exc_info:keyerror', 'custom:keyerror', 'message:keyerror', 'traceback AND NOT exc_info:*'];

test('free text finds a traceback in exc_info; a text field term matches its tokens', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    const events = [event('a', NOW, { exc_info: TRACE }), event('b', NOW + 1, { message: 'KeyError in message' }), event('c', NOW + 2)];
    await store.write(events);
    assert.deepEqual(await ids(store, 'KeyError'), ['a', 'b']);
    assert.deepEqual(await ids(store, '"missing_order_id"'), ['a']);
    assert.deepEqual(await ids(store, 'exc_info:keyerror'), ['a']);
    assert.deepEqual(await ids(store, 'message:keyerror'), ['b']);
    await store.close();
    // The FTS table holds the traceback's tokens: the narrowing is real.
    const db = new Database(path.join(dir, 'sqlite', '2026-11-23.errors.db'), { readonly: true });
    assert.equal((db.prepare("SELECT count(*) AS n FROM text_fts WHERE text_fts MATCH 'keyerror'").get() as { n: number }).n, 1);
    db.close();
  });
});

test('a schema version 3 file (no text_fts) is still read and written, and free text finds its tracebacks', async () => {
  await withDir(async (dir) => {
    const store = await open(dir);
    const before = [event('old1', NOW, { exc_info: TRACE }), event('old2', NOW + 1, { 'err.stack': 'KeyError at x' })];
    await store.write(before);
    await store.close();
    const file = path.join(dir, 'sqlite', '2026-11-23.errors.db');
    const db = new Database(file);
    db.exec("DROP TABLE text_fts; DELETE FROM meta WHERE key = 'text_fields'; PRAGMA user_version = 3;");
    db.close();
    const reopened = await open(dir);
    const after = [event('new1', NOW + 2, { exc_info: TRACE }), event('new2', NOW + 3)];
    await reopened.write(after);
    for (const q of QUERIES) assert.deepEqual(await ids(reopened, q), expected([...before, ...after], q), q);
    await reopened.close();
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('user_version', { simple: true }), 3, 'the file is not upgraded in place');
    check.close();
  });
});

test('a field added to the text fields later is found in rows written before', async () => {
  await withDir(async (dir) => {
    const first = await open(dir);
    const before = [event('x1', NOW, { custom: 'KeyError raised here', exc_info: TRACE })];
    await first.write(before);
    await first.close();
    const textFields = ['message', 'exc_info', 'custom'];
    const second = await open(dir, textFields);
    const after = [event('x2', NOW + 1, { custom: 'another KeyError' }), event('x3', NOW + 2, { exc_info: 'ValueError' })];
    await second.write(after);
    for (const q of QUERIES) assert.deepEqual(await ids(second, q, ), expected([...before, ...after], q, textFields), q);
    assert.deepEqual(await ids(second, 'custom:keyerror'), ['x1', 'x2']);
    await second.close();
    // The file now claims only what every row indexes.
    const db = new Database(path.join(dir, 'sqlite', '2026-11-23.errors.db'), { readonly: true });
    const row = db.prepare("SELECT value FROM meta WHERE key = 'text_fields'").get() as { value: string };
    assert.deepEqual(JSON.parse(row.value), ['exc_info']);
    db.close();
  });
});
