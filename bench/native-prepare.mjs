/**
 * Spike (docs/BLOCK_STORE.md "Block preparation, ported"): the native
 * addon (packages/ingest/native) normalizes a request body AND prepares
 * its blocks with no crossing to JavaScript between, answering one Buffer
 * of per-(class, day) blocks: column bytes, each column's meta (types,
 * present, min/max, bloom, event.id's content ids' bloom), the shape ids,
 * content-id tags and rollup codes. This checks all of it against the
 * JavaScript path (normalizeLine, then the ingest worker's preparer,
 * block-preparer.ts) on the corpus lines the addon handles, under the
 * default retention tiers and under short ones (events of each class
 * expire), checks the tokenizer alone over Unicode text, and times both.
 *
 *   (cd packages/ingest/native && nice -n 10 cargo build --release)
 *   node bench/native-prepare.mjs [--events 100000] [--runs 5] [--batch 5000]
 *
 * The port knows the default tiers' classes only (errors, debug by level);
 * `js_normalize_ported_part` is the first step's part (no metas' blooms
 * or min/max, no classes), kept to compare with that step's figures.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { isAscii } from 'node:buffer';
import { alternatedCpuPerUnit } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    batch: { type: 'string', default: '5000' },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const imp = (p) => import(pathToFileURL(join(root, p)).href);
const { generateCorpus } = await imp('scripts/corpus.mjs');
const { normalizeLine, DEFAULT_NORMALIZE_LIMITS } = await imp('packages/ingest/dist/index.js');
const { createPreparer } = await imp('packages/ingest/dist/blocks/block-preparer.js');
const { gatherColumns, rowsOf } = await imp('packages/ingest/dist/blocks/gather-columns.js');
const { writePresence } = await imp('packages/ingest/dist/blocks/presence.js');
const { writeValues, typeBit } = await imp('packages/ingest/dist/blocks/column-values.js');
const { ByteWriter } = await imp('packages/ingest/dist/blocks/byte-writer.js');
const { compressColumn } = await imp('packages/ingest/dist/blocks/column-compression.js');
const { compareKeys } = await imp('packages/ingest/dist/sqlite/search-cursor.js');
const { resolveTextFields, tokenize } = await imp('packages/query/dist/core.js');
const native = { exports: {} };
process.dlopen(native, join(root, 'packages/ingest/native/target/release/liblogship_ingest_native.so'));
const { normalizeBody, normalizeBodyObjects, prepareBody, compressColumns, tokenizeText } = native.exports;

const batchSize = Number(args.batch);
const now = Date.now();
const textFields = resolveTextFields(undefined);
// The default tiers (retention-config.ts DEFAULT_RETENTION), the only classes the port knows: [default, errors, debug] days.
const { DEFAULT_RETENTION } = await imp('packages/ingest/dist/retention/retention-config.js');
const retentionOf = ([d, e, g]) => ({ default_days: d, classes: [{ ...DEFAULT_RETENTION.classes[0], days: e }, { ...DEFAULT_RETENTION.classes[1], days: g }] });
const DEFAULT_DAYS = [DEFAULT_RETENTION.default_days, DEFAULT_RETENTION.classes[0].days, DEFAULT_RETENTION.classes[1].days];
const CLASS_NAMES = ['errors', 'debug', 'default'];
let days = DEFAULT_DAYS;
let prepare = createPreparer({ retention: retentionOf(days), textFields });
const nopts = { now, limits: DEFAULT_NORMALIZE_LIMITS, invalidUtf8: false, defaultTimeZone: 'UTC' };
const bodiesOf = (lines) => {
  const out = [];
  for (let i = 0; i < lines.length; i += batchSize) out.push(Buffer.from(lines.slice(i, i + batchSize).join('\n') + '\n'));
  return out;
};

// The lines the addon handles (bench/native-normalize.mjs checks those events equal).
const handledLines = [];
const corpus = [...generateCorpus({ events: Number(args.events), seed: 7 })].map((x) => x.line);
for (const body of bodiesOf(corpus)) {
  const objects = normalizeBodyObjects(body, now);
  const text = body.toString('utf8').split('\n').filter((l) => l !== '');
  for (let i = 0; i < text.length; i++) if (objects[i] !== null) handledLines.push(text[i]);
}
const bodies = bodiesOf(handledLines);

/** As normalize-items.ts: an ASCII body decoded once, each line a slice; the preparer's inputs. */
function jsNormalize(body) {
  const text = isAscii(body) ? body.toString('latin1') : body.toString('utf8');
  const events = [];
  const contentIds = [];
  const times = [];
  let start = 0;
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    const r = normalizeLine(text.slice(start, end), nopts);
    events.push(r.event);
    contentIds.push(r.contentId);
    times.push(r.time);
    start = end + 1;
  }
  return { events, contentIds, times };
}
const jsPrepare = (body) => {
  const { events, contentIds, times } = jsNormalize(body);
  return prepare(events, now, contentIds, times);
};

