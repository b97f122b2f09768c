/**
 * Ingest through each protocol on the same corpus (scripts/corpus.mjs):
 * native NDJSON, Loki push (protobuf + snappy, JSON), Elasticsearch _bulk,
 * OTLP/HTTP (protobuf, JSON) and syslog over TCP, each into a fresh
 * `logship serve` (SQLite). Bodies are encoded before the clock starts, so
 * the figures are the server's: events/s from first request to last event
 * committed, and the server process's CPU over that span.
 *
 *   node bench/protocols.bench.mjs [--quick] [--events N] [--rounds R]
 *
 * Also picked up by bench/run.mjs (exports `run`). Needs `tsc -b` first.
 */
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { generateCorpus } from '../scripts/corpus.mjs';
import { cpuMs, peakRssMiB } from './lib/proc-stats.mjs';
import { freePort, startServer, waitFor } from './lib/processes.mjs';

const BATCH = 5000;
const IN_FLIGHT = 2;

async function encoders(root) {
  const requireIngest = createRequire(join(root, 'packages/ingest/package.json'));
  const snappy = requireIngest('snappyjs');
  const { PushRequest } = await import(pathToFileURL(join(root, 'packages/ingest/dist/server/protocols/loki/loki-proto.js')).href);
  const { ExportLogsServiceRequest } = await import(pathToFileURL(join(root, 'packages/ingest/dist/server/protocols/otlp/otlp-proto.js')).href);
  const byFormat = (batch) => {
    const m = new Map();
    for (const e of batch) (m.get(e.format) ?? m.set(e.format, []).get(e.format)).push(e);
    return [...m];
  };
  const ns = (ms) => `${ms}000000`;
  const otlp = (batch) => ({
    resourceLogs: byFormat(batch).map(([format, es]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: format } }, { key: 'host.name', value: { stringValue: 'bench-1' } }] },
      scopeLogs: [{ scope: { name: 'bench' }, logRecords: es.map((e) => ({ timeUnixNano: ns(e.ts), observedTimeUnixNano: ns(e.ts), body: { stringValue: e.line } })) }],
    })),
  });
  return {
    'native NDJSON': (batch) => ({ path: '/api/v1/ingest', headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' }, body: gzipSync(batch.map((e) => e.line).join('\n') + '\n', { level: 3 }) }),
    'loki protobuf+snappy': (batch) => {
      const msg = PushRequest.fromObject({
        streams: byFormat(batch).map(([format, es]) => ({
          labels: `{job="${format}", host="bench-1"}`,
          entries: es.map((e) => ({ timestamp: { seconds: Math.floor(e.ts / 1000), nanos: (e.ts % 1000) * 1e6 }, line: e.line })),
        })),
      });
      return { path: '/loki/api/v1/push', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from(snappy.compress(PushRequest.encode(msg).finish())) };
    },
    'loki JSON': (batch) => ({
      path: '/loki/api/v1/push',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ streams: byFormat(batch).map(([format, es]) => ({ stream: { job: format, host: 'bench-1' }, values: es.map((e) => [ns(e.ts), e.line]) })) }), { level: 3 }),
    }),
    'elasticsearch _bulk': (batch) => ({
      path: '/es/_bulk',
      headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      body: gzipSync(batch.map((e) => `{"create":{"_index":"bench-${e.format}"}}\n${e.line}`).join('\n') + '\n', { level: 3 }),
    }),
    'otlp protobuf': (batch) => ({
      path: '/v1/logs',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      body: gzipSync(ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(otlp(batch))).finish(), { level: 3 }),
    }),
    'otlp JSON': (batch) => ({
      path: '/v1/logs',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(otlp(batch)), { level: 3 }),
    }),
  };
}

/** RFC 5424 frames, octet-counted, the raw line as MSG. */
function syslogStream(corpus) {
  const parts = corpus.map((e) => {
    const msg = Buffer.from(`<134>1 ${new Date(e.ts).toISOString()} bench-1 ${e.format} - - - ${e.line}`);
    return Buffer.concat([Buffer.from(`${msg.length} `), msg]);
  });
  return Buffer.concat(parts);
}

