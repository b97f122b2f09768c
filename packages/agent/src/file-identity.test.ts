import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentIdentity, expectedHead, inodeIdentity, newFileIdentity, parseIdentity, withInode } from './file-identity.js';

test('identity keys keep their string form (event ids and checkpoints of earlier versions stay valid)', () => {
  assert.equal(contentIdentity('cabc').key, 'cabc');
  assert.equal(inodeIdentity(2049, 123456).key, `i${(2049).toString(36)}-${(123456).toString(36)}`);
  assert.equal(withInode('cabc', 1, 2).key, 'cabc-i1-2');
});

test('parsed back from the key: kind and expected first line', () => {
  assert.deepEqual(parseIdentity('cabc-i1-2'), { kind: 'content', key: 'cabc-i1-2', head: 'cabc' });
  assert.deepEqual(parseIdentity('cabc'), { kind: 'content', key: 'cabc', head: 'cabc' });
  assert.deepEqual(parseIdentity('i1-2'), { kind: 'inode', key: 'i1-2' });
  assert.equal(expectedHead(parseIdentity('cabc-i1-2')), 'cabc');
  assert.equal(expectedHead(parseIdentity('i1-2')), null);
});

test('a new file takes its first line, or its inode while that line is incomplete; one that once collided keeps its inode form', () => {
  const none = (): boolean => false;
  assert.deepEqual(newFileIdentity('cabc', 1, 2, none), { identity: contentIdentity('cabc'), collider: withInode('cabc', 1, 2) });
  assert.deepEqual(newFileIdentity(null, 1, 2, none).identity, inodeIdentity(1, 2));
  const seen = new Set([withInode('cabc', 1, 2).key]);
  assert.deepEqual(newFileIdentity('cabc', 1, 2, (k) => seen.has(k)).identity, withInode('cabc', 1, 2));
  assert.deepEqual(newFileIdentity('cabc', 1, 3, (k) => seen.has(k)).identity, contentIdentity('cabc'), 'another inode with that line is not the collider');
});