/**
 * The part of the JavaScript preparation the addon ports, alone: group by
 * day, drop in-batch duplicates, sort, gather columns, presence + values
 * (block-codec.ts encodeColumn without its meta's bloom and min/max).
 */
function jsPortedPart(body) {
  const { events, times } = jsNormalize(body);
  const days = new Map();
  // As group-batch.ts SeenPairs: ids first (a content id covers its time too).
  const seen = new Map();
  for (let i = 0; i < events.length; i++) {
    const eid = events[i]['event.id'];
    if (seen.get(eid) === times[i]) continue;
    seen.set(eid, times[i]);
    const day = Math.floor(times[i] / 864e5);
    let g = days.get(day);
    if (!g) days.set(day, (g = []));
    g.push({ ts: times[i], eid: events[i]['event.id'], event: events[i] });
  }
  const out = [];
  for (const items of days.values()) {
    items.sort(compareKeys);
    const n = items.length;
    const rowsAll = new Uint8Array(n).fill(1);
    const sorted = items.map((x) => x.event);
    const { columns, rowShape, shapes } = gatherColumns(sorted, ['@timestamp', 'event.id'], 254, { key: 'event.id', rows: rowsAll });
    columns.get('@timestamp').values = items.map((x) => x.ts);
    const withShapes = shapes > 1 && shapes <= 255;
    for (const [, col] of columns) {
      const values = col.values;
      if (values.length === 0) continue;
      let types = 0;
      let same = values.length === n;
      for (let i = 0; i < values.length; i++) {
        types |= typeBit(values[i]);
        if (same && !Object.is(values[i], values[0])) same = false;
      }
      if (same) continue;
      const rows = values.length < n ? rowsOf(col) : null;
      let shapeList = null;
      if (withShapes && rows !== null) {
        const seenShape = new Uint8Array(256);
        for (let k = 0; k < rows.length; k++) seenShape[rowShape[rows[k]]] = 1;
        shapeList = [];
        for (let s = 0; s < 256; s++) if (seenShape[s]) shapeList.push(s);
      }
      const w = new ByteWriter(64 + values.length * 4);
      writePresence(w, rows, n, shapeList);
      writeValues(w, values, types);
      out.push(w.finish());
    }
  }
  return out;
}

