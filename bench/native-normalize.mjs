/**
 * Spike (docs/BLOCK_STORE.md "A native ingest path: measured (spike)"):
 * CPU µs a line of normalizing the bench corpus's request bodies in
 * JavaScript (normalizeLine, as normalize-items.ts calls it) against the
 * native addon (packages/ingest/native), which handles the corpus's two
 * commonest shapes and answers either one Buffer or event objects. Checks
 * first that every line the addon handles gives the JavaScript path's
 * event, key order and values, byte for byte (JSON.stringify equal): the
 * corpus's lines, and odd values laid over some of them (checked only).
 *
 *   (cd packages/ingest/native && cargo build --release)
 *   node bench/native-normalize.mjs [--events 100000] [--runs 5] [--batch 5000]
 *
 * Prints JSON lines: the check, then each variant's µs a line (process CPU
 * time, user + system, over the handled lines only so every variant does
 * the same lines' work), runs alternated, sorted, median.
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
const { generateCorpus } = await import(pathToFileURL(join(root, 'scripts/corpus.mjs')).href);
const { normalizeLine, DEFAULT_NORMALIZE_LIMITS } = await import(pathToFileURL(join(root, 'packages/ingest/dist/index.js')).href);
const native = { exports: {} };
process.dlopen(native, join(root, 'packages/ingest/native/target/release/liblogship_ingest_native.so'));
const { normalizeBody, normalizeBodyObjects, normalizeBodyCount } = native.exports;

const batchSize = Number(args.batch);
const all = [];
for (const { format, line } of generateCorpus({ events: Number(args.events), seed: 7 })) all.push({ format, line });
// Odd values the corpus lacks, laid over its django and nginx lines (checked, not timed):
// escapes, non-ASCII, astral characters, a lone surrogate, numbers JavaScript writes unusually.
const ODD_TEXT = ['caf\u00e9 \u00fcber', 'emoji \u{1F600} x', 'quote " back \\ slash', 'tab\tnew\nline', '\u2028sep', 'lone \ud800 x', '\u{FFFF}\u{10000}', ''];
const ODD_NUMBERS = [1e21, 123456789012345680000, 0.1 + 0.2, 5e-7, -0, 2 ** 53 + 2, 1.5, -12.25];
const odd = [];
for (let i = 0; i < 4000 && i < all.length; i++) {
  const { format, line } = all[i];
  const o = JSON.parse(line);
  if (format === 'django') {
    o.message = ODD_TEXT[i % ODD_TEXT.length] + o.message;
    o.user_id = ODD_TEXT[(i >> 3) % ODD_TEXT.length];
    if ('duration_ms' in o) o.duration_ms = ODD_NUMBERS[i % ODD_NUMBERS.length];
  } else if (format === 'nginx') {
    o.http_user_agent = ODD_TEXT[i % ODD_TEXT.length];
    o.request_time = ['0.000', ' 1.5 ', '12', '-0.25', '0.0005', '007.10', '1e3', '.5'][i % 8];
    if (i % 5 === 0) o.request = `GET /caf\u00e9?q=${ODD_TEXT[i % ODD_TEXT.length]} HTTP/1.1`;
  } else continue;
  odd.push({ format: `${format}-odd`, line: JSON.stringify(o) });
}
all.push(...odd);
const now = Date.now();
const opts = { now, limits: DEFAULT_NORMALIZE_LIMITS, invalidUtf8: false, defaultTimeZone: 'UTC' };
const bodiesOf = (lines) => {
  const out = [];
  for (let i = 0; i < lines.length; i += batchSize) out.push(Buffer.from(lines.slice(i, i + batchSize).join('\n') + '\n'));
  return out;
};

// --- the check: every line, native objects and the decoded Buffer against normalizeLine ---
const byFormat = {};
let handled = 0;
let differ = 0;
let gi = 0;
const examples = [];
const handledLines = [];
for (const body of bodiesOf(all.map((x) => x.line))) {
  const objects = normalizeBodyObjects(body, now);
  const decoded = decodeBody(normalizeBody(body, now));
  const text = body.toString('utf8').split('\n').filter((l) => l !== '');
  for (let i = 0; i < text.length; i++) {
    const js = JSON.stringify(normalizeLine(text[i], opts).event);
    const fmt = all[gi++].format;
    byFormat[fmt] ??= { handled: 0, left: 0 };
    if (objects[i] === null) {
      byFormat[fmt].left++;
      if (decoded[i] !== null) differ++;
      continue;
    }
    const a = JSON.stringify(objects[i]);
    const b = JSON.stringify(decoded[i]);
    if (a !== js || b !== js) {
      differ++;
      if (examples.length < 3) examples.push({ js, native: a, decoded: b });
    } else {
      handled++;
      byFormat[fmt].handled++;
      if (!fmt.endsWith('-odd')) handledLines.push(text[i]);
    }
  }
}
console.log(JSON.stringify({ check: { lines: all.length, handled, differ, byFormat, examples } }));

// --- timing: the handled lines only, in bodies of `batch` lines ---
const bodies = bodiesOf(handledLines);
const variants = {
  js_normalizeLine: () => {
    for (const body of bodies) {
      // As normalize-items.ts: an ASCII body decoded once, each line a slice.
      const text = isAscii(body) ? body.toString('latin1') : body.toString('utf8');
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        normalizeLine(text.slice(start, end), { now, limits: DEFAULT_NORMALIZE_LIMITS, invalidUtf8: false, defaultTimeZone: 'UTC' });
        start = end + 1;
      }
    }
  },
  native_no_result: () => {
    for (const body of bodies) normalizeBodyCount(body, now);
  },
  native_buffer: () => {
    for (const body of bodies) normalizeBody(body, now);
  },
  native_buffer_then_js_events: () => {
    for (const body of bodies) decodeBody(normalizeBody(body, now));
  },
  native_objects: () => {
    for (const body of bodies) normalizeBodyObjects(body, now);
  },
};
const perLine = alternatedCpuPerUnit(variants, Number(args.runs), handledLines.length);
const round = (x) => Math.round(x * 1000) / 1000;
for (const [n, xs] of Object.entries(perLine)) {
  console.log(JSON.stringify({ variant: n, lines: handledLines.length, us_per_line: xs.map(round), median: round(xs[xs.length >> 1]) }));
}

/** The addon's Buffer (lib.rs normalizeBody) as events, null where a line was left to JavaScript. */
function decodeBody(buf) {
  const keysAt = (() => {
    // The key table is at the end; find it by walking the lines once.
    let p = 4;
    for (let n = buf.readUInt32LE(0); n > 0; n--) p = skipLine(buf, p);
    const keys = [];
    let q = p + 4;
    for (let k = buf.readUInt32LE(p); k > 0; k--) {
      const len = buf.readUInt16LE(q);
      keys.push(buf.toString('utf8', q + 2, q + 2 + len));
      q += 2 + len;
    }
    return keys;
  })();
  const out = [];
  let p = 4;
  for (let n = buf.readUInt32LE(0); n > 0; n--) {
    if (buf[p] === 0) {
      out.push(null);
      p += 9;
      continue;
    }
    const time = buf.readDoubleLE(p + 1);
    const event = { '@timestamp': new Date(time).toISOString(), 'event.id': buf.toString('latin1', p + 9, p + 31) };
    let f = buf.readUInt16LE(p + 31);
    p += 33;
    for (; f > 0; f--) {
      const key = keysAt[buf.readUInt16LE(p)];
      const type = buf[p + 2];
      p += 3;
      if (type === 0) {
        const len = buf.readUInt32LE(p);
        event[key] = buf.toString('utf8', p + 4, p + 4 + len);
        p += 4 + len;
      } else if (type === 1) {
        event[key] = buf.readDoubleLE(p);
        p += 8;
      } else event[key] = type === 2;
    }
    out.push(event);
  }
  return out;
}

function skipLine(buf, p) {
  if (buf[p] === 0) return p + 9;
  let f = buf.readUInt16LE(p + 31);
  p += 33;
  for (; f > 0; f--) {
    const type = buf[p + 2];
    p += 3;
    if (type === 0) p += 4 + buf.readUInt32LE(p);
    else if (type === 1) p += 8;
  }
  return p;
}
