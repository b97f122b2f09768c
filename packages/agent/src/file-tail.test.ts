import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from './agent.js';
import { validateConfig, type FileSourceConfig } from './config.js';
import type { EventSink } from './event-sink.js';
import { inodeIdentity } from './file-identity.js';
import { FileTail } from './file-tail.js';
import { Metrics } from './metrics.js';
import { silentLogger } from './log.js';
import { IngestReceiver, until } from './testing/ingest-receiver.js';

/**
 * The kubernetes preset's tail through the whole agent (a real pod log
 * file, a real HTTP receiver): what is emitted and where the checkpoint
 * stands while a partial line waits for its last piece. Then a tail alone,
 * reopening a released handle.
 */
const T = '2026-12-05T10:00:00.123456789Z';
const POD_DIR = 'shop_web-0_5f8e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b';

async function setup(t: { after: (fn: () => Promise<void>) => void }, source: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ls-agent-k8s-'));
  const receiver = new IngestReceiver();
  await receiver.start();
  const ctx: { agent: Agent | null } = { agent: null };
  t.after(async () => {
    await ctx.agent?.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const container = join(dir, 'pods', POD_DIR, 'app');
  mkdirSync(container, { recursive: true });
  const config = validateConfig({
    server: { url: receiver.url },
    data_dir: join(dir, 'data'),
    host: 'node-1',
    batch: { max_events: 500, max_age_ms: 20 },
    retry: { initial_backoff_ms: 20, max_backoff_ms: 200 },
    shutdown_timeout_ms: 2000,
    sources: [{ type: 'kubernetes', name: 'k8s', include: [`${dir}/pods/*/*/*.log`], poll_interval_ms: 50, ...source }],
  });
  return { dir, receiver, ctx, config, file: join(container, '0.log') };
}

test('kubernetes: a stderr line between the pieces of a stdout line is sent; the checkpoint stays before the held piece, so a restart joins the line whole', async (t) => {
  const { dir, receiver, ctx, config, file } = await setup(t);
  const first = `${T} stdout F started\n`;
  const held = `${T} stdout P {"msg":"long `;
  writeFileSync(file, `${first}${held}\n${T} stderr F warning: between\n`);
  ctx.agent = await Agent.start(config, silentLogger);
  await until(() => receiver.events.size === 2, '2 events');
  const between = receiver.raws().find((r) => r.startsWith('warning'));
  assert.equal(between, 'warning: between');
  await ctx.agent.stop();
  ctx.agent = null;
  const offsets = readFileSync(join(dir, 'data', 'checkpoints.json'), 'utf8').match(/"offset":\s*\d+/g)?.map((o) => o.replace(/\s/g, ''));
  assert.deepEqual(offsets, [`"offset":${Buffer.byteLength(first)}`], 'not past the held stdout piece');

  appendFileSync(file, `${T} stdout F line"}\n`);
  ctx.agent = await Agent.start(config, silentLogger);
  await until(() => receiver.events.size === 3, '3 events');
  const joined = [...receiver.events.values()].find((e) => e['@raw'].startsWith('{'))!;
  assert.equal(joined['@raw'], '{"msg":"long line"}');
  assert.equal(joined.stream, 'stdout');
  assert.equal(joined['@time'], T);
  assert.equal(joined['kubernetes.pod.name'], 'web-0');
  assert.equal(joined['kubernetes.container.restart_count'], 0);
  assert.match(joined['event.id'], new RegExp(`:B${Buffer.byteLength(first)}$`), 'the id of the first piece\'s offset');
  assert.equal(receiver.duplicates, 1, 'the stderr line came again, under the same id');
});

test('kubernetes: a last line without its newline is a write in progress: not sent early, one event once it is whole', async (t) => {
  const { receiver, ctx, config, file } = await setup(t, { partial_line_flush_ms: 50 });
  writeFileSync(file, `${T} stdout F first\n${T} stdout F sec`);
  ctx.agent = await Agent.start(config, silentLogger);
  await until(() => receiver.events.size === 1, '1 event');
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(receiver.raws(), ['first']);
  appendFileSync(file, 'ond\n');
  await until(() => receiver.events.size === 2, '2 events');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(receiver.raws().sort(), ['first', 'second']);
});

test('reopening a released handle: false when the path names another inode or nothing by now (renamed between the stat and the open)', async (t) => {
  const { dir, config } = await setup(t);
  const file = join(dir, 'app.log');
  writeFileSync(file, 'first line\n');
  const st = statSync(file);
  const sink: EventSink = { emit: () => undefined, skip: () => undefined, blocked: false, closing: false, waitForRoom: () => Promise.resolve() };
  const tail = new FileTail(inodeIdentity(st.dev, st.ino), file, file, st.dev, st.ino, 0,
    { config: config.sources[0] as FileSourceConfig, host: 'node-1', sink, metrics: new Metrics(), onReplaced: () => undefined, filter: null });
  assert.equal(await tail.open(), true);
  await tail.close();
  renameSync(file, `${file}.1`);
  assert.equal(await tail.open(), false, 'nothing at the path');
  writeFileSync(file, 'another file\n');
  assert.equal(await tail.open(), false, 'a new file at the path is not this identity');
  assert.equal(tail.isOpen, false);
});

test('the NUL bytes an application leaves writing at its old offset after copytruncate are not shipped; the line after them is', async (t) => {
  const { dir, receiver, ctx } = await setup(t);
  const logs = join(dir, 'plain');
  mkdirSync(logs);
  const file = join(logs, 'app.log');
  // A hole of 70 KiB (longer than max_message_bytes, so framed in parts) and then the application's next lines.
  const fd = openSync(file, 'w');
  writeSync(fd, 'after the hole\nnext\n', 70 * 1024);
  closeSync(fd);
  const config = validateConfig({
    server: { url: receiver.url }, data_dir: join(dir, 'data-plain'), host: 'node-1', batch: { max_events: 500, max_age_ms: 20 },
    sources: [{ type: 'file', include: [`${logs}/*.log`], poll_interval_ms: 50 }],
  });
  ctx.agent = await Agent.start(config, silentLogger);
  await until(() => receiver.events.size === 2, '2 events');
  assert.deepEqual(receiver.raws().sort(), ['after the hole', 'next']);
  const after = [...receiver.events.values()].find((e) => e['@raw'] === 'after the hole')!;
  assert.equal(after['@truncated'], undefined, 'a whole line after a hole longer than max_message_bytes is not flagged truncated');
  assert.match(after['event.id'], /:A0$/, 'its id is the offset of the hole, where the line starts');
});

test('long_lines: truncate: the line after a NUL hole longer than max_message_bytes is shipped whole, not cut to the hole', async (t) => {
  const { dir, receiver, ctx } = await setup(t);
  const logs = join(dir, 'plain');
  mkdirSync(logs);
  const file = join(logs, 'app.log');
  writeFileSync(file, 'before\n');
  const fd = openSync(file, 'r+');
  writeSync(fd, 'after the hole\n', 200 * 1024);
  closeSync(fd);
  const config = validateConfig({
    server: { url: receiver.url }, data_dir: join(dir, 'data-plain'), host: 'node-1', batch: { max_events: 500, max_age_ms: 20 },
    sources: [{ type: 'file', include: [`${logs}/*.log`], poll_interval_ms: 50, long_lines: 'truncate' }],
  });
  ctx.agent = await Agent.start(config, silentLogger);
  await until(() => receiver.events.size === 2, '2 events');
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(receiver.raws().sort(), ['after the hole', 'before']);
  assert.equal([...receiver.events.values()].some((e) => e['@truncated'] !== undefined), false);
});

test('kubernetes: a position held before a piece read in an earlier chunk is checkpointed with its mark', async (t) => {
  // The checkpoint stays before a held piece; when the line that moves it
  // comes in a later read, the piece's start was further back than the
  // 64 bytes the tail keeps, and the position went out without a mark: a
  // log written again with the same first line while the agent was stopped
  // would then be read from that offset.
  const { dir, receiver, ctx, config, file } = await setup(t);
  const first = `${T} stdout F started\n`;
  writeFileSync(file, `${first}${T} stdout P {"msg":"${'long '.repeat(40)}\n`);
  ctx.agent = await Agent.start(config, silentLogger);
  await until(() => receiver.events.size === 1, '1 event');
  appendFileSync(file, `${T} stderr F warning: between\n`);
  await until(() => receiver.events.size === 2, '2 events');
  await ctx.agent.stop();
  ctx.agent = null;
  const positions = Object.values((JSON.parse(readFileSync(join(dir, 'data', 'checkpoints.json'), 'utf8')) as { positions: Record<string, { offset: number; mark?: number }> }).positions);
  assert.equal(positions.length, 1);
  assert.equal(positions[0]!.offset, Buffer.byteLength(first), 'not past the held stdout piece');
  assert.equal(typeof positions[0]!.mark, 'number', 'with its mark');
});

test('a short line read after a restart is checkpointed with its mark', async (t) => {
  // A tail started at its checkpoint knew none of the bytes before it, so
  // an event ending within 64 bytes of it got no mark: a quiet file's one
  // line after a restart, then a stop, left the checkpoint without one.
  const { dir, receiver, ctx } = await setup(t);
  const logs = join(dir, 'quiet');
  mkdirSync(logs);
  const file = join(logs, 'cron.log');
  writeFileSync(file, `${'a line long enough to fill the mark window, and then some more text\n'.repeat(3)}`);
  const config = validateConfig({
    server: { url: receiver.url }, data_dir: join(dir, 'data-quiet'), host: 'node-1', batch: { max_events: 500, max_age_ms: 20 },
    sources: [{ type: 'file', include: [`${logs}/*.log`], poll_interval_ms: 50 }],
  });
  ctx.agent = await Agent.start(config, silentLogger);
  await until(() => receiver.events.size === 3, '3 events');
  await ctx.agent.stop();
  ctx.agent = await Agent.start(config, silentLogger);
  appendFileSync(file, 'short\n');
  await until(() => receiver.events.size === 4, '4 events');
  await ctx.agent.stop();
  ctx.agent = null;
  const positions = Object.values((JSON.parse(readFileSync(join(dir, 'data-quiet', 'checkpoints.json'), 'utf8')) as { positions: Record<string, { offset: number; mark?: number }> }).positions);
  assert.deepEqual(positions.map((p) => p.offset), [statSync(file).size]);
  assert.equal(typeof positions[0]!.mark, 'number', 'with its mark');
});