/** prepareBody's Buffer (native/src/block_prepare.rs prepare_group) as groups of columns. */
function decodePrepared(buf) {
  let p = 0;
  const u32 = () => ((p += 4), buf.readUInt32LE(p - 4));
  const handled = u32();
  const expired = u32();
  const groups = [];
  for (let g = u32(); g > 0; g--) {
    const className = CLASS_NAMES[buf[p++]];
    const day = new Date(u32() * 864e5).toISOString().slice(0, 10);
    const count = u32();
    const columns = [];
    for (let c = u32(); c > 0; c--) {
      const len = buf.readUInt16LE(p);
      const name = buf.toString('utf8', p + 2, p + 2 + len);
      p += 2 + len;
      const encoding = buf[p++];
      const size = u32();
      const data = buf.subarray(p, (p += size));
      // Its meta (block_prepare.rs Meta::write).
      const types = buf[p++];
      const present = u32();
      const flags = buf[p++];
      let min = null;
      let max = null;
      if (flags & 1) {
        min = buf.readDoubleLE(p);
        max = buf.readDoubleLE(p + 8);
        p += 16;
      }
      const blob = () => buf.subarray(p + 4, (p += 4 + buf.readUInt32LE(p)));
      const bloom = flags & 4 ? blob() : null;
      const contentIdBloom = flags & 16 ? blob() : null;
      columns.push({ name, encoding, data, types, present, min, max, bloom, contentIdBloom });
    }
    // block_extras.rs write_extras: shape ids, content-id tags, rollup codes.
    const shape = buf[p++] === 1 ? Buffer.from(buf.subarray(p + 4, (p += 4 + buf.readUInt32LE(p)))) : null;
    const tags = Buffer.from(buf.subarray(p + 4, (p += 4 + buf.readUInt32LE(p))));
    const rollups = { keys: [], rows: [] };
    for (let f = 0; f < 10; f++) {
      const keys = [];
      for (let k = u32(); k > 0; k--) {
        const len = buf.readUInt16LE(p);
        keys.push(buf.toString('utf8', p + 2, (p += 2 + len)));
      }
      const rows = new Int32Array(count);
      for (let r = 0; r < count; r++) rows[r] = (p += 4, buf.readInt32LE(p - 4));
      rollups.keys.push(keys);
      rollups.rows.push(rows);
    }
    groups.push({ className, day, count, columns, shape, tags, rollups });
  }
  return { handled, expired, groups };
}

