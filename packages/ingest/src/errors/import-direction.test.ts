/**
 * Imports inside ingest run one way (docs/ARCHITECTURE.md): the rooms below
 * the server never import it, the backends only the rooms below them, the
 * store and normalization only the error factory. Read from the built
 * modules, so a new upward import fails here rather than in review.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/errors/import-direction.test.js → dist/
const DIST = fileURLToPath(new URL('../', import.meta.url));

/** What each room may import besides itself; rooms not listed are unchecked (server, cli, testing). */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  normalize: ['errors'],
  store: ['errors'],
  retention: ['store', 'errors'],
  sqlite: ['store', 'retention', 'normalize', 'errors'],
  blocks: ['store', 'errors'],
  elasticsearch: ['store', 'retention', 'normalize', 'errors'],
  rules: ['errors'],
  config: ['errors', 'normalize', 'retention', 'rules', 'log-metrics'],
  'log-metrics': ['errors', 'config', 'rules'],
};
/** The composition points allowed to reach up, by design, and test support. */
const EXEMPT = [/^store\/open-store\.js$/, /^store\/contract\//, /\.test\.js$/];

function* modules(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* modules(path);
    else if (entry.name.endsWith('.js')) yield path;
  }
}

test('no import inside ingest runs upward', () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const file of modules(DIST)) {
    const rel = relative(DIST, file);
    const room = rel.includes('/') ? rel.split('/')[0]! : '(root)';
    const allowed = ALLOWED[room];
    if (!allowed || EXEMPT.some((re) => re.test(rel))) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const target = relative(DIST, normalize(join(dirname(file), m[1]!)));
      const targetRoom = target.includes('/') ? target.split('/')[0]! : '(root)';
      checked++;
      if (targetRoom !== room && !allowed.includes(targetRoom)) wrong.push(`${rel} imports ${target}`);
    }
  }
  assert.ok(checked > 100, `checked ${checked} imports`);
  assert.deepEqual(wrong, []);
});
