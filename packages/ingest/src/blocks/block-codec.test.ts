/**
 * The block codec round-trips every value exactly, with its type, and its
 * blooms never miss a key that is in the block.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, DEFAULT_TEXT_FIELDS, setEventField, tokenize, type FieldValue, type LogEvent, type Rng } from '@logship/query';
import { generateCorpus } from '../testing/generate-corpus.js';
import { columnMayHold, decodeColumn, decodeColumnRows, decodeMetas, encodeBlock, encodeMetas, type EncodedBlock } from './block-codec.js';
import { bloomMayContain, textKey, valueKey } from './bloom.js';
import { templateStrings } from './template-strings.js';
import { rowShapes } from './block-shape.js';
import { columnPrefix } from './column-compression.js';
import { shapesMayHold } from './presence.js';

const TEXT = [...DEFAULT_TEXT_FIELDS];
const T0 = Date.parse('2026-11-20T00:00:00.000Z');

function sortEvents(events: LogEvent[]): LogEvent[] {
  return events.sort((a, b) => {
    const d = Date.parse(a['@timestamp']) - Date.parse(b['@timestamp']);
    return d !== 0 ? d : a['event.id'] < b['event.id'] ? -1 : a['event.id'] > b['event.id'] ? 1 : 0;
  });
}

const NASTY: FieldValue[] = [
  500, '500', -0, 0, 1e300, -1e300, 5e-324, 2 ** 53, -(2 ** 53), 2 ** 50, 2 ** 50 + 1, 1.5, -7, '', 'café ошибка 数据库 😀',
  '\ud800', 'a\udc00b', '\ud83d', true, false, null, 'null', 'true', '0',
];

function randomString(rng: Rng): string {
  const n = rng.int(0, 30);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(rng.chance(0.9) ? rng.int(32, 126) : rng.int(0, 0xffff));
  return s;
}

/** Events with every kind of value the codec must keep exactly. */
function nastyEvents(rng: Rng, n: number): LogEvent[] {
  const events: LogEvent[] = [];
  const rare = rng.int(0, n - 1);
  for (let i = 0; i < n; i++) {
    const e: LogEvent = {
      '@timestamp': new Date(T0 + i * rng.int(0, 3) + (rng.chance(0.01) ? 86_400_000 : 0)).toISOString(),
      'event.id': `${rng.int(0, 1e9).toString(36)}-${i}`,
      job: 'const-job',
      'const.null': null,
      'const.num': -0,
      high: `${rng.int(0, 1e12)}-${i}`,
      mixed: rng.pick(NASTY),
      small: rng.pick(['a', 'b', 'c']),
      int: rng.int(-1000, 1000),
      float: rng.next() * 1e6,
      big: rng.pick([1e300, 2 ** 60, -(2 ** 52), 3]),
      flag: rng.chance(0.5),
      message: randomString(rng) + ' login failed ' + rng.pick(['Café', 'ÖL', 'x']),
    };
    if (rng.chance(0.5)) e.level = rng.pick(['info', 'error']);
    if (rng.chance(0.3)) e.maybe = rng.chance(0.5) ? null : rng.int(0, 9);
    if (i === rare) e['only.once'] = 'here';
    if (rng.chance(0.2)) setEventField(e, '__proto__', rng.pick(NASTY));
    if (rng.chance(0.1)) e[''] = 'empty name';
    if (rng.chance(0.1)) e['weird"key\\ \ud800'] = randomString(rng);
    if (rng.chance(0.05)) e['exc_info'] = rng.chance(0.5) ? 42 : 'Traceback: ValueError: bad';
    events.push(e);
  }
  return sortEvents(events);
}

/** Decodes every column and rebuilds the events, '@timestamp' back to ISO. */
function decodeAll(block: EncodedBlock): LogEvent[] {
  const rows: Record<string, FieldValue>[] = Array.from({ length: block.count }, () => ({}));
  for (const { meta, data } of block.columns) {
    const values = decodeColumn(meta, data, block.count);
    assert.equal(values.length, block.count);
    for (let i = 0; i < block.count; i++) {
      const v = values[i];
      if (v === undefined) continue;
      setEventField(rows[i]!, meta.name, meta.name === '@timestamp' ? new Date(v as number).toISOString() : v);
    }
  }
  return rows as unknown as LogEvent[];
}

