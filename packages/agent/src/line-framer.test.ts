import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { LineFramer, type FramedLine } from './line-framer.js';

function frame(chunks: string[], max = 1024, mode: 'split' | 'truncate' = 'split', flush = false): FramedLine[] {
  const out: FramedLine[] = [];
  const f = new LineFramer(max, mode);
  for (const c of chunks) f.push(Buffer.from(c), (l) => out.push(l));
  if (flush) f.flushPartial((l) => out.push(l));
  return out;
}

test('lines split across chunks keep exact byte offsets', () => {
  const lines = frame(['ab', 'c\nd', 'é\r\n', 'x']);
  assert.deepEqual(lines.map((l) => [l.text.toString(), l.start, l.end]), [['abc', 0, 4], ['dé', 4, 9]]);
});

test('a last line without newline is only emitted by flushPartial', () => {
  const f = new LineFramer(1024, 'split');
  const out: FramedLine[] = [];
  f.push(Buffer.from('one\ntw'), (l) => out.push(l));
  assert.equal(out.length, 1);
  assert.equal(f.pendingBytes, 2);
  assert.equal(f.pendingStart, 4);
  f.flushPartial((l) => out.push(l));
  assert.deepEqual([out[1]!.text.toString(), out[1]!.start, out[1]!.end], ['tw', 4, 6]);
  f.push(Buffer.from('o\n'), (l) => out.push(l));
  assert.deepEqual([out[2]!.text.toString(), out[2]!.start, out[2]!.end], ['o', 6, 8]);
  f.flushPartial((l) => out.push(l));
  assert.equal(out.length, 3, 'nothing pending, nothing flushed');
  f.push(Buffer.from('three'), (l) => out.push(l));
  f.flushPartial((l) => out.push(l));
  f.push(Buffer.from('\nfour\n'), (l) => out.push(l));
  assert.deepEqual(out.slice(3).map((l) => [l.text.toString(), l.start, l.end]), [['three', 8, 13], ['four', 14, 19]],
    'the newline ending a flushed partial line is not an empty line');
});

test('invalid UTF-8 does not shift offsets', () => {
  const f = new LineFramer(1024, 'split');
  const out: FramedLine[] = [];
  f.push(Buffer.from([0xff, 0xfe, 10, 0x41, 10]), (l) => out.push(l));
  assert.deepEqual(out.map((l) => [l.start, l.end]), [[0, 3], [3, 5]]);
});

test('split mode cuts long lines into flagged parts and loses no byte', () => {
  const long = 'x'.repeat(150);
  const lines = frame([long.slice(0, 70), long.slice(70) + '\nshort\n'], 64, 'split');
  assert.deepEqual(lines.map((l) => [l.text.length, l.start, l.end, l.truncated]),
    [[64, 0, 64], [64, 64, 128], [22, 128, 151], [5, 151, 157]].map(([n, s, e], i) => [n, s, e, i < 3]));
  assert.equal(lines.slice(0, 3).map((l) => l.text.toString()).join(''), long);
});

test('truncate mode keeps the head, flags it, and resumes after the newline', () => {
  const lines = frame(['y'.repeat(100), 'y'.repeat(100) + '\nok\n'], 64, 'truncate');
  assert.deepEqual(lines.map((l) => [l.text.length, l.start, l.end, l.truncated]), [[64, 0, 201, true], [2, 201, 204, false]]);
});

test('resuming from a split boundary reproduces the same parts', () => {
  const text = 'z'.repeat(200) + '\n';
  const all = frame([text], 64, 'split');
  const f = new LineFramer(64, 'split', 64);
  const out: FramedLine[] = [];
  f.push(Buffer.from(text.slice(64)), (l) => out.push(l));
  assert.deepEqual(out.map((l) => [l.start, l.end]), all.slice(1).map((l) => [l.start, l.end]));
});

test('whole lines in a reused read buffer: offsets, CRLF, and views valid during emit', () => {
  const f = new LineFramer(1024, 'split');
  const seen: Array<[string, number, number, boolean]> = [];
  const buf = Buffer.alloc(16);
  for (const part of ['a\r\nbc\nd', 'ef\n\ng\n']) {
    const n = buf.write(part);
    f.push(buf.subarray(0, n), (l) => seen.push([l.text.toString(), l.start, l.end, l.truncated]));
    buf.fill(0x7a); // the caller reuses its buffer
  }
  assert.deepEqual(seen, [['a', 0, 3, false], ['bc', 3, 6, false], ['def', 6, 10, false], ['', 10, 11, false], ['g', 11, 13, false]]);
});

