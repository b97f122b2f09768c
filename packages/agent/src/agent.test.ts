import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from './agent.js';
import { CHECKPOINT_FILE } from './checkpoint-store.js';
import { validateConfig, type AgentConfig } from './config.js';
import { createLogger, silentLogger } from './log.js';
import { IngestReceiver, until } from './testing/ingest-receiver.js';
import { AGENT_VERSION } from './version.js';

/** Delivery through outages, spool caps, restarts, reloads and metrics. */
interface Ctx {
  dir: string;
  file: string;
  receiver: IngestReceiver;
  agent: Agent | null;
  config: (extra?: Record<string, unknown>) => AgentConfig;
}

async function setup(t: { after: (fn: () => Promise<void>) => void }): Promise<Ctx> {
  const dir = mkdtempSync(join(tmpdir(), 'ls-agent-dl-'));
  mkdirSync(join(dir, 'logs'));
  const receiver = new IngestReceiver();
  await receiver.start();
  const ctx: Ctx = {
    dir, file: join(dir, 'logs', 'app.log'), receiver, agent: null,
    config: (extra = {}) => validateConfig({
      server: { url: receiver.url },
      data_dir: join(dir, 'data'),
      batch: { max_events: 50, max_age_ms: 20 },
      retry: { initial_backoff_ms: 10, max_backoff_ms: 100 },
      shutdown_timeout_ms: 500,
      sources: [{ type: 'file', name: 'app', include: [join(dir, 'logs', '*.log')], poll_interval_ms: 50 }],
      // On by default at 127.0.0.1:9477: tests that want it pick a free port.
      metrics: { listen: 'off' },
      ...extra,
    }),
  };
  t.after(async () => {
    await ctx.agent?.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return ctx;
}

const lines = (from: number, to: number): string => {
  let s = '';
  for (let i = from; i < to; i++) s += `event seq=${i} ${'y'.repeat(100)}\n`;
  return s;
};
const seqs = (r: IngestReceiver): number[] => r.raws().map((raw) => Number(/seq=(\d+)/.exec(raw)![1])).sort((a, b) => a - b);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function spoolDirBytes(dir: string): number {
  const spool = join(dir, 'data', 'spool');
  let n = 0;
  for (const f of readdirSync(spool)) if (f.endsWith('.batch')) { try { n += statSync(join(spool, f)).size; } catch { /* delivered meanwhile */ } }
  return n;
}

test('ingest down: batches spool to disk under the cap (block), then every line arrives once', async (t) => {
  const c = await setup(t);
  c.receiver.failure = 'reset';
  writeFileSync(c.file, lines(0, 3000));
  const cap = 40_000;
  c.agent = await Agent.start(c.config({ spool: { max_bytes: cap, memory_batches: 2 } }), silentLogger);
  let maxSeen = 0;
  await until(() => {
    maxSeen = Math.max(maxSeen, spoolDirBytes(c.dir));
    return c.agent!.spool.diskBytes > cap / 2 && c.receiver.failedRequests > 3;
  }, 'the spool to fill');
  for (let i = 0; i < 20; i++) {
    maxSeen = Math.max(maxSeen, spoolDirBytes(c.dir));
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(maxSeen <= cap, `spool stayed under its cap (${maxSeen} <= ${cap})`);
  assert.ok(c.receiver.events.size === 0);
  c.receiver.failure = null;
  await until(() => c.receiver.events.size === 3000, '3000 events');
  assert.deepEqual(seqs(c.receiver), range(3000));
  assert.ok(c.agent.metrics.get('batches_retried_total') > 0);
  await until(() => c.agent!.spool.diskBytes === 0, 'an empty spool');
});

test('stopping while a full spool blocks reading does not hang, and nothing is lost', async (t) => {
  const c = await setup(t);
  c.receiver.failure = 'reset';
  writeFileSync(c.file, lines(0, 3000));
  c.agent = await Agent.start(c.config({ spool: { max_bytes: 20_000, memory_batches: 1 } }), silentLogger);
  await until(() => c.agent!.spool.diskBytes > 10_000 && c.agent!.blocked, 'a full spool blocking the reader');
  await c.agent.stop();
  c.receiver.failure = null;
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.receiver.events.size === 3000, '3000 after the restart');
  assert.deepEqual(seqs(c.receiver), range(3000));
});

test('a batch refused as too large (413) is split and sent again, not dropped', async (t) => {
  const c = await setup(t);
  c.receiver.maxBodyBytes = 1500;
  writeFileSync(c.file, Array.from({ length: 200 }, (_, i) => `event seq=${i} ${Math.random().toString(36).repeat(6)}\n`).join(''));
  c.agent = await Agent.start(c.config({ batch: { max_events: 200, max_age_ms: 50 } }), silentLogger);
  await until(() => c.receiver.events.size === 200, '200 events');
  assert.ok(c.receiver.failedRequests > 0, 'some bodies were refused as too large');
  assert.equal(c.agent.metrics.get('batches_rejected_total'), 0);
  assert.deepEqual(seqs(c.receiver), range(200));
});

test('drop_oldest drops whole spooled batches at the cap and counts their events', async (t) => {
  const c = await setup(t);
  c.receiver.failure = { status: 503 };
  writeFileSync(c.file, lines(0, 2000));
  c.agent = await Agent.start(c.config({ spool: { max_bytes: 20_000, when_full: 'drop_oldest', memory_batches: 1 } }), silentLogger);
  await until(() => c.agent!.spool.droppedEvents > 0, 'drops');
  await until(() => c.agent!.metrics.get('lines_read_total', { source: 'app' }) === 2000, 'all lines read');
  c.receiver.failure = null;
  await until(() => c.agent!.spool.length === 0 && c.receiver.events.size > 0, 'queue drained');
  await new Promise((r) => setTimeout(r, 100));
  const dropped = c.agent.metrics.get('spool_dropped_events_total');
  assert.equal(c.receiver.events.size + dropped, 2000, 'every line is either delivered or counted as dropped');
  assert.ok(dropped > 0 && dropped < 2000);
});

test('Retry-After is honoured and a permanent 4xx drops the batch loudly but moves on', async (t) => {
  const c = await setup(t);
  c.receiver.failure = { status: 429, retryAfterS: 1 };
  writeFileSync(c.file, lines(0, 10));
  const logged: string[] = [];
  c.agent = await Agent.start(c.config(), createLogger('info', (l) => logged.push(l)));
  await until(() => c.receiver.failedRequests >= 1, 'a 429');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(c.receiver.failedRequests, 1, 'no retry before Retry-After');
  c.receiver.failure = { status: 400 };
  await until(() => c.agent!.metrics.get('batches_rejected_total') === 1, 'a rejected batch');
  assert.ok(logged.some((l) => l.includes('LS_AGENT_INGEST_REJECTED')));
  c.receiver.failure = null;
  appendFileSync(c.file, lines(10, 20));
  await until(() => c.receiver.events.size === 10, 'later lines');
  assert.deepEqual(seqs(c.receiver), range(20).slice(10));
});

test('stopped while ingest is down: the spool survives the restart and is delivered', async (t) => {
  const c = await setup(t);
  c.receiver.failure = 'reset';
  writeFileSync(c.file, lines(0, 500));
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.agent!.metrics.get('lines_read_total', { source: 'app' }) === 500 && c.agent!.spool.length === 10, 'queued');
  await c.agent.stop();
  assert.ok(readdirSync(join(c.dir, 'data', 'spool')).filter((f) => f.endsWith('.batch')).length === 10);
  // Remove the source file: only the spool can deliver these lines now.
  rmSync(c.file);
  c.receiver.failure = null;
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.receiver.events.size === 500, '500 from the spool');
  assert.deepEqual(seqs(c.receiver), range(500));
});

