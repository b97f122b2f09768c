import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile } from './percentile-select.js';
import { joinPassParts, mergeSorted, PassCollector, PercentileSelect } from './percentile-select.js';

const PERCENTS = [0, 1, 25, 50, 66.6, 90, 99, 99.9, 100];

/** The reference: every value sorted, as the store did before. */
function sorted(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Selects over `values`, each pass as two halves joined (two lanes); returns the answer and the passes run. */
function select(values: readonly number[], cap: number): { answer: ReturnType<PercentileSelect['answer']>; passes: number } {
  const s = new PercentileSelect(PERCENTS, cap);
  const half = values.length >> 1;
  let passes = 0;
  for (let pass = s.next(); pass !== null; pass = s.next()) {
    const a = new PassCollector(pass);
    const b = new PassCollector(pass);
    for (let i = 0; i < values.length; i++) (i < half ? a : b).add(values[i]!);
    s.take(joinPassParts(a.part(), b.part()));
    passes++;
    assert.ok(passes <= 5, 'at most four histogram passes and one that keeps values');
  }
  return { answer: s.answer(), passes };
}

function check(name: string, values: readonly number[], cap: number): number {
  const ref = sorted(values);
  const { answer, passes } = select(values, cap);
  assert.equal(answer.count, values.length, name);
  for (const p of PERCENTS) assert.ok(Object.is(answer.values[String(p)], percentile(ref, p)), `${name}: p${p} ${answer.values[String(p)]} ≠ ${percentile(ref, p)}`);
  return passes;
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('exact percentiles by selection equal a sort of every value, whatever the cap', () => {
  const r = random(7);
  const corpora: [string, number[]][] = [
    ['integers 0..10k (durations)', Array.from({ length: 20_000 }, () => Math.floor(r() * 10_000))],
    ['floats of every sign and scale', Array.from({ length: 20_000 }, () => (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20))],
    ['all equal', Array.from({ length: 5_000 }, () => 200)],
    ['a narrow band of doubles', Array.from({ length: 10_000 }, () => 1000 + r() * 1e-9)],
    ['zeros of both signs and a few others', Array.from({ length: 3_000 }, (_, i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : i % 7) * (i % 2 ? 1 : -1))],
    ['extremes', [Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, 0, -0, 1, -1, 5e-324, 2 ** 53]],
    ['one value', [42]],
  ];
  for (const [name, values] of corpora) {
    for (const cap of [1, 2, 100, 1_000, 1 << 20]) check(`${name}, cap ${cap}`, values, cap);
  }
});

test('under the cap one pass answers; past it, a few passes keep at most the cap', () => {
  const r = random(11);
  const values = Array.from({ length: 50_000 }, () => Math.floor(r() * 100_000));
  assert.equal(check('under the cap', values, 1 << 20), 1);
  const passes = check('past the cap', values, 1_000);
  assert.ok(passes >= 2 && passes <= 3, `${passes} passes`);
  // Every value equal: four histogram passes pin the key; none is kept.
  assert.equal(check('all equal past the cap', Array.from({ length: 2_000 }, () => 7), 10), 4);
});

test('no values: every percentile null, after one pass', () => {
  const { answer, passes } = select([], 10);
  assert.equal(passes, 1);
  assert.equal(answer.count, 0);
  for (const p of PERCENTS) assert.equal(answer.values[String(p)], null);
});

test('mergeSorted orders as a Float64Array sorts, -0 before +0', () => {
  const a = Float64Array.from([-1, 0, 0, 3]);
  const b = Float64Array.from([-0, -0, 2, 3]);
  const merged = Array.from(mergeSorted(a, b));
  const want = Array.from(Float64Array.from([...a, ...b]).sort());
  assert.equal(merged.length, want.length);
  for (let i = 0; i < want.length; i++) assert.ok(Object.is(merged[i], want[i]), `at ${i}: ${merged[i]} ≠ ${want[i]}`);
});

test("values added or gone between passes (a split query's lanes read a snapshot each): an answer from the values, never a failure", () => {
  const r = random(5);
  const base = Array.from({ length: 5_000 }, () => Math.floor(r() * 1_000));
  const later = [...base, ...Array.from({ length: 300 }, () => Math.floor(r() * 1_000))];
  // Every value of pass 1 gone by pass 2 (a retention run between them), then the first values again.
  for (const [name, passes] of [
    ['writes between passes', [base, later, later, later, later]],
    ['every value gone after the first pass', [base, [], [], [], []]],
  ] as const) {
    const s = new PercentileSelect(PERCENTS, 100);
    let n = 0;
    for (let pass = s.next(); pass !== null; pass = s.next()) {
      const into = new PassCollector(pass);
      for (const v of passes[Math.min(n, passes.length - 1)]!) into.add(v);
      s.take(into.part());
      n++;
      assert.ok(n <= 5, name);
    }
    const answer = s.answer();
    assert.equal(answer.count, base.length, name);
    for (const p of PERCENTS) {
      const v = answer.values[String(p)] ?? null;
      assert.ok(v === null || (v >= 0 && v <= 999), `${name}: p${p} = ${v}`);
    }
  }
});