test('plain text is split at the message limit, a JSON record only at the line limit', () => {
  const out: FramedLine[] = [];
  const f = new LineFramer(256, 'split', 0, 64);
  const json = `{"msg":"${'j'.repeat(150)}"}`;
  const text = 't'.repeat(150);
  f.push(Buffer.from(`${json}\n${text}\n`), (l) => out.push({ ...l, text: Buffer.from(l.text) }));
  assert.deepEqual(out.map((l) => [l.text.length, l.truncated]), [[json.length, false], [64, true], [64, true], [22, true]]);
  assert.equal(out.slice(1).map((l) => l.text.toString()).join(''), text, 'no byte of the text lost');
  // A JSON record over the line limit: its parts are not JSON, so after the first they are cut as text.
  const big: FramedLine[] = [];
  const g = new LineFramer(100, 'split', 0, 64);
  g.push(Buffer.from(`{${'x'.repeat(200)}\n`), (l) => big.push(l));
  assert.deepEqual(big.map((l) => l.text.length), [100, 64, 37]);
});

test('a long line is cut between characters, never inside one', () => {
  // 'é' is two bytes: a cut at 65 bytes would fall inside the 33rd.
  const line = 'é'.repeat(100);
  for (const mode of ['split', 'truncate'] as const) {
    const out = frame([line + '\n'], 65, mode);
    for (const l of out) assert.ok(isUtf8(l.text), `${mode}: part ${l.start} is valid UTF-8`);
    if (mode === 'split') {
      assert.equal(out.map((l) => l.text.toString()).join(''), line);
      assert.deepEqual(out.map((l) => [l.start, l.end]), [[0, 64], [64, 128], [128, 192], [192, 201]]);
    } else assert.equal(out[0]!.text.toString(), 'é'.repeat(32));
  }
});

test('dropLeadingNul: a NUL hole longer than the limit is not a part of the line after it; the line keeps the hole\'s offset', () => {
  const hole = Buffer.alloc(70 * 1024);
  const text = Buffer.from('after the hole\nnext\n');
  for (const mode of ['split', 'truncate'] as const) {
    for (const chunks of [[Buffer.concat([hole, text])], [hole.subarray(0, 1000), hole.subarray(1000), text]]) {
      const out: FramedLine[] = [];
      const f = new LineFramer(256 * 1024, mode, 0, 64 * 1024, true);
      for (const c of chunks) f.push(c, (l) => out.push({ ...l, text: Buffer.from(l.text) }));
      assert.deepEqual(out.map((l) => [l.text.toString(), l.start, l.end, l.truncated]),
        [['after the hole', 0, hole.length + 15, false], ['next', hole.length + 15, hole.length + 20, false]], mode);
    }
  }
});

test('dropLeadingNul: a long line after a hole is cut by its own length; a hole alone is no line, pending until flushed', () => {
  const out: FramedLine[] = [];
  const f = new LineFramer(100, 'split', 0, 10, true);
  f.push(Buffer.concat([Buffer.alloc(30), Buffer.from('0123456789abc\n')]), (l) => out.push({ ...l, text: Buffer.from(l.text) }));
  assert.deepEqual(out.map((l) => [l.text.toString(), l.start, l.end, l.truncated]), [['0123456789', 0, 40, true], ['abc', 40, 44, true]]);
  f.push(Buffer.alloc(5), (l) => out.push(l));
  assert.equal(f.pendingBytes, 5, 'held: a close rewinds before it');
  f.flushPartial((l) => out.push(l));
  assert.equal(out.length, 2, 'nothing emitted for a hole');
  assert.equal(f.pendingBytes, 0);
  f.push(Buffer.from('x\n'), (l) => out.push({ ...l, text: Buffer.from(l.text) }));
  assert.deepEqual([out[2]!.text.toString(), out[2]!.start, out[2]!.end], ['x', 49, 51]);
  const kept: FramedLine[] = [];
  new LineFramer(100, 'split').push(Buffer.from('\0\0a\n'), (l) => kept.push(l));
  assert.equal(kept[0]!.text.length, 3, 'without the option NULs are text (docker, CRI)');
});
