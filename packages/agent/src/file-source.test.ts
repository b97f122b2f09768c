import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Agent } from './agent.js';
import { CheckpointStore } from './checkpoint-store.js';
import { validateConfig, type FileSourceConfig } from './config.js';
import type { EventSink } from './event-sink.js';
import { FileSource } from './file-source.js';
import { hostTag } from './file-event-ids.js';
import { Metrics } from './metrics.js';
import { Notices } from './notices.js';
import { silentLogger } from './log.js';
import { IngestReceiver, until } from './testing/ingest-receiver.js';

/**
 * The file source through the whole agent (real files, real rotation, a
 * real HTTP receiver): each scenario counts what arrived.
 */
interface Ctx {
  dir: string;
  logs: string;
  receiver: IngestReceiver;
  agent: Agent | null;
  config: (extra?: Record<string, unknown>, source?: Record<string, unknown>) => ReturnType<typeof validateConfig>;
}

async function setup(t: { after: (fn: () => Promise<void>) => void }): Promise<Ctx> {
  const dir = mkdtempSync(join(tmpdir(), 'ls-agent-fs-'));
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const receiver = new IngestReceiver();
  await receiver.start();
  const ctx: Ctx = {
    dir, logs, receiver, agent: null,
    config: (extra = {}, source = {}) => validateConfig({
      server: { url: receiver.url, token: 'secret-token' },
      data_dir: join(dir, 'data'),
      host: 'test-host',
      batch: { max_events: 500, max_age_ms: 20 },
      retry: { initial_backoff_ms: 20, max_backoff_ms: 200 },
      shutdown_timeout_ms: 2000,
      sources: [{
        type: 'file', name: 'app', include: [`${logs}/app.log*`], labels: { job: 'unit' },
        poll_interval_ms: 50, partial_line_flush_ms: 150, close_idle_ms: 60_000, ...source,
      }],
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

const line = (i: number): string => `2026-02-08T12:00:00.000Z INFO seq=${i} ${'x'.repeat(40)}`;
function lines(from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += line(i) + '\n';
  return s;
}

function seqs(r: IngestReceiver): number[] {
  return r.raws().map((raw) => Number(/seq=(\d+)/.exec(raw)?.[1] ?? -1)).sort((a, b) => a - b);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

test('appended lines arrive once, gzipped, with token, labels and stable ids; a restart resumes exactly', async (t) => {
  const c = await setup(t);
  const file = join(c.logs, 'app.log');
  writeFileSync(file, lines(0, 1000));
  c.agent = await Agent.start(c.config(), silentLogger);
  appendFileSync(file, lines(1000, 2000));
  await until(() => c.receiver.events.size === 2000, '2000 events');
  assert.equal(c.receiver.lastEncoding, 'gzip');
  assert.equal(c.receiver.lastAuthorization, 'Bearer secret-token');
  const ev = [...c.receiver.events.values()].find((e) => e['@raw'] === line(0))!;
  assert.equal(ev.host, 'test-host');
  assert.equal(ev.source, file);
  assert.equal(ev.job, 'unit');
  // The host's tag after the identity, the offset after a letter giving its digit count (event-id.ts).
  assert.equal(ev['event.id'], `f:${/^f:(c[0-9a-f]{20})@/.exec(ev['event.id'])?.[1]}@${hostTag('test-host')}:A0`);
  await c.agent.stop();
  appendFileSync(file, lines(2000, 2500));
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.receiver.events.size === 2500, '2500 events');
  assert.deepEqual(seqs(c.receiver), range(0, 2500));
  assert.equal(c.receiver.duplicates, 0, 'a graceful restart sends nothing twice');
});

test('rotation by rename while writing: the old file is finished, the new one followed', async (t) => {
  const c = await setup(t);
  const file = join(c.logs, 'app.log');
  writeFileSync(file, '');
  c.agent = await Agent.start(c.config(), silentLogger);
  let next = 0;
  for (let r = 1; r <= 10; r++) {
    for (let k = 0; k < 10; k++) { appendFileSync(file, lines(next, next + 100)); next += 100; }
    renameSync(file, `${file}.${r}`);
    writeFileSync(file, '');
  }
  appendFileSync(file, lines(next, next + 100));
  next += 100;
  await until(() => c.receiver.events.size >= next, `${next} events`);
  assert.deepEqual(seqs(c.receiver), range(0, next));
});

test('copytruncate: the copy supplies what was not read yet; no duplicates', async (t) => {
  const c = await setup(t);
  const file = join(c.logs, 'app.log');
  writeFileSync(file, lines(0, 100));
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.receiver.events.size === 100, 'first 100');
  let next = 100;
  for (let r = 1; r <= 5; r++) {
    appendFileSync(file, lines(next, next + 500));
    next += 500;
    copyFileSync(file, `${file}.${r}`);
    truncateSync(file, 0);
    appendFileSync(file, lines(next, next + 10));
    next += 10;
  }
  await until(() => c.receiver.events.size >= next, `${next} events`);
  assert.deepEqual(seqs(c.receiver), range(0, next));
  assert.equal(c.receiver.duplicates, 0);
});

test('truncation in place and atomic replacement start the new content from its beginning', async (t) => {
  const c = await setup(t);
  const file = join(c.logs, 'app.log');
  writeFileSync(file, lines(0, 50));
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.receiver.events.size === 50, '50');
  truncateSync(file, 0);
  appendFileSync(file, lines(50, 60));
  await until(() => c.receiver.events.size === 60, '60 after truncate');
  writeFileSync(join(c.logs, 'tmp'), lines(60, 80));
  renameSync(join(c.logs, 'tmp'), file);
  await until(() => c.receiver.events.size === 80, '80 after replace');
  assert.deepEqual(seqs(c.receiver), range(0, 80));
});

test('a deleted file is read to its end and its handle released', async (t) => {
  const c = await setup(t);
  const file = join(c.logs, 'app.log.old');
  writeFileSync(file, lines(0, 300));
  c.agent = await Agent.start(c.config(), silentLogger);
  unlinkSync(file);
  await until(() => c.receiver.events.size === 300, '300');
  await until(() => openHandles(c) === 0, 'the handle of the deleted file is released');
});

/** Handles this process holds on files under the test's log folder. */
function openHandles(c: Ctx): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${process.pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${process.pid}/fd/${fd}`);
      if (target.startsWith(c.logs)) n++;
    } catch { /* closed meanwhile */ }
  }
  return n;
}

test('a last line without newline is emitted once idle; start_position end skips old lines', async (t) => {
  const c = await setup(t);
  const file = join(c.logs, 'app.log');
  writeFileSync(file, lines(0, 10));
  c.agent = await Agent.start(c.config({}, { start_position: 'end' }), silentLogger);
  appendFileSync(file, lines(10, 12) + line(12));
  await until(() => c.receiver.events.size === 3, 'three events after start');
  assert.deepEqual(seqs(c.receiver), [10, 11, 12]);
  appendFileSync(file, '\n' + lines(13, 14));
  await until(() => c.receiver.events.size === 4, 'the line after the partial one');
  assert.deepEqual(seqs(c.receiver), [10, 11, 12, 13]);
});

test('long lines are split into flagged parts, never dropped', async (t) => {
  const c = await setup(t);
  const file = join(c.logs, 'app.log');
  writeFileSync(file, 'a'.repeat(250) + '\nshort\n');
  c.agent = await Agent.start(c.config({}, { max_line_bytes: 100 }), silentLogger);
  await until(() => c.receiver.events.size === 4, '4 events');
  const offset = (id: string): number => Number(id.split(':')[2]!.slice(1));
  const evs = [...c.receiver.events.values()].sort((a, b) => offset(a['event.id']) - offset(b['event.id']));
  assert.deepEqual(evs.map((e) => [e['@raw'].length, e['@truncated'] ?? false]), [[100, true], [100, true], [50, true], [5, false]]);
  assert.equal(c.agent.metrics.get('lines_truncated_total', { source: 'app' }), 3);
});

test('a copy of an idle file is not mistaken for its rotation; copytruncate of an idle file loses nothing', async (t) => {
  const c = await setup(t);
  const file = join(c.logs, 'app.log');
  writeFileSync(file, lines(0, 100));
  c.agent = await Agent.start(c.config({}, { close_idle_ms: 100 }), silentLogger);
  await until(() => c.receiver.events.size === 100, '100');
  await until(() => openHandles(c) === 0, 'the idle handle is released');
  // A plain copy (same first line) while the original stays in place.
  copyFileSync(file, `${file}.bak`);
  await new Promise((r) => setTimeout(r, 300));
  appendFileSync(file, lines(100, 150));
  await until(() => c.receiver.events.size === 150, 'lines appended to the original after the copy');
  await until(() => openHandles(c) === 0, 'idle again');
  // copytruncate of the idle file, then new content.
  appendFileSync(file, lines(150, 160));
  copyFileSync(file, `${file}.1`);
  truncateSync(file, 0);
  appendFileSync(file, lines(160, 200));
  await until(() => c.receiver.events.size === 200, '200');
  assert.deepEqual(seqs(c.receiver), range(0, 200));
  assert.equal(c.receiver.duplicates, 0);
});

test('renamed out of the include while its handle is released: read on where it went (its directory, rotated_dirs), exactly once', async (t) => {
  const c = await setup(t);
  const file = join(c.logs, 'app.log');
  const olddir = join(c.dir, 'old');
  mkdirSync(olddir);
  writeFileSync(file, lines(0, 100));
  c.agent = await Agent.start(c.config({}, { include: [file], close_idle_ms: 100, rotated_dirs: [olddir] }), silentLogger);
  await until(() => c.receiver.events.size === 100, '100');
  await until(() => openHandles(c) === 0, 'the idle handle is released');
  // Appended while released, then renamed before the agent read them (as
  // if the append's change event came after the rename); a new file at the
  // path; the application writes on to its descriptor of the renamed file.
  appendFileSync(file, lines(100, 120));
  renameSync(file, `${file}.1`);
  writeFileSync(file, '');
  appendFileSync(`${file}.1`, lines(120, 150));
  appendFileSync(file, lines(150, 200));
  await until(() => c.receiver.events.size === 200, 'the renamed file read to its end, the new one from its start');
  await until(() => openHandles(c) === 0, 'both released once idle');
  // logrotate olddir: moved to another directory while released.
  appendFileSync(file, lines(200, 210));
  renameSync(file, join(olddir, 'app.log.1'));
  appendFileSync(join(olddir, 'app.log.1'), lines(210, 220));
  writeFileSync(file, lines(220, 230));
  await until(() => c.receiver.events.size === 230, 'the file moved to rotated_dirs read to its end');
  assert.deepEqual(seqs(c.receiver), range(0, 230));
  assert.equal(c.receiver.duplicates, 0);
});

test('files that share a header line are told apart (and keep their identity across a restart)', async (t) => {
  const c = await setup(t);
  const header = '# service log v1\n';
  const a = join(c.logs, 'app.log.a');
  const b = join(c.logs, 'app.log.b');
  writeFileSync(a, header + lines(0, 50));
  writeFileSync(b, header + lines(50, 100));
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.receiver.events.size === 102, 'both files, each with its header line');
  appendFileSync(b, lines(100, 110));
  await until(() => c.receiver.events.size === 112, 'appended to the second file');
  await c.agent.stop();
  appendFileSync(a, lines(110, 120));
  appendFileSync(b, lines(120, 130));
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.receiver.events.size === 132, 'after the restart');
  assert.deepEqual(seqs(c.receiver).filter((s) => s >= 0), range(0, 130));
  assert.equal(c.receiver.duplicates, 0);
});

test('copytruncate: a copy found after the original was truncated and rewritten, before the agent noticed, continues its identity', async (t) => {
  // The interleaving of a failed end-to-end run, made deterministic: the
  // agent read app.log; copytruncate copied it to app.log.1, truncated it
  // and the writer went on; the check of the copy ran before the check of
  // app.log. The copy was compared with what app.log holds *now* (new
  // content), taken for a different file with a shared header line, and
  // read from its beginning under a new identity: every line already
  // shipped went out twice.
  const c = await setup(t);
  const file = join(c.logs, 'app.log');
  writeFileSync(file, lines(0, 300));
  const emitted: Array<{ id: string; raw: string }> = [];
  const sink: EventSink = {
    emit(envelope) {
      const ev = JSON.parse(envelope) as Record<string, string>;
      emitted.push({ id: ev['event.id']!, raw: ev['@raw']! });
    },
    skip: () => undefined,
    blocked: false,
    closing: false,
    waitForRoom: () => Promise.resolve(),
  };
  const config = c.config().sources[0] as FileSourceConfig;
  const checkpoints = await CheckpointStore.open(join(c.dir, 'data'), silentLogger);
  const source = new FileSource(config, { host: 'test-host', checkpoints, sink, metrics: new Metrics(), log: silentLogger, notices: new Notices() });
  const checking = (source as unknown as { checking: Map<string, Promise<void>> }).checking;
  const settle = async (): Promise<void> => {
    while (checking.size > 0) await Promise.all([...checking.values()]);
  };
  source.check(file);
  await settle();
  assert.equal(emitted.length, 300);
  appendFileSync(file, lines(300, 400)); // not read yet: the copy supplies it
  copyFileSync(file, `${file}.1`);
  truncateSync(file, 0);
  appendFileSync(file, lines(400, 450));
  source.check(`${file}.1`);
  await settle();
  source.check(file);
  await settle();
  await source.stop();
  const raws = emitted.map((e) => Number(/seq=(\d+)/.exec(e.raw)?.[1] ?? -1)).sort((a, b) => a - b);
  assert.deepEqual(raws, range(0, 450), 'every line once');
  assert.equal(new Set(emitted.map((e) => e.id)).size, emitted.length);
});

/** A CSV log: the same header line first in every file, then `n` rows of `run`. */
const csv = (run: string, n: number): string => `time,level,message\n${Array.from({ length: n }, (_, i) => `t${i},info,${run} row ${i}\n`).join('')}`;
const rowsOf = (r: IngestReceiver, run: string): number => r.raws().filter((raw) => raw.includes(`,${run} row `)).length;

test('a log created again with the same first line (a CSV header) is another file: deleted, truncated in place, or either while stopped', async (t) => {
  // Taken for the file read before, it was read from that file's offset
  // (or not at all while shorter), or its lines got that file's event ids
  // and ingest dropped them as duplicates.
  const c = await setup(t);
  const file = join(c.logs, 'app.log');
  writeFileSync(file, csv('first', 50));
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => rowsOf(c.receiver, 'first') === 50, 'the first file');
  truncateSync(file, 0);
  writeFileSync(file, csv('truncated', 10));
  await until(() => rowsOf(c.receiver, 'truncated') === 10, 'the file truncated and written again');
  unlinkSync(file);
  writeFileSync(file, csv('deleted', 10));
  await until(() => rowsOf(c.receiver, 'deleted') === 10, 'the file created again');
  appendFileSync(file, Array.from({ length: 40 }, (_, i) => `u${i},info,deleted row ${10 + i}\n`).join(''));
  await until(() => rowsOf(c.receiver, 'deleted') === 50, 'its later rows');
  await c.agent.stop();
  unlinkSync(file);
  writeFileSync(file, csv('stopped', 5));
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => rowsOf(c.receiver, 'stopped') === 5, 'the file created again while the agent was stopped');
  await until(() => c.receiver.raws().filter((r) => r.startsWith('time,')).length === 4, 'each file\'s header');
  assert.equal(c.receiver.duplicates, 0);
});

test('rename rotation of a CSV log, the include matching the live name only: the new file with the same header is read', async (t) => {
  // The rotated file's tail was detached (app.log.1 is not included), and
  // the new app.log, starting with its header line, was taken for its copy
  // and ignored while shorter than what had been read.
  const c = await setup(t);
  const file = join(c.logs, 'app.log');
  writeFileSync(file, csv('before', 50));
  c.agent = await Agent.start(c.config({}, { include: [file] }), silentLogger);
  await until(() => rowsOf(c.receiver, 'before') === 50, 'the first file');
  renameSync(file, `${file}.1`);
  writeFileSync(file, csv('after', 10));
  await until(() => rowsOf(c.receiver, 'after') === 10, 'the new file');
  assert.equal(c.receiver.duplicates, 0);
});

test("files logrotate's compress made, which a glob for rotated names matches (app.log*), are not read as lines of binary", async (t) => {
  const c = await setup(t);
  writeFileSync(join(c.logs, 'app.log.2.gz'), gzipSync(lines(0, 50)));
  writeFileSync(join(c.logs, 'app.log'), lines(100, 110));
  c.agent = await Agent.start(c.config(), silentLogger);
  await until(() => c.receiver.raws().length >= 10, 'the live file');
  // Compressed while the agent runs (delaycompress: the older rotation, a file of its own).
  writeFileSync(join(c.logs, 'app.log.3.gz'), gzipSync(lines(200, 250)));
  appendFileSync(join(c.logs, 'app.log'), lines(110, 120));
  await until(() => c.receiver.raws().length >= 20, 'the later lines');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(seqs(c.receiver), range(100, 120));
});

test('a directory the include names that is made after the start (the application\'s first run) is watched once it exists', async (t) => {
  // chokidar does not watch a missing directory: its files were found only
  // by the rescan every 30 polls (30 s at the default 1 s), each new one as late.
  const c = await setup(t);
  const dir = join(c.logs, 'later', 'app');
  c.agent = await Agent.start(c.config({}, { include: [`${dir}/*.log`], poll_interval_ms: 1000 }), silentLogger);
  // Meanwhile /health lists the source as waiting, no failure (a journald directory: not made yet is the same).
  const agent = c.agent;
  await until(() => String(agent.healthReport().waiting) !== '', 'the source listed as waiting');
  assert.equal(agent.healthReport().status, 'healthy');
  assert.deepEqual(agent.healthReport().waiting, [`source app: ${dir} does not exist yet: waiting for it`]);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'one.log'), lines(0, 5));
  await until(() => seqs(c.receiver).length === 5, 'the first file in the new directory');
  assert.deepEqual(agent.healthReport().waiting, []);
  writeFileSync(join(dir, 'two.log'), lines(5, 10));
  await until(() => seqs(c.receiver).length === 10, 'a later file there');
  assert.deepEqual(seqs(c.receiver), range(0, 10));
});
