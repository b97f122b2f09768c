/**
 * Block pruning against the matcher: for generated queries over blocks of
 * a generated corpus, a block judged NONE holds no match and a block
 * judged ALL holds only matches (soundness), and pruning does skip blocks
 * by bloom (a rare token, an id) and by min/max (a numeric range).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMatcher, DEFAULT_TEXT_FIELDS, parse, tokenize, type LogEvent, type QueryNode } from '@logship/query';
import { generateCorpus } from '../testing/generate-corpus.js';
import { createQueryGenerator, vocabularyOf } from '../testing/generate-query-ast.js';
import { encodeBlock } from './block-codec.js';
import type { BlockHeader } from './block-header.js';
import { nonFiniteFields } from './non-finite-fields.js';
import { ALL, compilePruner, NONE } from './block-prune.js';

const NOW = Date.parse('2026-11-23T13:00:00.000Z');
const corpus = generateCorpus({ events: 2400, seed: 11, endMs: NOW - 3_600_000, days: 2 });

function header(events: readonly LogEvent[], id: number): BlockHeader {
  const sorted = [...events].sort((a, b) => Date.parse(a['@timestamp']) - Date.parse(b['@timestamp']) || (a['event.id'] < b['event.id'] ? -1 : 1));
  const block = encodeBlock(sorted, { textFields: DEFAULT_TEXT_FIELDS });
  const metas = block.columns.map((c) => c.meta);
  return { id, level: 0, tsMin: block.tsMin, tsMax: block.tsMax, n: block.count, textFields: JSON.stringify(DEFAULT_TEXT_FIELDS), metas, nonFinite: new Set(nonFiniteFields(sorted)), at: new Map(metas.map((m, i) => [m.name, i])), elementBlooms: true };
}

/** Blocks of consecutive events, and blocks of one host or one level (constant columns). */
const groups: LogEvent[][] = [];
for (let i = 0; i < corpus.length; i += 60) groups.push(corpus.slice(i, i + 60));
for (const host of new Set(corpus.map((e) => e.host))) groups.push(corpus.filter((e) => e.host === host).slice(0, 80));
for (const level of new Set(corpus.map((e) => e.level))) groups.push(corpus.filter((e) => e.level === level).slice(0, 80));
// Values that bend min/max: infinities, NaN, -0, numbers as strings.
groups.push([
  { '@timestamp': '2026-11-23T10:00:00.000Z', 'event.id': 'odd-1', duration_ms: Infinity, status: -0 },
  { '@timestamp': '2026-11-23T10:00:00.001Z', 'event.id': 'odd-2', duration_ms: 5, status: '500' },
  { '@timestamp': '2026-11-23T10:00:00.002Z', 'event.id': 'odd-3', duration_ms: NaN, status: null },
  { '@timestamp': '2026-11-23T10:00:00.003Z', 'event.id': 'odd-4', duration_ms: -Infinity },
]);
const blocks = groups.map((events, i) => ({ events, h: header(events, i + 1) }));

function check(q: QueryNode, label: string): void {
  const prune = compilePruner(q, { now: NOW });
  const match = compileMatcher(q, { now: NOW });
  for (const { events, h } of blocks) {
    const v = prune(h);
    const hits = events.filter(match).length;
    if (v === NONE) assert.equal(hits, 0, `${label}: block ${h.id} judged NONE holds ${hits} matches`);
    if (v === ALL) assert.equal(hits, events.length, `${label}: block ${h.id} judged ALL holds ${events.length - hits} non-matches`);
  }
}

test('a block judged NONE holds no match and one judged ALL only matches (generated queries)', () => {
  const next = createQueryGenerator(vocabularyOf(corpus), 11);
  for (let i = 0; i < 3000; i++) {
    const q = next();
    try {
      compileMatcher(q, { now: NOW });
    } catch {
      continue;
    }
    check(q, `query #${i} ${JSON.stringify(q)}`);
  }
});

test('hand-picked edge cases are judged soundly', () => {
  for (const text of [
    'duration_ms:>1000',
    'duration_ms:<0',
    'duration_ms:[5 TO 5]',
    'status:0',
    'status:500',
    'status:"500"',
    '_exists_:status',
    'NOT _exists_:status',
    'duration_ms:*',
    'NOT host:web-1',
    'host:web-1 OR NOT host:web-1',
    'level:error AND NOT level:error',
    'event.id:odd-2',
    'NOT event.id:odd-2',
  ]) {
    check(parse(text), text);
  }
});

test('pruning skips blocks by bloom (a rare token, an event.id) and by min/max (a numeric range)', () => {
  const skipped = (text: string): number => {
    const prune = compilePruner(parse(text), { now: NOW });
    return blocks.filter(({ h }) => prune(h) === NONE).length;
  };
  const withoutMatch = (text: string): number => {
    const match = compileMatcher(parse(text), { now: NOW });
    return blocks.filter(({ events }) => !events.some(match)).length;
  };
  // A token of one message only.
  const counts = new Map<string, number>();
  for (const e of corpus) for (const t of new Set(tokenize(typeof e.message === 'string' ? e.message : ''))) counts.set(t, (counts.get(t) ?? 0) + 1);
  const rare = [...counts].find(([t, n]) => n <= 2 && /^[a-z0-9]{3,}$/.test(t))?.[0];
  assert.ok(rare, 'the corpus has a token of at most two messages');
  const id = corpus[1234]?.['event.id'] as string;
  for (const text of [`message:${rare}`, `event.id:"${id}"`, 'duration_ms:>100000']) {
    const none = withoutMatch(text);
    // Blooms have false positives (~1 %); allow a few.
    assert.ok(skipped(text) >= none * 0.9, `${text}: ${skipped(text)} of ${none} blocks without a match skipped`);
    assert.ok(none > blocks.length / 2, `${text} should miss most blocks`);
  }
});
