import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FramedLine } from './line-framer.js';
import { Utf16LineFramer, type Utf16Order } from './utf16-line-framer.js';
import { textDecoder } from './text-encoding.js';

function encode(text: string, order: Utf16Order): Buffer {
  const b = Buffer.from(text, 'utf16le');
  return order === 'utf-16le' ? b : b.swap16();
}

function frame(bytes: Buffer, order: Utf16Order, chunk: number, max = 1024, mode: 'split' | 'truncate' = 'split', flush = false): Array<[string, number, number, boolean]> {
  const out: FramedLine[] = [];
  const f = new Utf16LineFramer(order, max, mode);
  for (let i = 0; i < bytes.length; i += chunk) f.push(bytes.subarray(i, i + chunk), (l) => out.push(l));
  if (flush) f.flushPartial((l) => out.push(l));
  const decode = textDecoder(order);
  return out.map((l) => [decode(l.text), l.start, l.end, l.truncated]);
}

for (const order of ['utf-16le', 'utf-16be'] as const) {
  test(`${order}: lines end at the newline code unit, not at a 0x0A byte of 上 or Ċ; the mark and CR are not text; offsets are the file's bytes`, () => {
    const bytes = encode('\ufeff上海 Ċ\r\nsecond 😀\n\nthird', order);
    for (const chunk of [1, 3, 64]) {
      assert.deepEqual(frame(bytes, order, chunk, 1024, 'split', true), [
        ['上海 Ċ', 0, 14], ['second 😀', 14, 34], ['', 34, 36], ['third', 36, 46],
      ].map(([t, s, e]) => [t, s, e, false]), `chunks of ${chunk}`);
    }
  });
}

test('utf-16le: a long line is split in parts of at most the limit as UTF-8, never inside a surrogate pair; truncate keeps the head', () => {
  const line = '😀'.repeat(20) + 'end';
  const bytes = encode(`${line}\nnext\n`, 'utf-16le');
  // 30 UTF-8 bytes: 20 UTF-16 bytes a part, which is 5 emoji (4 bytes each in both).
  const parts = frame(bytes, 'utf-16le', 7, 30);
  assert.equal(parts.map((p) => p[0]).slice(0, -1).join(''), line);
  assert.ok(parts.slice(0, -1).every((p) => p[3] && Buffer.byteLength(p[0]) <= 30 && !p[0].includes('\ufffd')));
  assert.deepEqual(parts.at(-1), ['next', 88, 98, false]);
  const cut = frame(bytes, 'utf-16le', 7, 30, 'truncate');
  assert.deepEqual(cut, [['😀'.repeat(5), 0, 88, true], ['next', 88, 98, false]]);
});

test('utf-16le: a line emitted by flushPartial is not followed by an empty one when its newline arrives', () => {
  const f = new Utf16LineFramer('utf-16le', 1024, 'split');
  const out: FramedLine[] = [];
  f.push(encode('one\ntw', 'utf-16le'), (l) => out.push(l));
  assert.equal(f.pendingBytes, 4);
  f.flushPartial((l) => out.push(l));
  f.push(encode('\nthree\n', 'utf-16le'), (l) => out.push(l));
  assert.deepEqual(out.map((l) => [l.text.toString('utf16le'), l.start, l.end]), [['one', 0, 8], ['tw', 8, 12], ['three', 14, 26]]);
});

test('utf-16le: flushPartial emits whole code units only; a half one stays for the next push', () => {
  const f = new Utf16LineFramer('utf-16le', 1024, 'split');
  const out: FramedLine[] = [];
  const bytes = encode('ab\ncd\n', 'utf-16le');
  f.push(bytes.subarray(0, 5), (l) => out.push(l));
  f.flushPartial((l) => out.push(l));
  f.push(bytes.subarray(5), (l) => out.push(l));
  assert.deepEqual(out.map((l) => [l.text.toString('utf16le'), l.start, l.end]), [['ab', 0, 4], ['cd', 6, 12]]);
});
