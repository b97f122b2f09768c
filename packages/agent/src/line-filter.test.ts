import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from './agent.js';
import { CHECKPOINT_FILE } from './checkpoint-store.js';
import { validateConfig, type AgentConfig } from './config.js';
import { LineFilter } from './line-filter.js';
import { silentLogger } from './log.js';
import { IngestReceiver, until } from './testing/ingest-receiver.js';

/** include_lines / exclude_lines: what is kept, and that a dropped event never holds the checkpoint back. */

test('a filter keeps what matches include_lines and none of exclude_lines; (?i) folds case', () => {
  const f = new LineFilter(['ERROR', 'WARN'], ['(?i)healthcheck']);
  assert.equal(f.keeps('ERROR db down'), true);
  assert.equal(f.keeps('INFO request done'), false, 'not included');
  assert.equal(f.keeps('WARN slow GET /HealthCheck'), false, 'excluded regardless of case');
  assert.equal(new LineFilter([], ['^DEBUG']).keeps('INFO x'), true, 'no include_lines: everything not excluded');
  assert.equal(LineFilter.of([], []), null);
});

test('patterns see a line without its terminal colour codes, as ingest stores it (a coloured record is not missed by ^ or \\b)', () => {
  // tracing-subscriber's default output, written to a file as it is to a terminal.
  const coloured = '\x1b[2m2026-12-07T23:32:52.457Z\x1b[0m \x1b[34mDEBUG\x1b[0m \x1b[2mapp\x1b[0m\x1b[2m:\x1b[0m cache miss';
  assert.equal(new LineFilter([], ['^\\d{4}-\\S+ DEBUG\\b']).keeps(coloured), false, 'excluded by its date and level');
  assert.equal(new LineFilter(['^2026-12-07T'], []).keeps(coloured), true, 'included by its date');
  assert.equal(new LineFilter(['(?i)\\bdebug app: cache'], []).keeps(coloured), true, 'words joined as shown');
  assert.equal(new LineFilter([], ['DEBUG']).keeps('\x1b[32m INFO\x1b[0m ready'), true, 'kept: nothing excluded');
});

test('config: filter patterns are checked when loaded, with what to write instead', () => {
  const minimal = { server: { url: 'http://127.0.0.1:1' }, data_dir: '/tmp/x' };
  const load = (source: Record<string, unknown>): AgentConfig => validateConfig({ ...minimal, sources: [{ type: 'file', include: ['/a'], ...source }] });
  assert.deepEqual(load({ include_lines: ['ERROR'], exclude_lines: ['(?i)debug'] }).sources[0]!.exclude_lines, ['(?i)debug']);
  assert.throws(() => load({ exclude_lines: ['('] }), /sources\[0\]\.exclude_lines\[0\]: is not a valid regular expression/);
  // Backreferences, lookahead and large counts cannot run in linear time (Node 24's
  // engine takes lookbehind, Node 20's does not: the agent's unit tests run on both).
  assert.throws(() => load({ include_lines: ['(\\w+) \\1'] }), /include_lines\[0\]: cannot be matched in linear time/);
  assert.throws(() => load({ include_lines: ['error(?= code)'] }), /include_lines\[0\]: cannot be matched in linear time/);
  assert.throws(() => load({ include_lines: ['^[0-9a-f]{32}$'] }), /write x\{32\} as x\{16\}x\{16\}/);
  assert.throws(() => load({ include_lines: ['(?i)\\Dfoo'] }), /after \(\?i\) an escape of an upper-case letter/);
  assert.throws(() => load({ include_lines: 'ERROR' }), /include_lines: expected a list of strings/);
  // A journald source has them too (tested against MESSAGE).
  const jd = validateConfig({ ...minimal, sources: [{ type: 'journald', exclude_lines: ['^GET /health'] }] });
  assert.deepEqual(jd.sources[0]!.exclude_lines, ['^GET /health']);
});

