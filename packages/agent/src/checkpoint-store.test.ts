import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointStore, CHECKPOINT_FILE } from './checkpoint-store.js';
import { createLogger, silentLogger } from './log.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'ls-agent-ckpt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('positions survive a reopen and the file is versioned', async (t) => {
  const dir = tempDir(t);
  const a = await CheckpointStore.open(dir, silentLogger);
  a.set('file:abc', { offset: 120, path: '/x.log' });
  a.set('journald:j', { cursor: 's=1;i=2' });
  await a.flush();
  const doc = JSON.parse(readFileSync(join(dir, CHECKPOINT_FILE), 'utf8')) as { version: number };
  assert.equal(doc.version, 1);
  assert.deepEqual(readdirSync(dir), [CHECKPOINT_FILE]);
  const b = await CheckpointStore.open(dir, silentLogger);
  assert.equal(b.get('file:abc')?.offset, 120);
  assert.equal(b.get('journald:j')?.cursor, 's=1;i=2');
});

test('file offsets never move backwards', async (t) => {
  const s = await CheckpointStore.open(tempDir(t), silentLogger);
  s.set('file:a', { offset: 500 });
  s.set('file:a', { offset: 100 });
  assert.equal(s.get('file:a')?.offset, 500);
});

test("a new offset keeps no earlier offset's mark of the bytes before it", async (t) => {
  const s = await CheckpointStore.open(tempDir(t), silentLogger);
  s.set('file:a', { offset: 100, path: '/x.log', mark: 7 });
  s.set('file:a', { offset: 200 });
  assert.deepEqual([s.get('file:a')?.offset, s.get('file:a')?.path, s.get('file:a')?.mark], [200, '/x.log', undefined]);
  s.set('file:a', { offset: 300, mark: 9 });
  assert.equal(s.get('file:a')?.mark, 9);
});

test('a corrupt checkpoint is reported with its code, moved aside, and the store starts empty', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, CHECKPOINT_FILE), '{"version":1,"positions":{"file:a":{"offs');
  const logged: string[] = [];
  const s = await CheckpointStore.open(dir, createLogger('info', (l) => logged.push(l)));
  assert.equal([...s.keys()].length, 0);
  assert.ok(logged.some((l) => l.includes('LS_AGENT_CHECKPOINT_CORRUPT')));
  assert.ok(readdirSync(dir).some((f) => f.startsWith(`${CHECKPOINT_FILE}.corrupt-`)));
  s.set('file:b', { offset: 1 });
  await s.flush();
  assert.equal((await CheckpointStore.open(dir, silentLogger)).get('file:b')?.offset, 1);
});

test('a checkpoint of an unknown version is not misread', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, CHECKPOINT_FILE), JSON.stringify({ version: 99, positions: { 'file:a': { offset: 5 } } }));
  const s = await CheckpointStore.open(dir, silentLogger);
  assert.equal(s.get('file:a'), undefined);
});

test('positions an earlier agent wrote keep its id form up to a bound fixed once; new positions sort from 0', async (t) => {
  const dir = tempDir(t);
  // As an agent before sorting ids wrote it: no id_form.
  writeFileSync(join(dir, CHECKPOINT_FILE), JSON.stringify({ version: 1, written_at: '2026-12-01T00:00:00.000Z', positions: {
    'app:cabc': { offset: 100, path: '/var/log/app.log', dev: 1, ino: 2, updated_ms: 1 },
    'jd:journald': { cursor: 's=1;i=2;t=3', filter: '', updated_ms: 1 },
  } }));
  const a = await CheckpointStore.open(dir, silentLogger);
  assert.equal(a.get('app:cabc')?.legacy_ids_below, null);
  assert.equal(a.get('jd:journald')?.legacy_ids_through, null);
  assert.deepEqual(a.fileIdsSortFrom('app:cabc', 5000), { from: 5000, fixed: true });
  assert.deepEqual(a.fileIdsSortFrom('app:cabc', 9000), { from: 5000, fixed: false }, 'fixed once');
  a.set('app:cabc', { offset: 300 });
  a.set('app:new', { offset: 0, path: '/var/log/new.log' });
  assert.deepEqual(a.fileIdsSortFrom('app:new', 70), { from: 0, fixed: false });
  await a.flush();
  const doc = JSON.parse(readFileSync(join(dir, CHECKPOINT_FILE), 'utf8')) as { version: number; id_form: number };
  assert.equal(doc.version, 1, 'an older agent still reads it');
  assert.equal(doc.id_form, 2);
  const b = await CheckpointStore.open(dir, silentLogger);
  assert.equal(b.get('app:cabc')?.legacy_ids_below, 5000, 'the bound survives, not marked again');
  assert.equal(b.get('app:cabc')?.offset, 300);
  assert.equal(b.get('app:new')?.legacy_ids_below, undefined);
  assert.equal(b.get('jd:journald')?.legacy_ids_through, null, 'still to be fixed');
});