// --- the check: every body, raw and compressed, under the default tiers and under short ones (some of each class expire) ---
const rawColumns = [];
function checkAll(collect) {
  const check = { days: days.join('/'), bodies: bodies.length, events: 0, expired: 0, batchDiffer: 0, groups: 0, columns: 0, rawDiffer: 0, metaDiffer: { types: 0, present: 0, bounds: 0, bloom: 0, contentIdBloom: 0 }, blooms: 0, bounds: 0, shapes: 0, extrasDiffer: { shape: 0, contentIdTags: 0, rollups: 0, nonFinite: 0 }, compressedCompared: 0, compressedDiffer: 0, compressedSameSize: 0, examples: [] };
  for (const body of bodies) {
    const js = jsPrepare(body);
    const raw = decodePrepared(prepareBody(body, now, false, days));
    const packed = decodePrepared(prepareBody(body, now, true, days));
    check.events += raw.handled;
    check.expired += raw.expired;
    const note = (what, detail) => check.examples.length < 5 && check.examples.push({ what, ...detail });
    if (js.result.expired !== raw.expired || js.groups.length !== raw.groups.length) {
      check.batchDiffer++;
      note('batch', { expired: [js.result.expired, raw.expired], groups: [js.groups.length, raw.groups.length] });
    }
    for (let g = 0; g < js.groups.length; g++) {
      const jg = js.groups[g];
      const ng = raw.groups[g];
      check.groups++;
      if (!ng || ng.day !== jg.key.day || ng.className !== jg.key.className || ng.count !== jg.block.count || ng.columns.length !== jg.block.columns.length) {
        check.rawDiffer++;
        note('group', { js: [jg.key.className, jg.key.day, jg.block.count, jg.block.columns.map((c) => c.meta.name)], native: ng && [ng.className, ng.day, ng.count, ng.columns.map((c) => c.name)] });
        continue;
      }
      // Beside the columns: shape ids, content-id tags, rollup codes, nonFinite (never any from JSON).
      const jshape = jg.block.columns.find((c) => c.meta.shape)?.meta.shape;
      const extras = {
        shape: jshape === undefined ? ng.shape === null : ng.shape !== null && jshape.encoding === 1 && ng.shape.equals(jshape.packed),
        contentIdTags: jg.block.contentIdTags !== undefined && ng.tags.equals(jg.block.contentIdTags) && jg.block.columns.find((c) => c.meta.name === 'event.id')?.meta.contentIdTags === true,
        rollups:
          jg.rollups.keys.length === ng.rollups.keys.length &&
          jg.rollups.keys.every((k, f) => k.length === ng.rollups.keys[f].length && k.every((x, i) => x === ng.rollups.keys[f][i])) &&
          jg.rollups.rows.every((r, f) => Buffer.from(r.buffer, r.byteOffset, r.byteLength).equals(Buffer.from(ng.rollups.rows[f].buffer))),
        nonFinite: jg.nonFinite.length === 0,
      };
      if (jshape !== undefined) check.shapes++;
      for (const [k, ok] of Object.entries(extras)) {
        if (ok) continue;
        check.extrasDiffer[k]++;
        note('extras', { group: g, field: k });
      }
      for (let c = 0; c < jg.block.columns.length; c++) {
        const jc = jg.block.columns[c];
        const nc = ng.columns[c];
        check.columns++;
        if (jc.meta.name !== nc.name || jc.meta.encoding !== nc.encoding || !Buffer.from(jc.data).equals(nc.data)) {
          check.rawDiffer++;
          note('raw', { column: jc.meta.name, native: nc.name, enc: [jc.meta.encoding, nc.encoding], bytes: [jc.data.length, nc.data.length] });
          continue;
        }
        const m = jc.meta;
        const sameBytes = (a, b) => (a === null || a === undefined ? b === null : b !== null && Buffer.from(a).equals(b));
        const metaCheck = {
          types: m.types === nc.types,
          present: m.present === nc.present,
          bounds: Object.is(m.min, nc.min) && Object.is(m.max, nc.max),
          bloom: sameBytes(m.bloom, nc.bloom),
          contentIdBloom: sameBytes(m.contentIdBlooms?.[0], nc.contentIdBloom) && (m.contentIdBlooms?.length ?? 0) <= 1,
        };
        if (m.bloom) check.blooms++;
        if (m.min !== null) check.bounds++;
        for (const [k, ok] of Object.entries(metaCheck)) {
          if (ok) continue;
          check.metaDiffer[k]++;
          note('meta', { column: m.name, field: k, js: k === 'bounds' ? [m.min, m.max] : k === 'bloom' ? m.bloom?.length : k === 'contentIdBloom' ? m.contentIdBlooms?.[0]?.length : m[k], native: k === 'bounds' ? [nc.min, nc.max] : k === 'bloom' ? nc.bloom?.length : k === 'contentIdBloom' ? nc.contentIdBloom?.length : nc[k] });
        }
        if (nc.encoding !== 1) continue; // constant: nothing to compress
        if (collect) rawColumns.push(Buffer.from(nc.data));
        check.compressedCompared++;
        const js2 = compressColumn(jc.data);
        const pc = packed.groups[g].columns[c];
        if (js2.encoding !== pc.encoding || !Buffer.from(js2.data).equals(pc.data)) {
          check.compressedDiffer++;
          if (js2.data.length === pc.data.length) check.compressedSameSize++;
          note('compressed', { column: nc.name, enc: [js2.encoding, pc.encoding], bytes: [js2.data.length, pc.data.length] });
        }
      }
    }
  }
  return check;
}
const check = checkAll(true);
console.log(JSON.stringify({ check }));
days = [0.75, 1, 0.5];
prepare = createPreparer({ retention: retentionOf(days), textFields });
console.log(JSON.stringify({ check: checkAll(false) }));
days = DEFAULT_DAYS;
prepare = createPreparer({ retention: retentionOf(days), textFields });