test('a pattern that backtracks catastrophically still lets the agent ship (linear-time fallback)', () => {
  const f = new LineFilter(['^(\\w+\\s?)+:'], []);
  // 40 letters and no colon: minutes for a backtracking engine.
  assert.equal(f.keeps(`${'a'.repeat(40)}!`), false);
});

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'ls-agent-lf-'));
  mkdirSync(join(dir, 'logs'));
  const receiver = new IngestReceiver();
  await receiver.start();
  const ctx = {
    dir, file: join(dir, 'logs', 'app.log'), receiver, agent: null as Agent | null,
    config: (source: Record<string, unknown>) => validateConfig({
      server: { url: receiver.url },
      data_dir: join(dir, 'data'),
      batch: { max_events: 50, max_age_ms: 20 },
      retry: { initial_backoff_ms: 10, max_backoff_ms: 100 },
      metrics: { listen: 'off' },
      sources: [{ type: 'file', name: 'app', include: [join(dir, 'logs', '*.log')], poll_interval_ms: 50, ...source }],
    }),
    checkpointOffset: (): number | undefined => {
      const doc = JSON.parse(readFileSync(join(dir, 'data', CHECKPOINT_FILE), 'utf8')) as { positions: Record<string, { offset?: number }> };
      return Object.entries(doc.positions).find(([k]) => k.startsWith('app:'))?.[1].offset;
    },
  };
  t.after(async () => {
    await ctx.agent?.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return ctx;
}

/** The file's checkpoint in the running agent (acknowledged, not necessarily written yet). */
const liveOffset = (agent: Agent): number | undefined => {
  const key = [...agent.checkpoints.keys()].find((k) => k.startsWith('app:'));
  return key === undefined ? undefined : agent.checkpoints.get(key)?.offset;
};

const TRACEBACK = [
  '2026-12-06 10:00:01 ERROR request failed',
  'Traceback (most recent call last):',
  '  File "app.py", line 3, in handler',
  'ValueError: bad input',
];

test('filters apply to joined multiline events: a traceback is kept or dropped whole', async (t) => {
  const c = await setup(t);
  writeFileSync(c.file, [
    '2026-12-06 10:00:00 INFO GET /healthz 200',
    ...TRACEBACK,
    '2026-12-06 10:00:02 INFO started worker',
    '2026-12-06 10:00:03 WARN slow query',
    '  details: 1200 ms',
    '',
  ].join('\n'));
  c.agent = await Agent.start(c.config({
    multiline: { start: '^\\d{4}-\\d{2}-\\d{2} ', timeout_ms: 50 },
    include_lines: [' (ERROR|WARN) '],
    // Matches a line inside the traceback: the whole event goes.
    exclude_lines: ['(?i)VALUEERROR: BAD'],
  }), silentLogger);
  await until(() => c.agent!.metrics.get('events_filtered_out_total', { source: 'app' }) === 3, 'three events dropped');
  await until(() => c.receiver.events.size === 1, 'the warning');
  assert.deepEqual(c.receiver.raws(), ['2026-12-06 10:00:03 WARN slow query\n  details: 1200 ms']);
});

test('dropped events move the checkpoint: a file whose last lines are all dropped is not read again', async (t) => {
  const c = await setup(t);
  const source = { exclude_lines: ['healthz'] };
  writeFileSync(c.file, 'kept 1\n');
  for (let i = 0; i < 500; i++) appendFileSync(c.file, `GET /healthz ${i}\n`);
  c.agent = await Agent.start(c.config(source), silentLogger);
  await until(() => c.receiver.events.size === 1, 'the kept line');
  // The checkpoint reaches the end of the file although no event after
  // the first was shipped.
  const size = statSync(c.file).size;
  await until(() => liveOffset(c.agent!) === size, 'the checkpoint at the end of the file');
  await c.agent.stop();
  assert.equal(c.checkpointOffset(), size);
  const requests = c.receiver.requests;
  // Only dropped lines after the restart: still checkpointed, nothing sent.
  for (let i = 500; i < 600; i++) appendFileSync(c.file, `GET /healthz ${i}\n`);
  c.agent = await Agent.start(c.config(source), silentLogger);
  await until(() => c.agent!.metrics.get('events_filtered_out_total', { source: 'app' }) === 100, 'the new lines dropped');
  await c.agent.stop();
  c.agent = null;
  assert.equal(c.checkpointOffset(), statSync(c.file).size);
  assert.equal(c.receiver.requests, requests, 'no request for dropped lines');
  assert.equal(c.receiver.duplicates, 0);
});

test('a dropped event does not pass events before it that ingest has not taken yet', async (t) => {
  const c = await setup(t);
  c.receiver.failure = { status: 503 };
  writeFileSync(c.file, 'kept 1\nkept 2\n');
  c.agent = await Agent.start(c.config({ exclude_lines: ['^drop'] }), silentLogger);
  await until(() => c.receiver.failedRequests > 0, 'the first attempt');
  appendFileSync(c.file, 'drop 3\n');
  await until(() => c.agent!.metrics.get('events_filtered_out_total', { source: 'app' }) === 1, 'the dropped line');
  // A stop while ingest refuses: the checkpoint stays before the kept
  // lines, which a restart reads (and ships) again.
  await c.agent.stop();
  c.agent = null;
  const offset = c.checkpointOffset() ?? 0;
  assert.equal(offset, 0, 'not past lines ingest never took');
  c.receiver.failure = null;
  c.agent = await Agent.start(c.config({ exclude_lines: ['^drop'] }), silentLogger);
  await until(() => c.receiver.events.size === 2, 'the kept lines');
  const size = statSync(c.file).size;
  await until(() => liveOffset(c.agent!) === size, 'the checkpoint at the end');
  assert.deepEqual(c.receiver.raws().sort(), ['kept 1', 'kept 2']);
});
