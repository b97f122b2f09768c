/**
 * Ingest over HTTPS beside plain HTTP on the same corpus (scripts/corpus.mjs):
 * the native NDJSON route of a fresh `logship serve` (SQLite) over HTTP, over
 * HTTPS (TLS 1.3, a P-256 certificate from a throwaway openssl CA) and over
 * HTTPS with mutual TLS. Clients keep their connections alive, as the agent
 * does, so the handshake is paid once per connection and the figure is the
 * cost of encryption per byte. Bodies are gzipped before the clock starts.
 *
 *   node bench/tls.bench.mjs [--quick] [--events N] [--rounds R]
 *
 * Also picked up by bench/run.mjs (exports `run`). Needs `tsc -b` and openssl.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { generateCorpus } from '../scripts/corpus.mjs';
import { cpuMs, peakRssMiB } from './lib/proc-stats.mjs';
import { freePort, waitFor } from './lib/processes.mjs';

const BATCH = 5000;
const IN_FLIGHT = 2;

async function makeCerts(dir) {
  const ossl = (args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ossl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=bench CA']);
  await writeFile(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await writeFile(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [['server', '127.0.0.1'], ['client', 'bench-agent']]) {
    ossl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    ossl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
  }
  const read = (f) => readFile(join(dir, f));
  return { dir, ca: await read('ca.pem'), clientCert: await read('client.pem'), clientKey: await read('client.key') };
}

function post(url, agent, body, tls) {
  const u = new URL(url);
  return new Promise((res, rej) => {
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, {
      method: 'POST', agent, ...tls,
      headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip', 'content-length': body.length },
    }, (r) => {
      let text = '';
      r.on('data', (d) => { text += d; });
      r.on('end', () => (r.statusCode === 200 ? res(text) : rej(new Error(`${r.statusCode} ${text}`))));
    });
    req.on('error', rej);
    req.end(body);
  });
}

async function once({ root, dir, c, requests, events, certs }) {
  const port = await freePort();
  const dataDir = join(dir, `data-${c.key}-${port}`);
  const args = ['serve', '--data', dataDir, '--listen', `127.0.0.1:${port}`];
  if (c.tls) args.push('--tls-cert-file', join(certs.dir, 'server.pem'), '--tls-key-file', join(certs.dir, 'server.key'));
  if (c.mutual) args.push('--tls-client-ca-file', join(certs.dir, 'ca.pem'));
  const proc = spawn(process.execPath, [join(root, 'packages/ingest/bin/logship.js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => { out = (out + d).slice(-20000); });
  proc.stderr.on('data', (d) => { out = (out + d).slice(-20000); });
  const url = `${c.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const tls = c.tls ? { ca: certs.ca, ...(c.mutual ? { cert: certs.clientCert, key: certs.clientKey } : {}) } : {};
  const agent = c.tls ? new HttpsAgent({ keepAlive: true, maxSockets: IN_FLIGHT, ...tls }) : new HttpAgent({ keepAlive: true, maxSockets: IN_FLIGHT });
  try {
    await waitFor(() => /logship listening on/.test(out), 60_000).catch(() => { throw new Error(`server did not start:\n${out}`); });
    const t0 = performance.now();
    const c0 = cpuMs(proc.pid);
    let next = 0;
    let stored = 0;
    const worker = async () => {
      while (next < requests.length) {
        const answer = JSON.parse(await post(`${url}/api/v1/ingest`, agent, requests[next++], tls));
        stored += answer.stored + answer.duplicates;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const wallS = (performance.now() - t0) / 1000;
    const cpuS = (cpuMs(proc.pid) - c0) / 1000;
    return {
      transport: c.name,
      events,
      'stored + duplicates': stored,
      'events/s': Math.round(events / wallS),
      seconds: Math.round(wallS * 100) / 100,
      'server CPU (cores)': Math.round((cpuS / wallS) * 100) / 100,
      'server CPU µs/event': Math.round((cpuS * 1e6) / events),
      'server peak RSS MiB': peakRssMiB(proc.pid),
    };
  } finally {
    agent.destroy();
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
  }
}

export async function run({ root, quick = false, work = tmpdir(), events: wanted, rounds: wantedRounds }) {
  const events = wanted ?? (quick ? 50_000 : 200_000);
  const rounds = wantedRounds ?? (quick ? 1 : 3);
  const dir = join(work, `tls-bench-${process.pid}`);
  await mkdir(dir, { recursive: true });
  try {
    const certs = await makeCerts(dir);
    const corpus = [...generateCorpus({ events, days: 1, seed: 7, endMs: Date.now() - 60_000 })];
    const requests = [];
    for (let i = 0; i < corpus.length; i += BATCH) requests.push(gzipSync(corpus.slice(i, i + BATCH).map((e) => e.line).join('\n') + '\n', { level: 3 }));
    const cases = [
      { key: 'http', name: 'HTTP' },
      { key: 'https', name: 'HTTPS (TLS 1.3, P-256)', tls: true },
      { key: 'mtls', name: 'HTTPS + mutual TLS', tls: true, mutual: true },
    ];
    // Every transport in turn each round (reversed every other round), so a
    // busy spell on a shared machine does not land on one only; the row is
    // the median round by events/s.
    const byKey = new Map(cases.map((c) => [c.key, []]));
    for (let round = 0; round < rounds; round++) {
      for (const c of round % 2 === 0 ? cases : [...cases].reverse()) byKey.get(c.key).push(await once({ root, dir, c, requests, events, certs }));
    }
    const rows = cases.map((c) => {
      const all = byKey.get(c.key).sort((a, b) => a['events/s'] - b['events/s']);
      const mid = all[Math.floor(all.length / 2)];
      return { ...mid, 'events/s (min–max)': `${all[0]['events/s']}–${all[all.length - 1]['events/s']}`, rounds: all.length };
    });
    return {
      command: `node bench/tls.bench.mjs${quick ? ' --quick' : ''}${wanted ? ` --events ${wanted}` : ''}${wantedRounds ? ` --rounds ${wantedRounds}` : ''}`,
      description:
        `${events.toLocaleString('en-US')} raw lines of scripts/corpus.mjs (seed 7, one day) POSTed to /api/v1/ingest of a fresh logship serve (SQLite) in gzip (level 3) batches of ${BATCH}, ${IN_FLIGHT} requests in flight on kept-alive connections (as the agent keeps its one): plain HTTP, HTTPS (TLS 1.3, a P-256 certificate of a throwaway openssl CA) and HTTPS with mutual TLS (a client certificate of the same CA). ` +
        'Bodies are gzipped before the clock starts; the clock stops when the last batch is acknowledged (committed). Server CPU is utime+stime of the server process over the span. ' +
        `${rounds} round(s), transports in turn (reversed every other round); each row is the median round by events/s, with the min–max. On a shared machine wall time swings with other load; server CPU µs/event is the steadier figure.`,
      rows,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, events: { type: 'string' }, rounds: { type: 'string' } } });
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const res = await run({ root, quick: values.quick, events: values.events ? Number(values.events) : undefined, rounds: values.rounds ? Number(values.rounds) : undefined });
  console.log(JSON.stringify(res, null, 2));
}