function assertSameEvents(got: LogEvent[], want: LogEvent[]): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    const keys = Object.keys(w).filter((k) => w[k] !== undefined).sort();
    assert.deepEqual(Object.keys(g).sort(), keys, `row ${i} keys`);
    // Object.is tells -0 from 0 and keeps NaN equal to itself.
    for (const k of keys) assert.ok(Object.is(g[k], w[k]), `row ${i} ${JSON.stringify(k)}: ${String(g[k])} vs ${String(w[k])}`);
  }
}

test('nasty values round-trip exactly, each with its type', () => {
  for (const seed of [1, 2, 3]) {
    const rng = createRng(seed);
    const events = nastyEvents(rng, seed === 1 ? 10_000 : 500);
    const block = encodeBlock(events, { textFields: TEXT });
    assert.equal(block.count, events.length);
    assertSameEvents(decodeAll(block), events);
    const times = events.map((e) => Date.parse(e['@timestamp']));
    assert.equal(block.tsMin, Math.min(...times));
    assert.equal(block.tsMax, Math.max(...times));
  }
});

test('const, sparse and absent columns: const data is empty, a column in one row comes back in that row only', () => {
  const events = nastyEvents(createRng(9), 10_000);
  const block = encodeBlock(events, { textFields: TEXT });
  const col = (name: string) => block.columns.find((c) => c.meta.name === name)!;
  assert.equal(col('job').meta.constValue, 'const-job');
  assert.equal(col('job').data.length, 0);
  assert.equal(col('const.null').meta.constValue, null);
  assert.ok(Object.is(col('const.num').meta.constValue, -0));
  assert.equal(col('job').meta.bloom, null);
  const once = col('only.once');
  assert.equal(once.meta.present, 1);
  assert.ok(once.data.length < 16, `one sparse row costs ${once.data.length} bytes`);
  const values = decodeColumn(once.meta, once.data, block.count);
  assert.deepEqual(
    values.flatMap((v, i) => (v === undefined ? [] : [i])),
    [events.findIndex((e) => e['only.once'] !== undefined)],
  );
  assert.equal(col('level').meta.types, 1);
  assert.equal(col('mixed').meta.types, 15);
  assert.equal(col('mixed').meta.min, -1e300);
  assert.equal(col('mixed').meta.max, 1e300);
});

test('the generated corpus round-trips in blocks of several sizes', () => {
  const events = sortEvents(generateCorpus({ events: 12_000, seed: 7 }));
  for (const size of [1, 7, 1000, 12_000]) {
    for (let at = 0; at < events.length; at += size) {
      const chunk = events.slice(at, at + size);
      if (size !== 12_000 && at > 3000) break;
      assertSameEvents(decodeAll(encodeBlock(chunk, { textFields: TEXT })), chunk);
    }
  }
});

