/**
 * logship-agent throughput: one file of 200-byte JSON lines, already written,
 * read by the real agent process and shipped (a) to a live `logship serve`
 * (SQLite) and (b) to a receiver that gunzips, counts and discards (the
 * agent's own cost, without the store). Reports lines/s, the agent's CPU
 * (fraction of one core over the run) and its peak RSS.
 *
 *   node bench/agent.bench.mjs [--quick]
 *
 * Also picked up by bench/run.mjs (exports `run`). Needs `tsc -b` first.
 */
import { createServer } from 'node:http';
import { mkdir, rm, writeFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { cpuMs, peakRssMiB } from './lib/proc-stats.mjs';
import { freePort, startAgent, startServer, waitFor } from './lib/processes.mjs';

/** A python-json-logger line padded to exactly 200 bytes (without newline). */
function line(seq) {
  const base = {
    asctime: '2026-02-08 12:00:00,000', levelname: seq % 10 === 0 ? 'ERROR' : 'INFO', name: 'app.worker',
    message: `task done seq=${seq}`, seq, request_id: `req-${seq.toString(16).padStart(8, '0')}`, pad: '',
  };
  const len = JSON.stringify(base).length;
  base.pad = 'x'.repeat(Math.max(0, 200 - len));
  return JSON.stringify(base);
}

async function writeCorpus(file, n) {
  const fh = await open(file, 'w');
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
  for (let i = 0; i < n; i += 10_000) {
    let text = '';
    for (let j = i; j < Math.min(n, i + 10_000); j++) text += line(j).replace('2026-02-08 12:00:00,000', now) + '\n';
    await fh.write(text);
  }
  await fh.close();
}

/** Counts events of gzipped NDJSON posts and answers like ingest. */
async function nullIngest() {
  let events = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = gunzipSync(Buffer.concat(chunks));
      let n = 0;
      for (let i = body.indexOf(10); i !== -1; i = body.indexOf(10, i + 1)) n++;
      events += n;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ stored: n, duplicates: 0, expired: 0, errors: [] }));
    });
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, count: () => events, close: () => new Promise((r) => server.close(r)) };
}

async function shipped(metricsUrl) {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  return [...text.matchAll(/^logship_agent_events_shipped_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

async function once({ root, dir, file, n, target, label }) {
  const metricsPort = await freePort();
  const cfg = join(dir, `agent-${label}.yaml`);
  await writeFile(cfg, [
    'server:', `  url: ${target}`,
    `data_dir: ${join(dir, `agent-data-${label}-${Date.now()}`)}`,
    'log_level: warn',
    `metrics: { listen: "127.0.0.1:${metricsPort}" }`,
    'sources:', '  - type: file', `    include: ["${file}"]`, '    labels: { job: bench }', '',
  ].join('\n'));
  const agent = startAgent(root, cfg);
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  // The clock starts when the agent answers on its metrics port (node's own
  // start-up, ~0.3 s, is not shipping); CPU is counted from there too.
  await waitFor(async () => (await fetch(`${metricsUrl}/health`)).ok, 60_000);
  const t0 = performance.now();
  const cpu0 = cpuMs(agent.pid);
  await waitFor(async () => (await shipped(metricsUrl)) >= n, 600_000);
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = (cpuMs(agent.pid) - cpu0) / 1000;
  const rss = peakRssMiB(agent.pid);
  await agent.stop();
  // Lines per CPU-second of the agent is steadier than wall time on a shared machine.
  return {
    label, lines: n, seconds: Math.round(wallS * 100) / 100, linesPerSecond: Math.round(n / wallS),
    agentCores: Math.round((cpuS / wallS) * 100) / 100, linesPerAgentCpuSecond: Math.round(n / cpuS), peakRssMiB: rss,
  };
}

export async function run({ root, quick = false, work = tmpdir() }) {
  const n = quick ? 200_000 : 1_000_000;
  const dir = join(work, `agent-bench-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'app.log');
  await writeCorpus(file, n);
  const rows = [];
  try {
    const sink = await nullIngest();
    try {
      rows.push(await once({ root, dir, file, n, target: sink.url, label: 'file → agent → null receiver' }));
    } finally {
      await sink.close();
    }
    const server = await startServer(root, { dataDir: join(dir, 'server') });
    try {
      rows.push(await once({ root, dir, file, n, target: server.url, label: 'file → agent → logship serve (SQLite)' }));
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    command: `node bench/agent.bench.mjs${quick ? ' --quick' : ''}`,
    description: `${n} JSON lines of 200 bytes in one file, read from the beginning by a real logship-agent process with default batching (1000 events, gzip level 3). ` +
      'Time from the agent answering on its metrics port to the last event acknowledged; CPU is the agent process only (utime+stime over that span / wall time); RSS is VmHWM.',
    rows,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const res = await run({ root, quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(res, null, 2));
}
