import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointStore, CHECKPOINT_FILE } from './checkpoint-store.js';
import { HeldLines } from './held-lines.js';
import { silentLogger } from './log.js';
import { reconcileHeld } from './reconcile-held.js';

const limits = { max_held_events: 1000, max_held_bytes: 1 << 20, max_held_age_s: 0 };
const retry = { initial_backoff_ms: 10, max_backoff_ms: 100 };
const envelope = (id: string): string => JSON.stringify({ 'event.id': id, message: `line ${id}` });

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'ls-agent-reconcile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens the checkpoint and the held files as Agent.start does. */
async function open(dir: string): Promise<{ checkpoints: CheckpointStore; held: HeldLines }> {
  const checkpoints = await CheckpointStore.open(dir, silentLogger);
  const held = await HeldLines.open(join(dir, 'spool'), limits, retry, silentLogger, (checkpoints.heldThrough ?? -1) + 1);
  await reconcileHeld(checkpoints, held, silentLogger);
  return { checkpoints, held };
}

test('a crash after lines were held and before the checkpoint was written: the next start moves the checkpoint to their positions, once', async (t) => {
  const dir = tempDir(t);
  let { checkpoints, held } = await open(dir);
  // Held, acknowledged and checkpointed; then taken, its file removed.
  const first = await held.add([envelope('f:aa:10')], { 'app:aa': { offset: 20 } }, { app: 2 });
  assert.equal(first.kind, 'held');
  checkpoints.set('app:aa', { offset: 20 });
  checkpoints.coverHeld(first.kind === 'held' ? first.number : -1);
  await checkpoints.flush();
  await held.remove(held.all[0]!);

  // A restart: a new held file gets a number past the one the checkpoint covers, though none is left.
  ({ checkpoints, held } = await open(dir));
  assert.equal(checkpoints.heldThrough, 0);
  const second = await held.add([envelope('f:aa:30'), envelope('j:s=1;i=9')], { 'app:aa': { offset: 40 }, 'jd:journald': { cursor: 's=1;i=9' } }, { app: 2, jd: 1 });
  assert.deepEqual(second, { kind: 'held', number: 1 });
  // Killed before the checkpoint was written (the acknowledgement was in memory only).

  ({ checkpoints, held } = await open(dir));
  assert.equal(checkpoints.get('app:aa')?.offset, 40, 'the file read on after the held lines');
  assert.equal(checkpoints.get('jd:journald')?.cursor, 's=1;i=9', 'and the journal');
  assert.equal(checkpoints.heldThrough, 1);
  assert.equal(held.lines, 2, 'the held lines are still held');

  // Read on further and checkpointed; the next start leaves the checkpoint where it is.
  checkpoints.set('jd:journald', { cursor: 's=1;i=20' });
  await checkpoints.flush();
  ({ checkpoints, held } = await open(dir));
  assert.equal(checkpoints.get('jd:journald')?.cursor, 's=1;i=20', 'a covered held file does not move a cursor back');
});

test("an earlier agent's checkpoint (no held_through): held files' offsets are taken when ahead, journald cursors are not", async (t) => {
  const dir = tempDir(t);
  const { held } = await open(dir);
  await held.add([envelope('f:aa:10'), envelope('j:s=1;i=3')], { 'app:aa': { offset: 20 }, 'jd:journald': { cursor: 's=1;i=3' } }, { app: 1, jd: 1 });
  await held.add([envelope('f:bb:10')], { 'app:bb': { offset: 20 } }, { app: 1 });
  writeFileSync(join(dir, CHECKPOINT_FILE), JSON.stringify({
    version: 1, id_form: 2, written_at: new Date().toISOString(),
    positions: { 'app:aa': { offset: 50, updated_ms: 1 }, 'app:bb': { offset: 5, updated_ms: 1 }, 'jd:journald': { cursor: 's=1;i=8', updated_ms: 1 } },
  }));
  const { checkpoints } = await open(dir);
  assert.deepEqual([checkpoints.get('app:aa')?.offset, checkpoints.get('app:bb')?.offset, checkpoints.get('jd:journald')?.cursor], [50, 20, 's=1;i=8']);
  assert.equal(checkpoints.heldThrough, 1, 'from now on the checkpoint says which held files it covers');
  assert.deepEqual(readdirSync(join(dir, 'spool')).filter((n) => n.endsWith('.held')).length, 2);
});
