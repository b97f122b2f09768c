import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContentBytes, type WellFormedCheck } from './content-bytes.js';

/** A seeded generator, so a failure can be run again. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Code units from every range UTF-8 treats apart: ASCII, 2 and 3 bytes, pairs, and lone halves. */
function text(rnd: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    const r = rnd();
    if (r < 0.6) s += String.fromCharCode(32 + Math.floor(rnd() * 95));
    else if (r < 0.7) s += String.fromCharCode(0x80 + Math.floor(rnd() * 0x780));
    else if (r < 0.8) s += String.fromCharCode(0x800 + Math.floor(rnd() * 0xd000));
    else if (r < 0.9) s += String.fromCodePoint(0x10000 + Math.floor(rnd() * 0xfffff));
    else if (r < 0.92) s += String.fromCharCode(0xd800 + Math.floor(rnd() * 0x800));
    else s += String.fromCharCode(Math.floor(rnd() * 0x20));
  }
  return s;
}

test('string writes what Buffer.from writes as UTF-8, and fails exactly on lone surrogates, short and long', () => {
  const rnd = random(11);
  const out = new ContentBytes();
  for (let i = 0; i < 3000; i++) {
    const s = text(rnd, Math.floor(rnd() * (i % 10 === 0 ? 400 : 40)));
    out.reset(false);
    out.ascii('x');
    out.string(s);
    const wellFormed = (s as WellFormedCheck).isWellFormed();
    assert.equal(out.failed, !wellFormed, JSON.stringify(s));
    if (wellFormed) assert.deepEqual(out.view(), Buffer.from('x' + s, 'utf8'), JSON.stringify(s));
  }
});

test('number writes what String() gives, for integers of every size, -0, and the rest', () => {
  const rnd = random(12);
  const values = [0, -0, 1, -1, 9, 10, 99, 100, 999_999_999, 1e9, 1e9 + 1, 1_764_892_800_123, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53, 1e21, 1.5, -2.25e-7, NaN, Infinity, -Infinity];
  for (let i = 0; i < 5000; i++) {
    const magnitude = 10 ** Math.floor(rnd() * 16);
    const v = Math.floor(rnd() * magnitude) * (rnd() < 0.3 ? -1 : 1);
    values.push(v, v + 0.5);
  }
  const out = new ContentBytes();
  for (const v of values) {
    out.reset(false);
    out.number(v);
    assert.equal(out.view().toString('latin1'), String(v), String(v));
    out.reset(true);
    out.number(v);
    assert.equal(out.text, String(v));
  }
});

test('text mode appends every put to a string; the buffer grows past its first size and is let go after a huge content', () => {
  const out = new ContentBytes();
  out.reset(true);
  out.ascii('a');
  out.char(58);
  out.raw(Buffer.from('ignored'), 'k');
  out.number(-12);
  out.string('\ud800');
  assert.equal(out.text, 'a:k-12\ud800');
  assert.equal(out.failed, false);
  const big = 'é'.repeat(600_000);
  out.reset(false);
  out.string(big);
  assert.deepEqual(out.view(), Buffer.from(big, 'utf8'));
  assert.ok(out.bytes.length > 1 << 20);
  out.reset(false);
  assert.equal(out.bytes.length, 8192);
});
