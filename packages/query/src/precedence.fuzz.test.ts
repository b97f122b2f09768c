/**
 * Precedence as a property over generated events: whatever the leaves,
 * `a AND b OR c` means `(a AND b) OR c`, `a OR b AND c` means
 * `a OR (b AND c)`, NOT binds tightest, and whitespace is AND. A grammar
 * with AND and OR swapped passed the fuzz and round-trip tests once and
 * was caught only by four fixed examples; this checks every combination
 * against the leaves' own answers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from './event.js';
import { compileMatcher } from './matcher.js';
import { parse } from './parse.js';
import { createRng } from './testing/rng.js';

const NOW = Date.parse('2026-02-08T12:00:00Z');
const LEAVES = [
  'level:error', 'level:info', 'host:web-1', 'host:web-2', 'status:>=500', 'status:[200 TO 299]',
  'message:timeout', 'message:"login failed"', '_exists_:user_id', 'duration_ms:>1000', 'path:/api/*', 'NOT host:db-1',
];

function events(count: number): LogEvent[] {
  const rng = createRng(16);
  return Array.from({ length: count }, (_, i) => {
    const e: LogEvent = { '@timestamp': new Date(NOW - i * 1000).toISOString(), 'event.id': `e${i}` };
    e.level = rng.pick(['error', 'info', 'warning']);
    e.host = rng.pick(['web-1', 'web-2', 'db-1']);
    e.message = rng.pick(['upstream timeout', 'login failed for bob', 'ok', 'timeout login']);
    if (rng.chance(0.7)) e.status = rng.pick([200, 204, 401, 500, 502]);
    if (rng.chance(0.5)) e.duration_ms = rng.int(0, 3000);
    if (rng.chance(0.3)) e.user_id = `u-${rng.int(1, 9)}`;
    if (rng.chance(0.5)) e.path = rng.pick(['/api/orders', '/healthz', '/api/users/me']);
    return e;
  });
}

test('AND binds tighter than OR, NOT tighter than both, whitespace is AND: for generated leaves over generated events', () => {
  const corpus = events(200);
  const rng = createRng(1616);
  const m = (q: string) => compileMatcher(parse(q), { now: NOW });
  const leaf = new Map(LEAVES.map((l) => [l, m(l)]));
  const forms: [string, (a: boolean, b: boolean, c: boolean) => boolean][] = [
    ['A AND B OR C', (a, b, c) => (a && b) || c],
    ['A OR B AND C', (a, b, c) => a || (b && c)],
    ['A B OR C', (a, b, c) => (a && b) || c],
    ['A OR B C', (a, b, c) => a || (b && c)],
    ['NOT A AND B', (a, b) => !a && b],
    ['NOT A OR B', (a, b) => !a || b],
    ['A && B || C', (a, b, c) => (a && b) || c],
    ['-A B', (a, b) => !a && b],
    ['A AND (B OR C)', (a, b, c) => a && (b || c)],
  ];
  let checked = 0;
  let distinguishing = 0;
  for (let i = 0; i < 300; i++) {
    const [a, b, c] = [rng.pick(LEAVES), rng.pick(LEAVES), rng.pick(LEAVES)];
    for (const [form, meaning] of forms) {
      // Leaves go in whole, grouped when they hold a space, so the form's operators are the only ones at top level.
      const g = (x: string) => (x.includes(' ') ? `(${x})` : x);
      const text = form.replace('A', g(a)).replace('B', g(b)).replace('C', g(c));
      const matches = m(text);
      for (const e of corpus) {
        const [va, vb, vc] = [leaf.get(a)!(e), leaf.get(b)!(e), leaf.get(c)!(e)];
        const want = meaning(va, vb, vc);
        if (want !== ((va && vb) || vc) || want !== (va || (vb && vc))) distinguishing++;
        assert.equal(matches(e), want, `${text} on ${JSON.stringify(e)}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 500_000);
  assert.ok(distinguishing > 1000, 'the generated cases tell the two precedences apart');
});
