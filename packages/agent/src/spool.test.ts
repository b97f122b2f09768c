import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, silentLogger } from './log.js';
import { Spool, type SpoolEntry } from './spool.js';

function dir(t: { after: (fn: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), 'ls-agent-spool-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const body = (s: string): Buffer => Buffer.from(s);

test('beyond memory_batches batches go to disk, keep FIFO order and survive a reopen', async (t) => {
  const d = dir(t);
  const s = await Spool.open(d, { max_bytes: 1 << 20, when_full: 'block', memory_batches: 2 }, silentLogger, () => {});
  for (let i = 0; i < 5; i++) await s.push(body(`batch-${i}`), 1, { [`k${i}`]: { offset: i } }, { src: 1 });
  assert.equal(readdirSync(d).filter((f) => f.endsWith('.batch')).length, 3);
  const head = (await s.head())!;
  assert.equal((await s.body(head)).toString(), 'batch-0');
  await s.remove(head);
  await s.persist();
  const again = await Spool.open(d, { max_bytes: 1 << 20, when_full: 'block', memory_batches: 2 }, silentLogger, () => {});
  const order: string[] = [];
  while (again.length > 0) {
    const e = (await again.head())!;
    order.push((await again.body(e)).toString());
    assert.deepEqual(e.sources, { src: 1 });
    await again.remove(e);
  }
  assert.deepEqual(order, ['batch-1', 'batch-2', 'batch-3', 'batch-4']);
  assert.equal(again.diskBytes, 0);
});

test('a corrupt spool file is reported and moved aside; the others are delivered', async (t) => {
  const d = dir(t);
  const s = await Spool.open(d, { max_bytes: 1 << 20, when_full: 'block', memory_batches: 1 }, silentLogger, () => {});
  for (let i = 0; i < 3; i++) await s.push(body(`b${i}`), 1, {});
  const files = readdirSync(d).filter((f) => f.endsWith('.batch')).sort();
  writeFileSync(join(d, files[0]!), 'not a header');
  const logged: string[] = [];
  const again = await Spool.open(d, { max_bytes: 1 << 20, when_full: 'block', memory_batches: 1 }, createLogger('info', (l) => logged.push(l)), () => {});
  assert.ok(logged.some((l) => l.includes('LS_AGENT_SPOOL_CORRUPT')));
  assert.equal(again.length, 1);
  assert.ok(readdirSync(d).some((f) => f.endsWith('.corrupt')));
});

test('drop_oldest drops spooled batches, never the one in flight, and reports them', async (t) => {
  const d = dir(t);
  const dropped: SpoolEntry[] = [];
  const s = await Spool.open(d, { max_bytes: 300, when_full: 'drop_oldest', memory_batches: 1 }, silentLogger, (e) => dropped.push(e));
  await s.push(body('m'.repeat(10)), 5, {});
  const inFlight = (await s.head())!;
  for (let i = 0; i < 6; i++) await s.push(body('d'.repeat(100)), 7, { [`k${i}`]: { offset: i } });
  assert.ok(s.diskBytes <= 300);
  assert.ok(dropped.length > 0);
  assert.equal(s.droppedEvents, dropped.length * 7);
  // k0 took the free memory slot; k1 is the oldest batch on disk.
  assert.deepEqual(dropped.map((e) => Object.keys(e.positions)[0]), dropped.map((_, i) => `k${i + 1}`), 'oldest first');
  assert.equal((await s.body(inFlight)).toString(), 'm'.repeat(10));
});

test('renamed sources: queued batches, in memory and on disk, take the new names, and a clean stop writes them into the files', async (t) => {
  const d = dir(t);
  const options = { max_bytes: 1 << 20, when_full: 'block' as const, memory_batches: 1 };
  const s = await Spool.open(d, options, silentLogger, () => {});
  await s.push(body('mem'), 1, { 'old:c1': { offset: 1 }, 'other:c1': { offset: 1 } }, { old: 1 });
  await s.push(body('disk'), 1, { 'old:c1': { offset: 2 } }, { old: 1 });
  s.renameSources(new Map([['old', 'new']]));
  const head = (await s.head())!;
  assert.deepEqual(head.positions, { 'new:c1': { offset: 1 }, 'other:c1': { offset: 1 } });
  assert.deepEqual(head.sources, { new: 1 });
  await s.persist();
  const again = await Spool.open(d, options, silentLogger, () => {});
  const seen: Array<Record<string, unknown>> = [];
  while (again.length > 0) {
    const e = (await again.head())!;
    seen.push(e.positions);
    assert.equal((await again.body(e)).toString(), seen.length === 1 ? 'mem' : 'disk');
    await again.remove(e);
  }
  assert.deepEqual(seen, [{ 'new:c1': { offset: 1 }, 'other:c1': { offset: 1 } }, { 'new:c1': { offset: 2 } }]);
  assert.equal(again.diskBytes, 0, 'the rewritten file\'s size was counted');
});
