import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TailRegistry, type RegisteredTail } from './tail-registry.js';

/** A tail as the registry sees it (FileTail has these fields); no file behind it. */
interface Tail extends RegisteredTail {
  path: string;
  dev: number;
  ino: number;
}
const tail = (id: string, path: string, ino: number, dev = 1): Tail => ({ id, path, dev, ino, detached: false });

/**
 * The registry's invariants, checked after every step: every tail found by
 * path or inode is registered under its identity; a tail found at a path is
 * at that path and not detached; a tail found at an inode is at that inode.
 */
function assertConsistent(reg: TailRegistry<Tail>, paths: readonly string[], inodes: ReadonlyArray<[number, number]>): void {
  for (const p of paths) {
    const t = reg.atPath(p);
    if (!t) continue;
    assert.equal(reg.get(t.id), t, `tail at ${p} is registered`);
    assert.equal(t.path, p, `tail at ${p} is at ${p}`);
    assert.equal(t.detached, false, `tail at ${p} is attached`);
  }
  for (const [dev, ino] of inodes) {
    const t = reg.atInode(dev, ino);
    if (!t) continue;
    assert.equal(reg.get(t.id), t, `tail at ${dev}:${ino} is registered`);
    assert.deepEqual([t.dev, t.ino], [dev, ino]);
  }
}

test('a new tail is found by identity, inode and path', () => {
  const reg = new TailRegistry<Tail>();
  const a = tail('c:aaa', '/l/app.log', 10);
  reg.add(a);
  assert.equal(reg.get('c:aaa'), a);
  assert.equal(reg.has('c:aaa'), true);
  assert.equal(reg.atInode(1, 10), a);
  assert.equal(reg.atInode(2, 10), undefined, 'the device is part of the key');
  assert.equal(reg.atPath('/l/app.log'), a);
  assert.equal(reg.size, 1);
  assert.deepEqual(reg.all(), [a]);
});

test('rename rotation: the tail follows its inode to the new name; the new file at the old name displaces nothing', () => {
  const reg = new TailRegistry<Tail>();
  const a = tail('c:aaa', '/l/app.log', 10);
  reg.add(a);
  // app.log -> app.log.1, seen at the new name first.
  reg.placeAt(a, '/l/app.log.1');
  assert.equal(a.path, '/l/app.log.1');
  assert.equal(reg.atPath('/l/app.log'), undefined, 'the old name is free');
  assert.equal(reg.atPath('/l/app.log.1'), a);
  // The new app.log (another inode) is a new identity.
  assert.equal(reg.vacate('/l/app.log'), undefined);
  const b = tail('c:bbb', '/l/app.log', 11);
  reg.add(b);
  assertConsistent(reg, ['/l/app.log', '/l/app.log.1'], [[1, 10], [1, 11]]);
  assert.equal(reg.size, 2);
});

test('rename seen at the old name first: the tail is detached there, then attached at its new name', () => {
  const reg = new TailRegistry<Tail>();
  const a = tail('c:aaa', '/l/app.log', 10);
  reg.add(a);
  assert.equal(reg.vacate('/l/app.log'), a);
  assert.equal(a.detached, true);
  assert.equal(reg.atInode(1, 10), a, 'still found by its inode (its handle is read to its end)');
  reg.placeAt(a, '/l/app.log.1');
  assert.equal(a.detached, false);
  assertConsistent(reg, ['/l/app.log', '/l/app.log.1'], [[1, 10]]);
});

test("RotatingFileHandler's shift chain: each tail ends at its last name, none is found at a name it left", () => {
  const reg = new TailRegistry<Tail>();
  const names = ['/l/app.log', '/l/app.log.1', '/l/app.log.2', '/l/app.log.3'];
  const tails: Tail[] = [];
  let ino = 100;
  for (let round = 0; round < 3; round++) {
    // Shift from the end: .2 -> .3, .1 -> .2, app.log -> .1 (each an os.rename over the next name).
    for (let i = names.length - 2; i >= 0; i--) {
      const t = reg.atPath(names[i]!);
      if (t) reg.placeAt(t, names[i + 1]!);
    }
    const fresh = tail(`c:${round}`, names[0]!, ino++);
    reg.add(fresh);
    tails.push(fresh);
    assertConsistent(reg, names, tails.map((t) => [t.dev, t.ino]));
  }
  assert.deepEqual(tails.map((t) => t.path), ['/l/app.log.2', '/l/app.log.1', '/l/app.log']);
  assert.ok(tails.every((t) => !t.detached));
});

test('a rename over a followed name detaches the tail that was there', () => {
  const reg = new TailRegistry<Tail>();
  const a = tail('c:aaa', '/l/app.log', 10);
  const old = tail('c:old', '/l/app.log.1', 9);
  reg.add(old);
  reg.add(a);
  reg.placeAt(a, '/l/app.log.1');
  assert.equal(old.detached, true);
  assert.equal(reg.atPath('/l/app.log.1'), a);
  assert.equal(reg.atInode(1, 9), old, 'the displaced tail keeps its inode: it reads its handle to its end');
  assertConsistent(reg, ['/l/app.log', '/l/app.log.1'], [[1, 9], [1, 10]]);
});

