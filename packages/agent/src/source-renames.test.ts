import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from './config.js';
import { findRenames, renamedKeys, sourceSignature } from './source-renames.js';

const m = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));
const any = (): boolean => true;

test('a rename is a vanished name and a new one that read the same, one each way', () => {
  assert.deepEqual([...findRenames(m({ a: 'A', b: 'B' }), m({ a: 'A', c: 'B' }), any)], [['b', 'c']]);
  assert.deepEqual([...findRenames(m({ 'file-0': 'A', 'file-1': 'B' }), m({ 'file-0': 'B', 'file-1': 'A' }), any)], [['file-0', 'file-1'], ['file-1', 'file-0']], 'swapped places');
  assert.deepEqual([...findRenames(m({ a: 'A', b: 'A' }), m({ c: 'A', d: 'A' }), any)], [], 'two each way: which is which is not known');
  assert.deepEqual([...findRenames(m({ a: 'A' }), m({ a: 'A2', b: 'A' }), any)], [['a', 'b']], 'a name that now reads other files');
  assert.deepEqual([...findRenames(m({ a: 'A' }), m({ b: 'A' }), () => false)], [], 'nothing to take without positions');
  assert.deepEqual([...findRenames(m({}), m({ a: 'A' }), any)], [], 'a checkpoint of an earlier agent records no sources');
});

test('what a source reads: type and globs (any order), not its name, labels or filters', () => {
  const config = validateConfig({
    server: { url: 'http://127.0.0.1:1' }, data_dir: '/tmp/x',
    sources: [
      { type: 'file', name: 'a', include: ['/l/*.log', '/m/*.log'], labels: { job: 'a' } },
      { type: 'file', name: 'b', include: ['/m/*.log', '/l/*.log'], include_lines: ['ERROR'] },
      { type: 'nginx', include: ['/l/*.log', '/m/*.log'] },
      { type: 'journald', units: ['x.service'] },
      { type: 'journald', units: ['y.service'] },
    ],
  });
  const [a, b, nginx, x, y] = config.sources.map(sourceSignature);
  assert.equal(a, b);
  assert.notEqual(a, nginx);
  assert.notEqual(x, y);
});

test('renamed keys: a moved key wins over one the new name had', () => {
  assert.deepEqual(renamedKeys({ 'a:c1': 1, 'b:c1': 2, 'b:c2': 3, 'x:journald': 4 }, m({ a: 'b', x: 'y' })), { 'b:c1': 1, 'b:c2': 3, 'y:journald': 4 });
  assert.deepEqual(renamedKeys({ 'file-0:c1': 1, 'file-1:c2': 2 }, m({ 'file-0': 'file-1', 'file-1': 'file-0' })), { 'file-1:c1': 1, 'file-0:c2': 2 });
});