// --- the tokenizer alone, over Unicode the corpus lacks: edge cases, then seeded random text ---
const tokenCheck = { texts: 0, differ: 0, examples: [] };
const edge = ['ΟΔΥΣΣΕΥΣ ΣΑΣ. Σ ΑΣ-Β', 'İstanbul ıi İİ', 'Straße ǅemal ǈ', 'x\u0301Σ\u0301 aΣ\u00ad', '東京タワー 123 ①②', 'naïve café ﬁne', '𝐀𝐁c 𐐀𐐁 😀ab', 'ᾼ ᾈ ΐ', 'Ⅻ ⅻ ٣٤ ²³', 'a\u200db a\u0345Σ'];
let seed = 12345;
const rnd = (n) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
const pools = [[0x20, 0x7e], [0xa0, 0x24f], [0x370, 0x3ff], [0x400, 0x52f], [0x1e00, 0x1fff], [0x2000, 0x218f], [0x300, 0x36f], [0x3040, 0x30ff], [0x10400, 0x1044f], [0x1d400, 0x1d7ff], [0x1f600, 0x1f64f], [0x4e00, 0x4e7f]];
const random = [];
for (let i = 0; i < 20000; i++) {
  let t = '';
  // Every other text ASCII only: tokenize.rs has a path of its own for those.
  const ascii = i % 2 === 0;
  for (let k = 1 + rnd(12); k > 0; k--) {
    const [a, b] = pools[ascii ? 0 : rnd(pools.length)];
    const c = a + rnd(b - a + 1);
    t += String.fromCodePoint(c >= 0xd800 && c <= 0xdfff ? 0x20 : c);
    if (!ascii && rnd(4) === 0) t += 'Σ';
  }
  random.push(t);
}
for (const t of [...edge.map((x) => JSON.parse(`"${x}"`)), ...random]) {
  tokenCheck.texts++;
  const js = tokenize(t);
  const nat = tokenizeText(t);
  if (js.length !== nat.length || js.some((x, i) => x !== nat[i])) {
    tokenCheck.differ++;
    if (tokenCheck.examples.length < 5) tokenCheck.examples.push({ text: t, js, native: nat });
  }
}
console.log(JSON.stringify({ tokenCheck }));

// --- timing: the same bodies, each variant over all of them ---
const variants = {
  js_normalize: () => bodies.forEach(jsNormalize),
  js_normalize_prepare: () => bodies.forEach(jsPrepare),
  js_normalize_ported_part: () => bodies.forEach(jsPortedPart),
  native_normalize_buffer: () => bodies.forEach((b) => normalizeBody(b, now)),
  native_normalize_prepare: () => bodies.forEach((b) => prepareBody(b, now, false, days)),
  native_normalize_prepare_compress: () => bodies.forEach((b) => prepareBody(b, now, true, days)),
  js_compress_columns: () => rawColumns.forEach((c) => compressColumn(c)),
  native_compress_columns: () => compressColumns(rawColumns),
};
const per = alternatedCpuPerUnit(variants, Number(args.runs), check.events);
const round = (x) => Math.round(x * 1000) / 1000;
const median = {};
for (const [n, xs] of Object.entries(per)) {
  median[n] = xs[xs.length >> 1];
  console.log(JSON.stringify({ variant: n, events: check.events, us_per_event: xs.map(round), median: round(median[n]) }));
}
const ratio = (a, b) => round(median[a] / median[b]);
console.log(
  JSON.stringify({
    ratios: {
      // The rest of block preparation (blooms, metas, shape column, content-id tags, rollup codes), left in JavaScript:
      js_unported_us: round(median.js_normalize_prepare - median.js_normalize_ported_part),
      native_over_js_normalize_prepare: ratio('native_normalize_prepare', 'js_normalize_prepare'),
      native_over_js_ported_part: ratio('native_normalize_prepare', 'js_normalize_ported_part'),
      js_prepare_only_us: round(median.js_normalize_prepare - median.js_normalize),
      js_ported_part_only_us: round(median.js_normalize_ported_part - median.js_normalize),
      native_prepare_only_us: round(median.native_normalize_prepare - median.native_normalize_buffer),
      native_compress_us: round(median.native_normalize_prepare_compress - median.native_normalize_prepare),
      js_compress_us: round(median.js_compress_columns),
      native_compress_alone_us: round(median.native_compress_columns),
    },
  }),
);
