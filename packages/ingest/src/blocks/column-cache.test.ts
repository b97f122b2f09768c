/** The column cache keeps to its budget, newest used last out, and forgets by key prefix. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LogEvent } from '@logship/query';
import { ColumnCache, estimateBytes } from './column-cache.js';
import { BlockPartition } from './block-partition.js';
import { encodeBlock } from './block-codec.js';

const column = (n: number, v: string): string[] => new Array<string>(n).fill(v);

test('least recently used entries leave first, and the budget holds', () => {
  const cache = new ColumnCache(20_000);
  for (let i = 0; i < 10; i++) {
    cache.nextQuery();
    cache.set(`1:${i}:0`, column(500, 'x'));
  }
  assert.ok(cache.bytes <= 20_000, `${cache.bytes} bytes`);
  assert.equal(cache.get('1:0:0'), undefined, 'the oldest went');
  assert.ok(cache.get('1:9:0'), 'the newest stayed');
  // Using an entry makes it the newest.
  const kept = [...Array(10).keys()].filter((i) => cache.get(`1:${i}:0`) !== undefined);
  cache.nextQuery();
  cache.get(`1:${kept[0]}:0`);
  cache.nextQuery();
  cache.set('1:99:0', column(500, 'y'));
  assert.ok(cache.get(`1:${kept[0]}:0`), 'a used entry outlived newer unused ones');
});

test('bytes and columns share the budget; an entry of more than a quarter of it is not kept', () => {
  const cache = new ColumnCache(10_000);
  cache.set('1:1:0:bytes', new Uint8Array(2000));
  assert.ok(cache.get('1:1:0:bytes') instanceof Uint8Array);
  cache.set('1:1:1:bytes', new Uint8Array(3000));
  assert.equal(cache.get('1:1:1:bytes'), undefined);
  assert.equal(cache.bytes, 2064);
});

test('forget drops a connection or a block by prefix, and nothing else', () => {
  const cache = new ColumnCache(1 << 20);
  for (const k of ['1:5:0', '1:5:1:bytes', '1:50:0', '2:5:0']) cache.set(k, column(10, k));
  cache.forget('1:5:');
  assert.deepEqual(['1:5:0', '1:5:1:bytes', '1:50:0', '2:5:0'].map((k) => cache.get(k) !== undefined), [false, false, true, true]);
  cache.forget('1:');
  assert.equal(cache.get('1:50:0'), undefined);
  assert.ok(cache.get('2:5:0'));
});

test('a block id handed out again after a rollback is not answered from the cache, nor a merged-away block', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-column-cache-'));
  const cache = new ColumnCache(1 << 20);
  const db = new BlockPartition(path.join(dir, '2026-11-20.default.db'), { day: '2026-11-20', className: 'default' }, { create: true, columnCache: cache });
  try {
    const events = (host: string): LogEvent[] =>
      Array.from({ length: 300 }, (_, i) => ({ '@timestamp': new Date(Date.UTC(2026, 10, 20) + i).toISOString(), 'event.id': `e${i}`, host: `${host}-${i % 7}` }));
    const insert = (host: string): number => {
      const list = events(host);
      return db.insertBlock(encodeBlock(list, { textFields: ['message'] }), [], 0, '["message"]');
    };
    const hostOf = (id: number): unknown => {
      const h = db.headers().find((x) => x.id === id)!;
      return db.columns(h, ['host']).get('host')?.[1];
    };
    db.begin();
    const first = insert('web');
    assert.equal(hostOf(first), 'web-1');
    assert.ok(cache.bytes > 0, 'the read went through the cache');
    db.rollback();
    db.begin();
    const again = insert('db');
    db.commit();
    assert.equal(again, first, 'AUTOINCREMENT rolled back with the transaction: the same id');
    assert.equal(hostOf(again), 'db-1');
    db.begin();
    db.deleteBlocks([again]);
    db.commit();
    assert.equal(db.headers().length, 0);
    assert.equal(cache.bytes, 0, 'the deleted block\'s columns were forgotten');
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a dictionary column counts its few strings once; a column of distinct strings counts each', () => {
  const n = 4096;
  const users = ['3f6c1a2e-8d1b-4c55-9b0e-7a1d2c3e4f50', '9a8b7c6d-5e4f-4321-8fed-cba987654321', 'user-uuid'];
  const dict = Array.from({ length: n }, (_, i) => users[i % 3]!);
  const distinct = Array.from({ length: n }, (_, i) => `request ${i} of a long enough message to count`);
  const slots = 64 + n * 8;
  assert.ok(estimateBytes(dict) < slots * 1.2, `dictionary column: ${estimateBytes(dict)} bytes`);
  const chars = distinct.reduce((sum, s) => sum + 16 + s.length, 0);
  const got = estimateBytes(distinct) - slots;
  assert.ok(Math.abs(got - chars) < chars * 0.05, `distinct strings: ${got} bytes for ${chars}`);
});

test('a query larger than the cache keeps what it read first, and the next pass finds it', () => {
  const cache = new ColumnCache(25_000);
  const scan = (): number => {
    cache.nextQuery();
    let hits = 0;
    for (let i = 0; i < 10; i++) {
      if (cache.get(`1:${i}:0`)) hits++;
      else cache.set(`1:${i}:0`, column(500, 'x'));
    }
    return hits;
  };
  assert.equal(scan(), 0);
  const kept = scan();
  assert.ok(kept >= 5, `${kept} of 10 found again (least recently used would find none)`);
  assert.equal(scan(), kept, 'a steady share, not a cycle of evictions');
  // Another query's columns may take the room of entries this one did not use.
  cache.nextQuery();
  cache.set('2:0:0', column(500, 'y'));
  assert.ok(cache.get('2:0:0'));
  assert.ok(cache.bytes <= 25_000);
});
