/**
 * journald's max_age_s measured from when a source was first seen, through
 * real processes: real journal files (systemd-journal-remote), the real
 * agent killed with SIGKILL before ingest acknowledged any entry (the
 * server is not up yet), restarted, then the real server started. Before,
 * the restart measured max_age_s from itself: entries read back at the
 * first start, and a folder that appeared while the agent ran (read from
 * its first entry), were not read again once older than max_age_s before
 * the restart, and never shipped.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { agentMetric, ingestDuplicates } from './agent-support.js';
import { freePort, removeDir, sleep, startAgent, startServer, stopAll, tempDir, waitFor } from './harness.js';

const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';
const available = existsSync(JOURNAL_REMOTE) && existsSync('/usr/bin/journalctl');
if (!available && process.env.CI === 'true') throw new Error('CI=true but systemd-journal-remote is not installed (apt-get install systemd-journal-remote)');

let monotonic = 1;
let batchNo = 0;

/** Appends `messages` to DIR/x.journal, stamped from `atMs` on (1 µs apart, in journal order). */
async function appendJournal(dir: string, messages: string[], atMs: number): Promise<void> {
  let text = '';
  messages.forEach((m, i) => {
    text += [
      `__REALTIME_TIMESTAMP=${atMs * 1000 + i}`, `__MONOTONIC_TIMESTAMP=${monotonic++}`,
      '_BOOT_ID=0123456789abcdef0123456789abcdef', `MESSAGE=${m}`, 'PRIORITY=6',
      '_SYSTEMD_UNIT=django.service', '_HOSTNAME=web-7', '', '',
    ].join('\n');
  });
  const file = join(dir, '..', `first-seen-${batchNo++}.export`);
  await writeFile(file, text);
  execFileSync(JOURNAL_REMOTE, [`--output=${dir}/x.journal`, file], { stdio: 'ignore' });
}

const named = (what: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${what} ${i}`);

async function storedMessages(url: string): Promise<string[]> {
  const params = new URLSearchParams({ q: 'source:journald', from: 'now-1d', to: 'now+1d', limit: '1000' });
  const page = (await (await fetch(`${url}/api/v1/search?${params}`)).json()) as { hits: Array<{ message?: string }> };
  return page.hits.map((h) => String(h.message));
}

describe('agent: journald max_age_s counts from when a source was first seen', { skip: !available }, () => {
  let root: string;

  before(async () => {
    root = await tempDir('logship-agent-jd-seen-');
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('killed before any entry was acknowledged, the restarted agent ships what the first start read back and the folder that appeared, once', async () => {
    const MAX_AGE_S = 20;
    const present = join(root, 'present');
    const later = join(root, 'later');
    await mkdir(present);
    const port = await freePort();
    const yaml = [
      // No server yet: nothing is acknowledged before the kill.
      'server:', `  url: http://127.0.0.1:${port}`,
      `data_dir: ${join(root, 'agent')}`,
      'host: web-7',
      'batch: { max_events: 1000, max_age_ms: 100 }',
      // Batches kept in memory (lost at the kill, as the journal is read again), none spooled to disk.
      'spool: { memory_batches: 16 }',
      'sources:',
      `  - { type: journald, name: present, directory: ${present}, max_age_s: ${MAX_AGE_S}, labels: { job: present } }`,
      `  - { type: journald, name: later, directory: ${later}, max_age_s: ${MAX_AGE_S}, labels: { job: later } }`,
      '',
    ].join('\n');
    const cfg = join(root, 'agent.yaml');
    const startedAt = Date.now();
    await appendJournal(present, named('too old', 5), startedAt - 600_000);
    // Within max_age_s of the first start, not of the restart below.
    const recentAt = startedAt - (MAX_AGE_S - 8) * 1000;
    await appendJournal(present, named('recent', 10), recentAt);
    let agent = await startAgent(yaml, cfg);
    const metrics = `http://127.0.0.1:${agent.metricsPort!}`;
    await waitFor(async () => (await agentMetric(metrics, 'lines_read_total', '{source="present"}')) >= 10, { timeoutMs: 60_000, what: 'the recent entries read' });
    // The folder appears while the agent runs, with entries an hour old: read from its first entry.
    await mkdir(later);
    await appendJournal(later, named('appeared', 20), Date.now() - 3_600_000);
    await waitFor(async () => (await agentMetric(metrics, 'lines_read_total', '{source="later"}')) >= 20, { timeoutMs: 60_000, what: 'the folder\'s entries read' });
    // Past max_age_s from the recent entries: a window measured from the restart would leave them out.
    await sleep(Math.max(0, recentAt + (MAX_AGE_S + 2) * 1000 - Date.now()));
    assert.notEqual(await agent.stop('SIGKILL'), 0);
    // No file at all: nothing acknowledged either.
    const written = await readFile(join(root, 'agent', 'checkpoints.json'), 'utf8').catch(() => '{"positions":{}}');
    const positions = (JSON.parse(written) as { positions: Record<string, { cursor?: string }> }).positions;
    assert.equal(positions['present:journald']?.cursor, undefined, 'nothing acknowledged before the kill');
    assert.equal(positions['later:journald']?.cursor, undefined, 'nothing acknowledged before the kill');

    agent = await startAgent(yaml, cfg);
    await appendJournal(present, named('live present', 3), Date.now());
    await appendJournal(later, named('live later', 3), Date.now());
    const server = await startServer({ dataDir: join(root, 'server'), port });
    const expected = [...named('recent', 10), ...named('appeared', 20), ...named('live present', 3), ...named('live later', 3)].sort();
    // The live entries come last in each journal: once they are stored, what came before them was read.
    await waitFor(async () => (await storedMessages(server.url)).filter((m) => m.startsWith('live ')).length === 6, { timeoutMs: 60_000, what: 'the entries written after the restart' });
    await waitFor(async () => (await storedMessages(server.url)).length >= expected.length, { timeoutMs: 10_000, what: `${expected.length} entries` }).catch(() => undefined);
    assert.deepEqual((await storedMessages(server.url)).sort(), expected);
    assert.equal(await ingestDuplicates(server.url), 0, 'nothing shipped twice');
    assert.match(agent.output(), /No entry acknowledged yet: the journal is read from where it was read when the source was first seen/);
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });
});
