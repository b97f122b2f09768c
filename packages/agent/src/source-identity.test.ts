import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from './agent.js';
import { CHECKPOINT_FILE } from './checkpoint-store.js';
import { sortingOffset } from './event-id.js';
import { validateConfig, type AgentConfig } from './config.js';
import { createLogger, silentLogger } from './log.js';
import { IngestReceiver, until, type ReceivedEvent } from './testing/ingest-receiver.js';

/**
 * What a source is, for its positions and its event ids: its name, and
 * not its place in the config. A file read by two sources is shipped by
 * each; which of them ships it under the plain ids `f:<identity>:…` is
 * decided once per file and kept in the checkpoint, so that reordering
 * the sources (or adding one before them) does not hand the plain ids to
 * another source, whose lines ingest would then drop as the first one's
 * duplicates. A source renamed (the same files read under another name,
 * or a default name `file-<index>` that moved with the source's place) keeps
 * its positions and event ids, so nothing is read and stored again.
 */
interface Ctx {
  dir: string;
  logs: string;
  file: string;
  receiver: IngestReceiver;
  agent: Agent | null;
  config: (sources: Array<Record<string, unknown>>, extra?: Record<string, unknown>) => AgentConfig;
}

async function setup(t: { after: (fn: () => Promise<void>) => void }): Promise<Ctx> {
  const dir = mkdtempSync(join(tmpdir(), 'ls-agent-srcid-'));
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const receiver = new IngestReceiver();
  await receiver.start();
  const ctx: Ctx = {
    dir, logs, file: join(logs, 'app.log'), receiver, agent: null,
    config: (sources, extra = {}) => validateConfig({
      server: { url: receiver.url }, data_dir: join(dir, 'data'), batch: { max_events: 50, max_age_ms: 20 },
      retry: { initial_backoff_ms: 10, max_backoff_ms: 100 }, shutdown_timeout_ms: 500, metrics: { listen: 'off' },
      sources: sources.map((s) => ({ poll_interval_ms: 50, ...s })), ...extra,
    }),
  };
  t.after(async () => {
    await ctx.agent?.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return ctx;
}

const ALL = (c: Ctx): Record<string, unknown> => ({ type: 'file', name: 'all', include: [join(c.logs, '*.log')], labels: { job: 'all' } });
const ERRORS = (c: Ctx, name = 'errors'): Record<string, unknown> => ({ type: 'file', name, include: [c.file], labels: { job: 'errors' }, include_lines: ['^ERROR'] });
const lines = (from: number, to: number): string => Array.from({ length: to - from }, (_, i) => `${(from + i) % 3 === 0 ? 'ERROR' : 'INFO'} seq=${from + i}\n`).join('');
const byJob = (r: IngestReceiver, job: string): ReceivedEvent[] => [...r.events.values()].filter((e) => e.job === job);
const qualifier = (e: ReceivedEvent): string => /^f:[^:~@]+(~[^:@]*)?(@[0-9a-f]{8})?:/.exec(e['event.id'])![1] ?? '';

function checkpoint(c: Ctx): { positions: Record<string, Record<string, unknown>> } & Record<string, unknown> {
  return JSON.parse(readFileSync(join(c.dir, 'data', CHECKPOINT_FILE), 'utf8')) as { positions: Record<string, Record<string, unknown>> };
}

test('reordering two sources that read one file keeps each one\'s event ids', async (t) => {
  const c = await setup(t);
  writeFileSync(c.file, lines(0, 30));
  c.agent = await Agent.start(c.config([ALL(c), ERRORS(c)]), silentLogger);
  await until(() => c.receiver.events.size === 40, '30 lines of all and 10 of errors');
  await c.agent.stop();
  c.agent = await Agent.start(c.config([ERRORS(c), ALL(c)]), silentLogger);
  appendFileSync(c.file, lines(30, 60));
  await until(() => c.receiver.events.size === 80, '30 more of all and 10 more of errors');
  assert.deepEqual([...new Set(byJob(c.receiver, 'all').map(qualifier))], [''], 'all keeps the plain ids');
  assert.deepEqual([...new Set(byJob(c.receiver, 'errors').map(qualifier))], ['~errors']);
  assert.equal(c.receiver.duplicates, 0);
});

test('a source added before the one shipping a file under the plain ids gets ids of its own: its lines are not dropped as duplicates', async (t) => {
  const c = await setup(t);
  writeFileSync(c.file, lines(0, 30));
  c.agent = await Agent.start(c.config([ALL(c)]), silentLogger);
  await until(() => c.receiver.events.size === 30, '30 lines');
  await c.agent.stop();
  c.agent = await Agent.start(c.config([ERRORS(c), ALL(c)]), silentLogger);
  await until(() => byJob(c.receiver, 'errors').length === 10, 'the 10 errors of the new source');
  appendFileSync(c.file, lines(30, 33));
  await until(() => c.receiver.events.size === 44, 'the new lines of both');
  assert.deepEqual([...new Set(byJob(c.receiver, 'errors').map(qualifier))], ['~errors']);
  assert.deepEqual([...new Set(byJob(c.receiver, 'all').map(qualifier))], ['']);
  assert.equal(c.receiver.duplicates, 0);
});

test('a renamed source keeps its positions and event ids: nothing is read and stored again', async (t) => {
  const c = await setup(t);
  writeFileSync(c.file, lines(0, 30));
  c.agent = await Agent.start(c.config([ALL(c), ERRORS(c)]), silentLogger);
  await until(() => c.receiver.events.size === 40, '40 events');
  await c.agent.stop();
  const logged: string[] = [];
  c.agent = await Agent.start(c.config([ALL(c), ERRORS(c, 'error-lines')]), createLogger('info', (l) => logged.push(l)));
  appendFileSync(c.file, lines(30, 33));
  await until(() => c.receiver.events.size >= 44, 'the 3 new lines of all and the new error');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(c.receiver.events.size, 44, 'the old errors were not stored again under other ids');
  assert.equal(c.receiver.duplicates, 0, 'nor sent again');
  assert.deepEqual([...new Set(byJob(c.receiver, 'errors').map(qualifier))], ['~errors'], 'the file keeps the ids it was shipped under');
  assert.ok(logged.some((l) => l.includes('renamed') && l.includes('error-lines')), logged.join('\n'));
  await c.agent.stop();
  c.agent = null;
  assert.deepEqual(Object.keys(checkpoint(c).positions).map((k) => k.split(':')[0]).sort(), ['all', 'error-lines']);
});

test('unnamed sources swapped in the config (their default names swap) keep their positions', async (t) => {
  const c = await setup(t);
  mkdirSync(join(c.logs, 'a'));
  mkdirSync(join(c.logs, 'b'));
  writeFileSync(join(c.logs, 'a', 'one.log'), lines(0, 20));
  writeFileSync(join(c.logs, 'b', 'two.log'), lines(100, 120));
  const a = { type: 'file', include: [join(c.logs, 'a', '*.log')] };
  const b = { type: 'file', include: [join(c.logs, 'b', '*.log')] };
  c.agent = await Agent.start(c.config([a, b]), silentLogger);
  await until(() => c.receiver.events.size === 40, '40 events');
  await c.agent.stop();
  appendFileSync(join(c.logs, 'a', 'one.log'), lines(20, 25));
  appendFileSync(join(c.logs, 'b', 'two.log'), lines(120, 125));
  c.agent = await Agent.start(c.config([b, a]), silentLogger);
  await until(() => c.receiver.events.size === 50, '50 events');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(c.receiver.duplicates, 0, 'read on from their positions, not from their start');
  assert.equal(c.receiver.events.size, 50);
});

test('a rename on reload while ingest is down: the spooled batches move the renamed source\'s positions', async (t) => {
  const c = await setup(t);
  c.receiver.failure = 'reset';
  writeFileSync(c.file, lines(0, 30));
  const before = c.config([ALL(c), ERRORS(c)], { spool: { memory_batches: 1 }, batch: { max_events: 10, max_age_ms: 20 } });
  c.agent = await Agent.start(before, silentLogger);
  await until(() => c.agent!.metrics.get('lines_read_total', { source: 'errors' }) === 30 && c.agent!.spool.length >= 2, 'batches queued');
  await c.agent.reload(c.config([ERRORS(c, 'error-lines'), ALL(c)], { spool: { memory_batches: 1 }, batch: { max_events: 10, max_age_ms: 20 } }));
  c.receiver.failure = null;
  await until(() => c.receiver.events.size === 40, '40 events');
  appendFileSync(c.file, lines(30, 31));
  await until(() => c.receiver.events.size === 42, 'the new line of each');
  await c.agent.stop();
  c.agent = null;
  const positions = checkpoint(c).positions;
  assert.deepEqual(Object.keys(positions).map((k) => k.split(':')[0]).sort(), ['all', 'error-lines']);
  for (const p of Object.values(positions)) assert.equal(p.offset, statSync(c.file).size);
  assert.deepEqual([...new Set(byJob(c.receiver, 'errors').map(qualifier))], ['~errors']);
  assert.deepEqual([...new Set(byJob(c.receiver, 'all').map(qualifier))], ['']);
});

test('upgrading: positions written by an earlier agent keep the ids it gave their lines', async (t) => {
  const c = await setup(t);
  writeFileSync(c.file, lines(0, 30));
  const first = lines(0, 1);
  const key = `c${createHash('sha256').update(first).digest('hex').slice(0, 20)}`;
  const offsetOf = (i: number): number => Buffer.byteLength(lines(0, i));
  // What the earlier agent sent: every line from both sources, `all` under the plain ids;
  // its checkpoint at line 10 (the batches after it not acknowledged when it stopped).
  const sent = [...Array.from({ length: 30 }, (_, i) => ({ i, job: 'all', id: `f:${key}:${sortingOffset(offsetOf(i))}` })),
    ...Array.from({ length: 30 }, (_, i) => ({ i, job: 'errors', id: `f:${key}~errors:${sortingOffset(offsetOf(i))}` })).filter(({ i }) => i % 3 === 0)];
  const body = sent.map(({ i, job, id }) => JSON.stringify({ '@raw': lines(i, i + 1).trimEnd(), 'event.id': id, job })).join('\n') + '\n';
  await fetch(`${c.receiver.url}/api/v1/ingest`, { method: 'POST', body });
  const st = statSync(c.file);
  const position = { offset: offsetOf(10), path: c.file, dev: st.dev, ino: st.ino, updated_ms: Date.now() };
  mkdirSync(join(c.dir, 'data'));
  writeFileSync(join(c.dir, 'data', CHECKPOINT_FILE), JSON.stringify({ version: 1, id_form: 2, written_at: new Date().toISOString(), positions: { [`all:${key}`]: position, [`errors:${key}`]: position } }));
  c.agent = await Agent.start(c.config([ALL(c), ERRORS(c)]), silentLogger);
  await until(() => c.receiver.duplicates === 20 + 6, 'lines 10-29 of each sent again');
  assert.equal(c.receiver.events.size, 40, 'under the ids they had');
  appendFileSync(c.file, lines(30, 33));
  await until(() => c.receiver.events.size === 44, 'the new lines');
  const fresh = [...c.receiver.events.values()].filter((e) => Number(/seq=(\d+)/.exec(e['@raw'])![1]) >= 30);
  assert.equal(fresh.length, 4);
  assert.ok(fresh.every((e) => /@[0-9a-f]{8}:/.test(e['event.id'])), 'lines written after the upgrade: ids with the host');
  await c.agent.stop();
  c.agent = null;
  assert.deepEqual(Object.entries(checkpoint(c).positions).map(([k, p]) => [k.split(':')[0], p.id_source, p.host_ids_from]).sort(),
    [['all', '', offsetOf(30)], ['errors', 'errors', offsetOf(30)]]);
});

test('two hosts whose files start and go on alike (a cron job\'s log of one fleet) each ship theirs: ids carry the host', async (t) => {
  // The ids were the file's first-line checksum and offsets alone: ingest
  // dropped the second host's lines (same id, same time, or a line without a
  // time of its own) as duplicates of the first's.
  const c = await setup(t);
  const text = 'Backup started\n2026-12-06 03:00:01 INFO copied 120 files\nBackup done\n';
  const agents: Agent[] = [];
  for (const host of ['web-1', 'web-2']) {
    mkdirSync(join(c.logs, host));
    writeFileSync(join(c.logs, host, 'backup.log'), text);
    agents.push(await Agent.start(c.config([{ type: 'file', name: 'backup', include: [join(c.logs, host, '*.log')] }], { host, data_dir: join(c.dir, `data-${host}`) }), silentLogger));
  }
  await until(() => c.receiver.events.size === 6, 'the 3 lines of each host');
  for (const a of agents) await a.stop();
  assert.deepEqual([...c.receiver.events.values()].map((e) => e.host).sort(), ['web-1', 'web-1', 'web-1', 'web-2', 'web-2', 'web-2']);
  assert.equal(c.receiver.duplicates, 0);
});