test('a corrupt checkpoint is reported and the agent recovers (ids are stable, so ingest dedups)', async (t) => {
  const c = await setup(t);
  writeFileSync(c.file, lines(0, 100));
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.receiver.events.size === 100, '100');
  await c.agent.stop();
  writeFileSync(join(c.dir, 'data', CHECKPOINT_FILE), '\u0000garbage');
  appendFileSync(c.file, lines(100, 150));
  const logged: string[] = [];
  c.agent = await Agent.start(c.config(), createLogger('info', (l) => logged.push(l)));
  await until(() => c.receiver.events.size === 150, '150');
  assert.ok(logged.some((l) => l.includes('LS_AGENT_CHECKPOINT_CORRUPT')));
  assert.deepEqual(seqs(c.receiver), range(150));
});

test('reload keeps positions: nothing re-sent, nothing skipped, new labels apply', async (t) => {
  const c = await setup(t);
  writeFileSync(c.file, lines(0, 100));
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.receiver.events.size === 100, '100');
  const base = c.config();
  const src = base.sources[0]!;
  await c.agent.reload({ ...base, sources: [{ ...src, labels: { job: 'reloaded' } } as typeof src] });
  appendFileSync(c.file, lines(100, 120));
  await until(() => c.receiver.events.size === 120, '120');
  assert.equal(c.receiver.duplicates, 0);
  const after = [...c.receiver.events.values()].filter((e) => e.job === 'reloaded').length;
  assert.equal(after, 20);
});