test('release: a tail read to its end is no longer found by identity, inode or path', () => {
  const reg = new TailRegistry<Tail>();
  const a = tail('c:aaa', '/l/app.log', 10);
  reg.add(a);
  reg.vacate('/l/app.log');
  reg.release(a);
  assert.equal(reg.get('c:aaa'), undefined);
  assert.equal(reg.atInode(1, 10), undefined);
  assert.equal(reg.size, 0);
  // Released while a stale path entry still named it (the poll saw the path hold another inode first).
  const b = tail('c:bbb', '/l/b.log', 11);
  reg.add(b);
  b.detached = true;
  reg.release(b);
  assert.equal(reg.atPath('/l/b.log'), undefined);
});

test('inode reuse: releasing a tail does not drop the new tail that took its inode', () => {
  const reg = new TailRegistry<Tail>();
  const a = tail('c:aaa', '/l/app.log', 10);
  reg.add(a);
  reg.vacate('/l/app.log');
  // Deleted; its inode is reused by a new file before the old tail is released.
  const b = tail('c:bbb', '/l/app.log', 10);
  reg.add(b);
  reg.release(a);
  assert.equal(reg.atInode(1, 10), b);
  assert.equal(reg.atPath('/l/app.log'), b);
  assert.equal(reg.get('c:bbb'), b);
  assertConsistent(reg, ['/l/app.log'], [[1, 10]]);
});

test('a tail rotated while the agent was down is found by identity and inode, at no path', () => {
  const reg = new TailRegistry<Tail>();
  const r = tail('c:rot', '/l/app.log.1', 10);
  reg.addDetached(r);
  assert.equal(r.detached, true);
  assert.equal(reg.get('c:rot'), r);
  assert.equal(reg.atInode(1, 10), r);
  assert.equal(reg.atPath('/l/app.log.1'), undefined);
  reg.release(r);
  assert.equal(reg.size, 0);
  assert.equal(reg.atInode(1, 10), undefined);
});

test('copytruncate: the copy is remembered, the truncated inode detached, the identity moves to the copy', () => {
  const reg = new TailRegistry<Tail>();
  const a = tail('c:aaa', '/l/app.log', 10);
  reg.add(a);
  reg.setCopy('c:aaa', '/l/app.log.1');
  assert.equal(reg.copyOf('c:aaa'), '/l/app.log.1');
  // The original shrank: the identity leaves that inode and path.
  reg.detachFromInode(a, '/l/app.log');
  assert.equal(a.detached, true);
  assert.equal(reg.atInode(1, 10), undefined);
  assert.equal(reg.atPath('/l/app.log'), undefined);
  assert.equal(reg.get('c:aaa'), a, 'the identity waits for its copy');
  // The truncated inode starts a new identity.
  const fresh = tail('c:new', '/l/app.log', 10);
  reg.add(fresh);
  // The copy takes the identity over (FileTail.moveTo changes path and inode).
  reg.dropCopy('c:aaa');
  reg.forgetInode(a);
  Object.assign(a, { path: '/l/app.log.1', ino: 11, detached: false });
  reg.index(a);
  assert.equal(reg.copyOf('c:aaa'), undefined);
  assert.equal(reg.atInode(1, 10), fresh);
  assert.equal(reg.atInode(1, 11), a);
  assertConsistent(reg, ['/l/app.log', '/l/app.log.1'], [[1, 10], [1, 11]]);
});

test('forget: a truncated identity whose copy never came goes with its copy entry', () => {
  const reg = new TailRegistry<Tail>();
  const a = tail('c:aaa', '/l/app.log', 10);
  reg.add(a);
  reg.setCopy('c:aaa', '/l/gone.log');
  reg.detachFromInode(a);
  reg.forget(a);
  assert.equal(reg.get('c:aaa'), undefined);
  assert.equal(reg.copyOf('c:aaa'), undefined);
  assert.equal(reg.size, 0);
});

test('a detached tail stays out of path lookups: vacate and forgetInode only touch their own entries', () => {
  const reg = new TailRegistry<Tail>();
  const a = tail('c:aaa', '/l/a.log', 10);
  const b = tail('c:bbb', '/l/b.log', 11);
  reg.add(a);
  reg.add(b);
  assert.equal(reg.vacate('/l/nothing.log'), undefined);
  // A tail whose inode key now belongs to another one does not remove it.
  const stale = tail('c:stale', '/l/a.log', 11);
  reg.forgetInode(stale);
  assert.equal(reg.atInode(1, 11), b);
  reg.detachFromInode(stale, '/l/b.log');
  assert.equal(reg.atPath('/l/b.log'), b);
  assertConsistent(reg, ['/l/a.log', '/l/b.log'], [[1, 10], [1, 11]]);
});

test('incomplete first lines: first seen kept until complete', () => {
  const reg = new TailRegistry<Tail>();
  assert.equal(reg.incompleteSince('/l/a.log', 1000), 1000);
  assert.equal(reg.incompleteSince('/l/a.log', 5000), 1000, 'the first sighting counts');
  reg.incompleteSince('/l/b.log', 2000);
  assert.deepEqual(reg.incompletePaths().sort(), ['/l/a.log', '/l/b.log']);
  reg.complete('/l/a.log');
  assert.deepEqual(reg.incompletePaths(), ['/l/b.log']);
  assert.equal(reg.incompleteSince('/l/a.log', 7000), 7000, 'a new sighting after completion starts again');
});
