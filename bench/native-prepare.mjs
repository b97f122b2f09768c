/**
 * Spike, second step (docs/BLOCK_STORE.md "Block preparation, ported"):
 * the native addon (packages/ingest/native) normalizes a request body AND
 * prepares its blocks with no crossing to JavaScript between, answering
 * one Buffer of per-day blocks' column bytes. This checks those bytes
 * against the JavaScript path (normalizeLine, then the ingest worker's
 * preparer, block-preparer.ts) on the corpus lines the addon handles, raw
 * and brotli-compressed, and times both.
 *
 *   (cd packages/ingest/native && nice -n 10 cargo build --release)
 *   node bench/native-prepare.mjs [--events 100000] [--runs 5] [--batch 5000]
 *
 * One retention class (classes: []): the port groups by day only. What
 * the port leaves out (metas: min/max and blooms; the shape-id column;
 * content-id tags and blooms; rollup codes) is timed apart in
 * JavaScript as `js_unported`, so the figures say what is left.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { isAscii } from 'node:buffer';

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
const { resolveTextFields } = await imp('packages/query/dist/core.js');
const native = { exports: {} };
process.dlopen(native, join(root, 'packages/ingest/native/target/release/liblogship_ingest_native.so'));
const { normalizeBody, normalizeBodyObjects, prepareBody, compressColumns } = native.exports;

const batchSize = Number(args.batch);
const now = Date.now();
const textFields = resolveTextFields(undefined);
const prepare = createPreparer({ retention: { default_days: 36500, classes: [] }, textFields });
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
  const groups = [];
  for (let g = u32(); g > 0; g--) {
    const day = new Date(u32() * 864e5).toISOString().slice(0, 10);
    const count = u32();
    const columns = [];
    for (let c = u32(); c > 0; c--) {
      const len = buf.readUInt16LE(p);
      const name = buf.toString('utf8', p + 2, p + 2 + len);
      p += 2 + len;
      const encoding = buf[p++];
      const size = u32();
      columns.push({ name, encoding, data: buf.subarray(p, (p += size)) });
    }
    groups.push({ day, count, columns });
  }
  return { handled, groups };
}

// --- the check: every body, raw and compressed ---
const check = { bodies: bodies.length, events: 0, groups: 0, columns: 0, rawDiffer: 0, compressedCompared: 0, compressedDiffer: 0, compressedSameSize: 0, examples: [] };
const rawColumns = [];
for (const body of bodies) {
  const js = jsPrepare(body);
  const raw = decodePrepared(prepareBody(body, now, false));
  const packed = decodePrepared(prepareBody(body, now, true));
  check.events += raw.handled;
  const note = (what, detail) => check.examples.length < 5 && check.examples.push({ what, ...detail });
  if (js.groups.length !== raw.groups.length) note('groups', { js: js.groups.length, native: raw.groups.length });
  for (let g = 0; g < js.groups.length; g++) {
    const jg = js.groups[g];
    const ng = raw.groups[g];
    check.groups++;
    if (!ng || ng.day !== jg.key.day || ng.count !== jg.block.count || ng.columns.length !== jg.block.columns.length) {
      check.rawDiffer++;
      note('group', { js: [jg.key.day, jg.block.count, jg.block.columns.map((c) => c.meta.name)], native: ng && [ng.day, ng.count, ng.columns.map((c) => c.name)] });
      continue;
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
      if (nc.encoding !== 1) continue; // constant: nothing to compress
      rawColumns.push(Buffer.from(nc.data));
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
console.log(JSON.stringify({ check }));

// --- timing: the same bodies, each variant over all of them ---
const variants = {
  js_normalize: () => bodies.forEach(jsNormalize),
  js_normalize_prepare: () => bodies.forEach(jsPrepare),
  js_normalize_ported_part: () => bodies.forEach(jsPortedPart),
  native_normalize_buffer: () => bodies.forEach((b) => normalizeBody(b, now)),
  native_normalize_prepare: () => bodies.forEach((b) => prepareBody(b, now, false)),
  native_normalize_prepare_compress: () => bodies.forEach((b) => prepareBody(b, now, true)),
  js_compress_columns: () => rawColumns.forEach((c) => compressColumn(c)),
  native_compress_columns: () => compressColumns(rawColumns),
};
const names = Object.keys(variants);
for (const n of names) variants[n](); // warm-up
const per = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < Number(args.runs); r++) {
  for (const n of names) {
    const c0 = process.cpuUsage();
    variants[n]();
    const c = process.cpuUsage(c0);
    per[n].push((c.user + c.system) / check.events);
  }
}
const round = (x) => Math.round(x * 1000) / 1000;
const median = {};
for (const n of names) {
  const xs = per[n].sort((a, b) => a - b);
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