test('blooms have no false negatives: tokens of text fields, typed values of the others', () => {
  const events = [...nastyEvents(createRng(4), 3000), ...sortEvents(generateCorpus({ events: 3000, seed: 7 }))];
  const block = encodeBlock(sortEvents(events), { textFields: TEXT });
  const metas = new Map(block.columns.map((c) => [c.meta.name, c.meta]));
  let checked = 0;
  for (const e of events) {
    for (const [name, v] of Object.entries(e)) {
      if (name === '@timestamp' || v === undefined || v === null) continue;
      const meta = metas.get(name)!;
      if (meta.constValue !== undefined) {
        assert.ok(Object.is(meta.constValue, v));
        continue;
      }
      if (meta.bloom === null && typeof v === 'number' && (meta.types & ~10) === 0) {
        // Many different numbers: no bloom, min/max instead.
        assert.ok(meta.min! <= v && v <= meta.max!, `${name} ${v} within min/max`);
        continue;
      }
      assert.ok(meta.bloom, `${name} has a bloom`);
      const keys = TEXT.includes(name) && typeof v === 'string' ? tokenize(v).map(textKey) : [valueKey(v)];
      for (const k of keys) {
        assert.ok(bloomMayContain(meta.bloom, k), `${name} bloom misses ${k}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 50_000);
  // And it rejects most keys that are not there (≈1% false positives by design).
  const ids = metas.get('event.id')!.bloom!;
  let hits = 0;
  for (let i = 0; i < 10_000; i++) if (bloomMayContain(ids, valueKey(`absent-${i}`))) hits++;
  assert.ok(hits < 500, `${hits} false positives in 10000`);
  assert.equal(metas.get('float')!.bloom, null, 'many different numbers have no bloom');
  assert.ok(metas.get('status')!.bloom, 'a few different numbers have one');
});

test('metas round-trip exactly through their binary form', () => {
  const block = encodeBlock(nastyEvents(createRng(5), 2000), { textFields: TEXT });
  const metas = block.columns.map((c) => c.meta);
  const back = decodeMetas(encodeMetas(metas));
  assert.equal(back.length, metas.length);
  for (let i = 0; i < metas.length; i++) {
    const a = metas[i]!;
    const b = back[i]!;
    assert.deepEqual({ ...b, constValue: undefined, shape: undefined }, { ...a, constValue: undefined, shape: undefined });
    assert.equal(b.shape === undefined, a.shape === undefined, `${a.name} shape`);
    if (a.shape) assert.deepEqual(rowShapes(b.shape!), rowShapes(a.shape));
    assert.ok(Object.is(a.constValue, b.constValue), `${a.name} constValue`);
    assert.equal('constValue' in b, a.constValue !== undefined);
    // Decoding with the decoded metas, or with metas cloned to another thread, gives the same column.
    const data = block.columns[i]!.data;
    assert.deepEqual(decodeColumn(b, data, block.count), decodeColumn(a, data, block.count));
    assert.deepEqual(decodeColumn(structuredClone(b), data, block.count), decodeColumn(a, data, block.count));
  }
});

test("metas for a store that only writes keep event.id's bloom and no other, and the rest as it was", () => {
  const block = encodeBlock(nastyEvents(createRng(6), 2000), { textFields: TEXT });
  const metas = block.columns.map((c) => c.meta);
  assert.ok(metas.filter((m) => m.bloom !== null && m.name !== 'event.id').length > 3, 'blooms to drop');
  const idBloom = metas.find((m) => m.name === 'event.id')?.bloom;
  assert.ok(idBloom, 'event.id has a bloom');
  const back = decodeMetas(encodeMetas(metas), 'event.id');
  for (let i = 0; i < metas.length; i++) {
    const a = metas[i]!;
    const b = back[i]!;
    assert.deepEqual(b.bloom, a.name === 'event.id' ? a.bloom : null, `${a.name} bloom`);
    assert.deepEqual({ ...b, bloom: null, constValue: undefined, shape: undefined }, { ...a, bloom: null, constValue: undefined, shape: undefined });
    assert.deepEqual(decodeColumn(b, block.columns[i]!.data, block.count), decodeColumn(a, block.columns[i]!.data, block.count));
  }
});

test('damaged bytes raise LS_STORE_CORRUPT_PARTITION, never anything else', () => {
  const block = encodeBlock(nastyEvents(createRng(6), 300), { textFields: TEXT });
  const rng = createRng(6);
  for (const { meta, data } of block.columns) {
    if (data.length === 0) continue;
    for (let t = 0; t < 20; t++) {
      const bad = data.slice(0, rng.int(0, data.length));
      if (rng.chance(0.5) && bad.length) {
        const at = rng.int(0, bad.length - 1);
        bad[at] = bad[at]! ^ (1 << rng.int(0, 7));
      }
      try {
        decodeColumn(meta, bad, block.count);
      } catch (err) {
        assert.equal((err as { code?: string }).code, 'LS_STORE_CORRUPT_PARTITION', String(err));
      }
    }
  }
  const metas = encodeMetas(block.columns.map((c) => c.meta));
  for (let cut = 0; cut < metas.length; cut += 7) {
    assert.throws(() => decodeMetas(metas.subarray(0, cut)), (err: { code?: string }) => err.code === 'LS_STORE_CORRUPT_PARTITION');
  }
});

test('the value bloom sets the same bits as a bloom built from valueKey and textKey strings', async () => {
  const { buildBloom, buildValueBloom } = await import('./bloom.js');
  const values = new Set<string | number | boolean>(['a', '', 'é\ud800', 500, '500', -0, 1e300, true, false]);
  const tokens = new Set(['login', 'failed', 'ошибка']);
  const keys = new Set([...[...values].map(valueKey), ...[...tokens].map(textKey)]);
  assert.deepEqual(buildValueBloom(values, tokens, keys.size), buildBloom(keys));
});

test('numbers: integers, decimals and doubles each come back as the same double', () => {
  const rng = createRng(11);
  const runs: number[][] = [
    [0.016, 0.302, 4.774, 12.5, 0.1, 0.2, 0.30000000000000004, 1.005, -2.5, 3],
    Array.from({ length: 500 }, () => Math.round(rng.next() * 300000) / 100),
    Array.from({ length: 500 }, () => Math.round(rng.next() * 1e9) / 1e9),
    [1e-7, 1e-10, 123456789.12345679, 2 ** 50, -(2 ** 50), 2 ** 50 + 0.5, 5e-324, 1e300, -0, 0.5],
    Array.from({ length: 500 }, (_, i) => 1796031360000518 + i * 997),
    [2 ** 49, 0.001, 7],
    [123456789012345, 1e-9],
    [0.001, 2 ** 49],
    [2 ** 51, -(2 ** 51), 2 ** 51, -(2 ** 51) + 1, 0, 2 ** 51 - 1],
    [2 ** 51, -(2 ** 51), 2 ** 51 + 2],
  ];
  for (const values of runs) {
    const events = values.map((v, i) => ({ '@timestamp': new Date(T0 + i).toISOString(), 'event.id': `e${i}`, v }) as LogEvent);
    const back = decodeAll(encodeBlock(events, { textFields: TEXT }));
    values.forEach((v, i) => assert.ok(Object.is(back[i]!['v'], v), `${v} came back as ${String(back[i]!['v'])}`));
  }
});

test('strings with numbers (templates) come back exactly: leading zeros, long runs, signs, the placeholder character', () => {
  const rng = createRng(12);
  const make = (i: number): string =>
    rng.pick([
      () => `req-${rng.int(0, 999999)}`,
      () => `slow query took ${rng.int(0, 5000)}ms on 10.0.${rng.int(0, 255)}.${rng.int(0, 255)}`,
      () => `id 00${rng.int(0, 99)} and 0 and -${rng.int(1, 9)}`,
      () => `${1234567890123456 + (i % 20)} / 999999999999999 / 1000000000000000 / ${i}`,
      () => `\u0001 ${i}`,
      () => `s=6f1b2c3d4e5f;i=${(0x6acfc1 + i).toString(16)};m=${(0x661731ab70a06 + i * 977).toString(16)};x=${(i * 7919).toString(16)}`,
      () => `0x1f ABC${i} fffffffffff1e ${(2 ** 51 + i).toString(16)} ${(2 ** 51 - i).toString(16)} a${i}b 0${i % 10}`,
      () => `\u0002 ${i} e${i % 7}`,
      () => `ошибка ${i}😀${i}`,
      () => String(i),
      () => `${i % 50}`.padStart(6, '0'),
    ])();
  const values = Array.from({ length: 4000 }, (_, i) => make(i));
  const events = values.map((v, i) => ({ '@timestamp': new Date(T0 + i).toISOString(), 'event.id': `e${i}`, v }) as LogEvent);
  const back = decodeAll(encodeBlock(events, { textFields: TEXT }));
  values.forEach((v, i) => assert.equal(back[i]!['v'], v));
  // Without the placeholder character the run is templated; the same strings come back.
  const clean = values.map((v) => v.replace('\u0001', '~').replace('\u0002', '~'));
  assert.ok(templateStrings(clean) !== null && templateStrings(values) === null);
  const events2 = clean.map((v, i) => ({ '@timestamp': new Date(T0 + i).toISOString(), 'event.id': `e${i}`, v }) as LogEvent);
  const back2 = decodeAll(encodeBlock(events2, { textFields: TEXT }));
  clean.forEach((v, i) => assert.equal(back2[i]!['v'], v));
});

test('row shapes: blocks with many field sets (> 255 shapes) fall back to per-column presence and still round-trip', () => {
  const rng = createRng(13);
  for (const fields of [3, 12]) {
    const events = Array.from({ length: 3000 }, (_, i) => {
      const e: LogEvent = { '@timestamp': new Date(T0 + i).toISOString(), 'event.id': `e${i}` };
      for (let f = 0; f < fields; f++) if (rng.chance(0.5)) e[`f${f}`] = rng.pick(NASTY);
      if (rng.chance(0.5)) e['undef'] = undefined;
      return e;
    });
    const block = encodeBlock(events, { textFields: TEXT });
    const shaped = block.columns.some((c) => c.meta.shape !== undefined);
    assert.equal(shaped, fields === 3, `${fields} optional fields`);
    assertSameEvents(decodeAll(block), events);
    const metas = decodeMetas(encodeMetas(block.columns.map((c) => c.meta)));
    block.columns.forEach((c, i) => assert.deepEqual(decodeColumn(metas[i]!, c.data, block.count), decodeColumn(c.meta, c.data, block.count)));
  }
});

test('a few rows of a column (decodeColumnRows) come back as the whole column has them, whatever the encoding', () => {
  const rng = createRng(21);
  const manyShapes = Array.from({ length: 3000 }, (_, i) => {
    const e: LogEvent = { '@timestamp': new Date(T0 + i).toISOString(), 'event.id': `e${i}` };
    for (let f = 0; f < 12; f++) if (rng.chance(0.5)) e[`f${f}`] = rng.pick(NASTY);
    if (rng.chance(0.002)) e['rare'] = i;
    return e;
  });
  const blocks = [
    encodeBlock(nastyEvents(rng, 5000), { textFields: TEXT }),
    encodeBlock(sortEvents(generateCorpus({ events: 6000, seed: 7 })), { textFields: TEXT }),
    encodeBlock(manyShapes, { textFields: TEXT }),
  ];
  let skipped = 0;
  for (const block of blocks) {
    const n = block.count;
    const subsets = [[], [0], [n - 1], [0, n - 1], Array.from({ length: n }, (_, i) => i)];
    for (let k = 0; k < 6; k++) subsets.push(Array.from({ length: n }, (_, i) => i).filter(() => rng.chance(k === 0 ? 0.001 : 0.02 * k)));
    for (const { meta, data } of block.columns) {
      const whole = decodeColumn(meta, data, n);
      for (const rows of subsets) {
        const got = decodeColumnRows(meta, data, n, Int32Array.from(rows));
        const want = rows.map((r) => whole[r]);
        // What rebuilding hits skips by: never a column one of the rows has.
        if (!shapesMayHold(columnPrefix(meta.encoding, data), meta.shape, n, Int32Array.from(rows))) {
          assert.ok(want.every((v) => v === undefined), `${meta.name}: skipped, yet a row has it`);
          if (rows.length > 0) skipped++;
        }
        if (want.every((v) => v === undefined)) {
          assert.equal(got, null, `${meta.name}: none of ${rows.length} rows has it`);
          continue;
        }
        assert.ok(got !== null, meta.name);
        assert.equal(got.length, rows.length);
        want.forEach((v, i) => assert.ok(Object.is(got[i], v), `${meta.name} row ${rows[i]}: ${String(got[i])} vs ${String(v)}`));
      }
    }
  }
  assert.ok(skipped > 0, 'the presence prefix never told a column apart');
});

test('a column whose block shapes are missing is reported corrupt, not guessed', () => {
  const events = nastyEvents(createRng(14), 500);
  const block = encodeBlock(events, { textFields: TEXT });
  const col = block.columns.find((c) => c.meta.shape !== undefined)!;
  assert.throws(() => decodeColumn({ ...col.meta, shape: undefined }, col.data, block.count), (err: { code?: string }) => err.code === 'LS_STORE_CORRUPT_PARTITION');
});

test('isoMillis agrees with Date.parse, valid or not', async () => {
  const { isoMillis } = await import('../normalize/iso-millis.js');
  const rng = createRng(15);
  const good = Array.from({ length: 3000 }, (_, i) => new Date(T0 + i * rng.int(0, 5000) + (i % 100 === 0 ? 1e11 : 0)).toISOString());
  const bad = [
    '2026-11-30T00:00:60.000Z', '2026-11-30T00:00:5x.000Z', '2026-11-30T00:00:00.0a0Z', '2026-13-30T00:00:00.000Z',
    '2026-11-30T24:01:00.000Z', '2026-11-30T00:00:00.000+', '2026-11-30 00:00:00.000Z', '', 'x'.repeat(24),
    '2026-11-30T00:00:00Z', '+002026-11-30T00:00:00.000Z', '2026-02-30T00:00:00.000Z', '2026-11-30T00:00:-1.000Z',
    '2026-11-30T24:00:00.000Z', '2026-11-30T24:00:30.000Z', '2026-11-30T24:00:00.001Z', '2026-11-30T23:60:00.000Z',
  ];
  for (const s of [...good, ...bad, ...good.slice(0, 50)]) {
    assert.ok(Object.is(isoMillis(s), Date.parse(s)), `${s}: ${isoMillis(s)} vs ${Date.parse(s)}`);
  }
});

test('content ids: rows keep no event.id, their bloom holds every one with few false positives, and survives the metas', () => {
  const events = sortEvents(generateCorpus({ events: 4000, seed: 31, endMs: Date.parse('2026-11-23T12:00:00.000Z'), days: 1 }));
  const contentIdRows = Uint8Array.from(events, (_, i) => (i % 4 === 0 ? 0 : 1));
  const block = encodeBlock(events, { textFields: DEFAULT_TEXT_FIELDS, contentIdRows });
  const metas = decodeMetas(encodeMetas(block.columns.map((c) => c.meta)));
  const at = metas.findIndex((m) => m.name === 'event.id');
  const meta = metas[at]!;
  assert.equal(meta.present, 1000);
  assert.equal(meta.contentIdBlooms?.length, 1);
  // The stored ids come back; the others are absent (computed when read).
  const ids = decodeColumn(meta, block.columns[at]!.data, events.length);
  events.forEach((e, i) => assert.equal(ids[i], contentIdRows[i] ? undefined : e['event.id']));
  for (const e of events) assert.ok(columnMayHold(meta, valueKey(e['event.id'])));
  let falsePositives = 0;
  for (let i = 0; i < 20_000; i++) if (columnMayHold(meta, valueKey(`not-stored-${i}`))) falsePositives++;
  // The stored ids' bloom (~1 %) over a quarter of the rows, the content ids' (0.05 %) over the rest.
  assert.ok(falsePositives < 20_000 * 0.02, `${falsePositives} false positives`);
  const none = encodeBlock(events, { textFields: DEFAULT_TEXT_FIELDS, contentIdRows: new Uint8Array(events.length).fill(1) });
  const idMeta = none.columns.find((c) => c.meta.name === 'event.id')!;
  assert.deepEqual([idMeta.meta.present, idMeta.data.length, idMeta.meta.bloom], [0, 0, null]);
  let contentOnly = 0;
  for (let i = 0; i < 20_000; i++) if (columnMayHold(idMeta.meta, valueKey(`not-stored-${i}`))) contentOnly++;
  assert.ok(contentOnly < 20_000 * 0.002, `${contentOnly} false positives of content ids`);
});
