import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideAtPath, type PathFacts } from './path-decision.js';

// One test per row of docs/AGENT.md's "What happens to files" table that is
// decided at a path (the others: over-long lines in line-framer.test.ts,
// rotation while stopped in test/src/agent-rotation-down.test.ts, old files
// (max_age_s) in test/src/agent-old-files.test.ts).
const known = (k: Partial<Extract<PathFacts, { exists: true }>['known'] & object> = {}): PathFacts => ({
  exists: true, isFile: true,
  known: { holdsIdentity: true, movedHere: false, shorterThanRead: false, headMatches: true, longerThanRead: false, ...k },
});

test('rotation by rename: at the new name the identity follows its inode and reads on', () => {
  assert.deepEqual(decideAtPath(known({ movedHere: true, longerThanRead: true })), { kind: 'known', renamed: true, change: 'grew' });
  assert.deepEqual(decideAtPath(known({ movedHere: true })), { kind: 'known', renamed: true, change: 'unchanged' });
});

test('rotation by rename: at the old name the new file is a new identity (the old one is detached)', () => {
  assert.deepEqual(decideAtPath({ exists: true, isFile: true, known: null }), { kind: 'new', rewritten: false });
});

test('rotation by rename before the new file exists: the path is empty, the old identity reads to its end', () => {
  assert.deepEqual(decideAtPath({ exists: false, tracked: true }), { kind: 'gone' });
});

test('copytruncate: shorter than what was read, or a different first line after fast rewrites', () => {
  assert.deepEqual(decideAtPath(known({ shorterThanRead: true })), { kind: 'known', renamed: false, change: 'truncated' });
  assert.deepEqual(decideAtPath(known({ headMatches: false, longerThanRead: true })), { kind: 'known', renamed: false, change: 'truncated' });
});

test('truncation in place: the same inode, shorter', () => {
  assert.deepEqual(decideAtPath(known({ shorterThanRead: true, headMatches: false })), { kind: 'known', renamed: false, change: 'truncated' });
});

test('deletion: the path is gone, the open handle reads to its end', () => {
  assert.deepEqual(decideAtPath({ exists: false, tracked: true }), { kind: 'gone' });
  assert.deepEqual(decideAtPath({ exists: false, tracked: false }), { kind: 'nothing' });
});

test('atomic replace (write temp, rename over): a new inode at the path is a new identity', () => {
  assert.deepEqual(decideAtPath({ exists: true, isFile: true, known: null }), { kind: 'new', rewritten: false });
});

test('idle: a released handle is reopened when its file grows, if it still starts with its first line', () => {
  assert.deepEqual(decideAtPath(known({ longerThanRead: true })), { kind: 'known', renamed: false, change: 'grew' });
  assert.deepEqual(decideAtPath(known({ holdsIdentity: false, longerThanRead: true })), { kind: 'new', rewritten: true });
});

test('new files and other things at a path', () => {
  assert.deepEqual(decideAtPath({ exists: true, isFile: true, known: null }), { kind: 'new', rewritten: false });
  assert.deepEqual(decideAtPath({ exists: true, isFile: false, known: null }), { kind: 'ignore' });
});