async function committed(url, protocol) {
  const text = await (await fetch(`${url}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^logship_ingest_events_total\{([^}]*)\} (\d+)$/gm)) if (m[1].includes(`protocol="${protocol}"`)) n += Number(m[2]);
  return n;
}

async function once({ root, dir, name, requests, stream, events, syslogPort }) {
  const dataDir = join(dir, `data-${name.replace(/\W+/g, '-')}`);
  const args = [];
  if (stream) {
    const cfg = join(dir, 'syslog.yaml');
    await writeFile(cfg, `syslog: { listen_tcp: "127.0.0.1:${syslogPort}" }\n`);
    args.push('--config', cfg);
  }
  const server = await startServer(root, { dataDir, args });
  try {
    const t0 = performance.now();
    const c0 = cpuMs(server.pid);
    if (stream) {
      await new Promise((res, rej) => {
        const s = connect(syslogPort, '127.0.0.1', () => s.end(stream));
        s.on('close', res);
        s.on('error', rej);
      });
      await waitFor(async () => (await committed(server.url, 'syslog')) >= events, 600_000);
    } else {
      let next = 0;
      const worker = async () => {
        while (next < requests.length) {
          const r = requests[next++];
          const res = await fetch(server.url + r.path, { method: 'POST', headers: r.headers, body: r.body });
          if (res.status >= 300 && res.status !== 204) throw new Error(`${name}: ${res.status} ${await res.text()}`);
          await res.arrayBuffer();
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    }
    const wallS = (performance.now() - t0) / 1000;
    const cpuS = (cpuMs(server.pid) - c0) / 1000;
    // The label of logship_ingest_events_total: the first word of the row's name.
    const stored = await committed(server.url, name.split(' ')[0]);
    return {
      protocol: name,
      events,
      'events/s': Math.round(events / wallS),
      seconds: Math.round(wallS * 100) / 100,
      'server CPU (cores)': Math.round((cpuS / wallS) * 100) / 100,
      'server CPU µs/event': Math.round((cpuS * 1e6) / events),
      'server peak RSS MiB': peakRssMiB(server.pid),
      'bytes sent/event': stream ? Math.round(stream.length / events) : Math.round(requests.reduce((s, r) => s + r.body.length, 0) / events),
      accounted: stored,
    };
  } finally {
    await server.stop();
  }
}

export async function run({ root, quick = false, work = tmpdir(), events: wanted, rounds: wantedRounds }) {
  const events = wanted ?? (quick ? 50_000 : 200_000);
  const rounds = wantedRounds ?? (quick ? 1 : 3);
  const dir = join(work, `protocols-bench-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const corpus = [...generateCorpus({ events, days: 1, seed: 7, endMs: Date.now() - 60_000 })];
  const batches = [];
  for (let i = 0; i < corpus.length; i += BATCH) batches.push(corpus.slice(i, i + BATCH));
  const enc = await encoders(root);
  const cases = Object.entries(enc).map(([name, encode]) => ({ name, requests: batches.map(encode) }));
  cases.push({ name: 'syslog TCP (RFC 5424, octet-counted)', stream: syslogStream(corpus) });
  // Rounds run every protocol in turn (reversed every other round), so a
  // busy spell on a shared machine does not land on one protocol only; the
  // row is the median round by events/s.
  const byName = new Map(cases.map((c) => [c.name, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const c of round % 2 === 0 ? cases : [...cases].reverse()) {
        byName.get(c.name).push(await once({ root, dir, ...c, events, syslogPort: c.stream ? await freePort() : undefined }));
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const rows = cases.map((c) => {
    const all = byName.get(c.name).sort((a, b) => a['events/s'] - b['events/s']);
    const mid = all[Math.floor(all.length / 2)];
    return { ...mid, 'events/s (min–max)': `${all[0]['events/s']}–${all[all.length - 1]['events/s']}`, rounds: all.length };
  });
  return {
    command: `node bench/protocols.bench.mjs${quick ? ' --quick' : ''}${wanted ? ` --events ${wanted}` : ''}${wantedRounds ? ` --rounds ${wantedRounds}` : ''}`,
    description:
      `${events.toLocaleString('en-US')} raw lines of scripts/corpus.mjs (seed 7, one day) through each protocol into a fresh logship serve (SQLite): batches of ${BATCH} (Loki: one stream per source format; OTLP: one resource per format, the line as body; _bulk: create actions), ${IN_FLIGHT} requests in flight; ` +
      'gzip level 3 except Loki protobuf (snappy, as Promtail sends it); syslog is one TCP connection of octet-counted RFC 5424 frames, timed until the server counted every event. Bodies are encoded before the clock starts. ' +
      'Server CPU is utime+stime of the server process over the span; "accounted" is logship_ingest_events_total for the protocol (stored + duplicate + expired + rejected). ' +
      `${rounds} round(s), every protocol in turn (reversed every other round); each row is the median round by events/s, with the min–max over rounds. ` +
      'On a shared machine wall time swings with other load; server CPU µs/event is the steadier figure.',
    rows,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, events: { type: 'string' }, rounds: { type: 'string' } } });
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const res = await run({ root, quick: values.quick, events: values.events ? Number(values.events) : undefined, rounds: values.rounds ? Number(values.rounds) : undefined });
  console.log(JSON.stringify(res, null, 2));
}