test('health and Prometheus metrics on metrics.listen', async (t) => {
  const c = await setup(t);
  writeFileSync(c.file, lines(0, 30));
  c.agent = await Agent.start(c.config({ metrics: { listen: '127.0.0.1:0' } }), silentLogger);
  await until(() => c.receiver.events.size === 30, '30');
  const base = `http://127.0.0.1:${c.agent.metricsPort}`;
  const health = (await (await fetch(`${base}/health`)).json()) as { status: string };
  assert.equal(health.status, 'healthy');
  const text = await (await fetch(`${base}/metrics`)).text();
  assert.match(text, /^logship_agent_lines_read_total\{source="app"\} 30$/m);
  assert.match(text, /^logship_agent_events_shipped_total\{source="app"\} 30$/m);
  assert.match(text, new RegExp(`^logship_agent_build_info\\{version="${AGENT_VERSION}",node="${process.version}"\\} 1$`, 'm'));
  assert.match(text, /^logship_agent_files_watched\{source="app"\} 1$/m);
  assert.match(text, /^logship_agent_spool_bytes 0$/m);
  assert.match(text, /^# TYPE logship_agent_batches_retried_total counter$/m);
});

test('/files lists each followed file with how far it is read and acknowledged; an unknown path names the routes', async (t) => {
  // Promtail has /targets; the agent had only per-source counts, and which
  // file was followed how far needed checkpoints.json, keyed by identity.
  const c = await setup(t);
  writeFileSync(c.file, lines(0, 30));
  c.agent = await Agent.start(c.config({ metrics: { listen: '127.0.0.1:0' } }), silentLogger);
  await until(() => c.receiver.events.size === 30, '30');
  const base = `http://127.0.0.1:${c.agent.metricsPort}`;
  const size = statSync(c.file).size;
  let files: { sources: Record<string, Array<Record<string, unknown>>> } = { sources: {} };
  await until(async () => {
    files = (await (await fetch(`${base}/files`)).json()) as typeof files;
    return files.sources.app?.[0]?.acknowledged_offset === size;
  }, 'the file acknowledged to its end');
  assert.deepEqual(Object.keys(files.sources), ['app']);
  assert.equal(files.sources.app!.length, 1);
  const [f] = files.sources.app!;
  assert.equal(f!.path, c.file);
  assert.equal(f!.source_path, c.file);
  assert.equal(f!.read_offset, size);
  assert.equal(f!.rotated, false);
  const missing = await fetch(`${base}/status`);
  assert.equal(missing.status, 404);
  assert.deepEqual(((await missing.json()) as { routes: string[] }).routes, ['/health', '/metrics', '/files']);
  // `curl -I`, and uptime checkers that probe with HEAD: the GET's status and headers, no body.
  for (const path of ['/health', '/metrics', '/files']) {
    const head = await fetch(`${base}${path}`, { method: 'HEAD' });
    assert.equal(head.status, 200, path);
    assert.equal(await head.text(), '');
  }
  const post = await fetch(`${base}/health`, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
});

test('/health answers 503 degraded with the reason while ingest refuses for longer than max_delivery_lag_s, then healthy', async (t) => {
  const c = await setup(t);
  c.receiver.failure = { status: 503 };
  writeFileSync(c.file, lines(0, 30));
  c.agent = await Agent.start(c.config({ metrics: { listen: '127.0.0.1:0' }, health: { max_delivery_lag_s: 1 } }), silentLogger);
  const url = `http://127.0.0.1:${c.agent.metricsPort}/health`;
  await until(() => c.receiver.failedRequests >= 1, 'a refused attempt');
  let res = await fetch(url);
  assert.equal(res.status, 200, 'not degraded before max_delivery_lag_s');
  await res.text();
  await new Promise((r) => setTimeout(r, 1300));
  res = await fetch(url);
  const h = (await res.json()) as { status: string; reasons: string[] };
  assert.equal(res.status, 503);
  assert.equal(h.status, 'degraded');
  assert.match(h.reasons.join('\n'), /ingest has not taken a batch for \d+ s \(health\.max_delivery_lag_s: 1\); the last attempt: HTTP 503/);
  c.receiver.failure = null;
  await until(() => c.receiver.events.size === 30, '30 events');
  res = await fetch(url);
  assert.equal(res.status, 200);
  assert.deepEqual(((await res.json()) as { reasons: string[] }).reasons, []);
});

test('a request that never gets an answer times out and is retried', async (t) => {
  const c = await setup(t);
  c.receiver.failure = 'hang';
  writeFileSync(c.file, lines(0, 20));
  const base = c.config();
  c.agent = await Agent.start({ ...base, server: { ...base.server, timeout_ms: 200 } }, silentLogger);
  await until(() => c.receiver.failedRequests >= 2, 'two attempts that hang');
  c.receiver.failure = null;
  await until(() => c.receiver.events.size === 20, '20 events');
  assert.ok(c.agent.metrics.get('batches_retried_total') >= 2);
});

test('a wrong token (401) is retried, not dropped: the lines arrive once it is fixed', async (t) => {
  const c = await setup(t);
  c.receiver.failure = { status: 401 };
  writeFileSync(c.file, lines(0, 30));
  const logged: string[] = [];
  c.agent = await Agent.start(c.config(), createLogger('info', (l) => logged.push(l)));
  await until(() => c.receiver.failedRequests >= 3, 'three refused attempts');
  assert.equal(c.agent.metrics.get('batches_rejected_total'), 0);
  assert.ok(logged.some((l) => l.includes('"level":"error"') && l.includes('server.token')));
  c.receiver.failure = null;
  await until(() => c.receiver.events.size === 30, '30 events');
});

test('the byte order mark, shared-file and compressed-file notices are said once per file, not again on every reload', async (t) => {
  const c = await setup(t);
  writeFileSync(c.file, lines(0, 5));
  writeFileSync(join(c.dir, 'logs', 'win.log'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('from windows\n', 'utf16le')]));
  writeFileSync(join(c.dir, 'logs', 'old.log'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]));
  const logged: string[] = [];
  const config = c.config({
    sources: [
      { type: 'file', name: 'app', include: [join(c.dir, 'logs', '*.log')], poll_interval_ms: 50 },
      { type: 'file', name: 'again', include: [c.file], labels: { job: 'again' }, poll_interval_ms: 50 },
    ],
  });
  c.agent = await Agent.start(config, createLogger('info', (l) => logged.push(l)));
  await until(() => c.receiver.events.size === 11, '5 lines of each source and the UTF-16 one');
  const count = (msg: string): number => logged.filter((l) => l.includes(msg)).length;
  const said = (): number[] => [count('byte order mark'), count('read by two sources'), count('compressed file')];
  assert.deepEqual(said(), [1, 1, 1]);
  await c.agent.reload(config);
  await c.agent.reload({ ...config, batch: { ...config.batch, max_events: 40 } });
  appendFileSync(c.file, lines(5, 6));
  await until(() => c.receiver.events.size === 13, 'a line after the reloads, from each source');
  assert.deepEqual(said(), [1, 1, 1], logged.filter((l) => /byte order|two sources|compressed/.test(l)).join('\n'));
});
