/**
 * journald through real processes: entries are written into real journal
 * files (systemd-journal-remote from export format) while the real agent
 * follows them with journalctl; the agent is killed and restarted; every
 * entry arrives exactly once with its unit, its priority as level, and host.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, sleep, startAgent, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';

const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';
const available = existsSync(JOURNAL_REMOTE) && existsSync('/usr/bin/journalctl');
if (!available && process.env.CI === 'true') throw new Error('CI=true but systemd-journal-remote is not installed (apt-get install systemd-journal-remote)');
if (!available) console.warn('WARNING: systemd-journal-remote not found: the journald end-to-end test is SKIPPED');

let monotonic = 1;
let batchNo = 0;

/** Appends entries to DIR/x.journal through systemd-journal-remote. */
async function appendJournal(dir: string, from: number, to: number): Promise<void> {
  let text = '';
  const now = Date.now() * 1000;
  for (let i = from; i < to; i++) {
    const unit = i % 4 === 0 ? 'celery-worker.service' : 'django.service';
    text += [
      `__REALTIME_TIMESTAMP=${now + i}`,
      `__MONOTONIC_TIMESTAMP=${monotonic++}`,
      '_BOOT_ID=0123456789abcdef0123456789abcdef',
      `MESSAGE=journal entry ${i} from ${unit}`,
      `PRIORITY=${i % 5 === 0 ? 3 : 6}`,
      `_SYSTEMD_UNIT=${unit}`,
      '_HOSTNAME=web-7',
      `_PID=${1000 + (i % 7)}`,
      `SYSLOG_IDENTIFIER=${unit.split('.')[0]}`,
      '', '',
    ].join('\n');
  }
  const file = join(dir, '..', `batch-${batchNo++}.export`);
  await writeFile(file, text);
  execFileSync(JOURNAL_REMOTE, [`--output=${dir}/x.journal`, file], { stdio: 'ignore' });
}

interface Hit { message?: string; unit?: string; level?: string; host?: string; 'event.id'?: string }

async function journalHits(url: string): Promise<Hit[]> {
  const hits: Hit[] = [];
  let cursor: string | null = null;
  for (;;) {
    const params = new URLSearchParams({ q: 'source:journald', from: 'now-1d', to: 'now+1d', limit: '1000' });
    if (cursor) params.set('cursor', cursor);
    const page = (await (await fetch(`${url}/api/v1/search?${params}`)).json()) as { hits: Hit[]; next_cursor: string | null };
    hits.push(...page.hits);
    if (!page.next_cursor || page.hits.length === 0) return hits;
    cursor = page.next_cursor;
  }
}

describe('agent: journald', { skip: !available }, () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-agent-jd-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('entries written while the agent follows, across SIGKILL restarts, arrive exactly once with unit, level and host', async () => {
    const journal = join(root, 'journal');
    await mkdir(journal);
    const yaml = [
      'server:', `  url: ${server.url}`,
      `data_dir: ${join(root, 'agent')}`,
      'host: web-7',
      'batch: { max_events: 200, max_age_ms: 100 }',
      'log_level: warn',
      'sources:',
      '  - type: journald',
      `    directory: ${journal}`,
      '    units: [django.service, celery-worker.service]',
      '    labels: { job: journald-e2e }',
      '',
    ].join('\n');
    const cfg = join(root, 'agent.yaml');
    await appendJournal(journal, 0, 500);
    let agent = await startAgent(yaml, cfg);
    let next = 500;
    for (let round = 0; round < 3; round++) {
      await appendJournal(journal, next, next + 500);
      next += 500;
      await sleep(300);
      await agent.stop('SIGKILL');
      await appendJournal(journal, next, next + 300);
      next += 300;
      agent = await startAgent(yaml, cfg);
    }
    await appendJournal(journal, next, next + 200);
    next += 200;
    const total = next;
    await waitFor(async () => (await journalHits(server.url)).length >= total, { timeoutMs: 60_000, intervalMs: 500, what: `${total} journal entries` });
    await sleep(1500);
    const hits = await journalHits(server.url);
    const seqs = hits.map((h) => Number(/journal entry (\d+) /.exec(String(h.message))?.[1]));
    assert.equal(new Set(seqs).size, hits.length, 'no entry twice');
    assert.deepEqual([...seqs].sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i), 'every entry');
    for (const h of hits) {
      const i = Number(/journal entry (\d+) /.exec(String(h.message))![1]);
      assert.equal(h.unit, i % 4 === 0 ? 'celery-worker.service' : 'django.service');
      assert.equal(h.level, i % 5 === 0 ? 'error' : 'info');
      assert.equal(h.host, 'web-7');
      assert.match(String(h['event.id']), /^j:s=/);
    }
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });
});
