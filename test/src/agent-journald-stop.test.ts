/**
 * How journalctl's end is told through real processes: the real agent
 * follows real journal files (written by systemd-journal-remote) and is
 * stopped as systemd stops logship-agent.service (KillMode=control-group:
 * SIGTERM to every process of the unit, journalctl included, at once).
 * That stop is no journalctl failure; a journalctl killed by something
 * else while the agent runs is one: it is said and journalctl restarted.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, sleep, startAgent, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';

const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';
const available = existsSync(JOURNAL_REMOTE) && existsSync('/usr/bin/journalctl');
if (!available && process.env.CI === 'true') throw new Error('CI=true but systemd-journal-remote is not installed (apt-get install systemd-journal-remote)');
if (!available) console.warn('WARNING: systemd-journal-remote not found: the journald stop test is SKIPPED');

let monotonic = 1;
let batchNo = 0;

/** Appends entries `run from..to` to DIR/x.journal through systemd-journal-remote. */
async function appendJournal(dir: string, run: string, from: number, to: number): Promise<void> {
  let text = '';
  const now = Date.now() * 1000;
  for (let i = from; i < to; i++) {
    text += [`__REALTIME_TIMESTAMP=${now + i}`, `__MONOTONIC_TIMESTAMP=${monotonic++}`, '_BOOT_ID=0123456789abcdef0123456789abcdef',
      `MESSAGE=${run} entry ${i}`, 'PRIORITY=6', '_SYSTEMD_UNIT=app.service', '_HOSTNAME=web-7', '', ''].join('\n');
  }
  const file = join(dir, '..', `batch-${batchNo++}.export`);
  await writeFile(file, text);
  execFileSync(JOURNAL_REMOTE, [`--output=${dir}/x.journal`, file], { stdio: 'ignore' });
}

async function hitsOf(url: string, run: string): Promise<number> {
  const params = new URLSearchParams({ q: `source:journald ${run}`, from: 'now-1d', to: 'now+1d', limit: '1000' });
  return ((await (await fetch(`${url}/api/v1/search?${params}`)).json()) as { hits: unknown[] }).hits.length;
}

/** The pids of the agent's journalctl children. */
function journalctls(agentPid: number): number[] {
  let out = '';
  try {
    out = execFileSync('pgrep', ['-P', String(agentPid), '-x', 'journalctl'], { encoding: 'utf8' });
  } catch {
    return []; // pgrep exits 1 when none matches
  }
  return out.split('\n').filter((l) => l.trim() !== '').map(Number);
}

describe('agent: journalctl and the stop', { skip: !available }, () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-agent-jd-stop-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  /** A config with a file source and two journald sources (one a unit each), as a host's agent has. */
  async function config(name: string): Promise<{ yaml: string; journal: string }> {
    const dir = join(root, name);
    const journal = join(dir, 'journal');
    await mkdir(journal, { recursive: true });
    await writeFile(join(dir, 'app.log'), 'a line\n');
    const yaml = [
      'server:', `  url: ${server.url}`,
      `data_dir: ${join(dir, 'agent')}`,
      'batch: { max_events: 50, max_age_ms: 100 }',
      'sources:',
      '  - type: file', '    name: files', `    include: ["${join(dir, '*.log')}"]`,
      '  - type: journald', '    name: journal', `    directory: ${journal}`, '    units: [app.service]',
      '  - type: journald', '    name: workers', `    directory: ${journal}`, '    units: [worker.service]',
      '',
    ].join('\n');
    return { yaml, journal };
  }

  test('SIGTERM to the agent\'s process group (systemd\'s stop) logs no journalctl failure', async () => {
    for (let round = 0; round < 3; round++) {
      const run = `groupstop${round}`;
      const { yaml, journal } = await config(run);
      await appendJournal(journal, run, 0, 20);
      const agent = await startAgent(yaml, join(root, `${run}.yaml`), {}, { detached: true });
      const pid = agent.proc.pid!;
      await waitFor(async () => (await hitsOf(server.url, run)) === 20, { timeoutMs: 60_000, intervalMs: 200, what: 'the entries shipped' });
      assert.equal(journalctls(pid).length, 2, 'two journalctl run in the agent\'s process group');
      process.kill(-pid, 'SIGTERM');
      assert.equal(await agent.exited, 0, agent.output());
      const out = agent.output();
      assert.match(out, /The agent is stopping\./);
      assert.match(out, /The agent stopped\./);
      assert.doesNotMatch(out, /LS_AGENT_JOURNALCTL_FAILED|journalctl failed/, out);
    }
  });

  test('journalctl killed while the agent runs is said and restarted, and reads on', async () => {
    const run = 'killedalone';
    const { yaml, journal } = await config(run);
    await appendJournal(journal, run, 0, 10);
    const agent = await startAgent(yaml, join(root, `${run}.yaml`));
    const pid = agent.proc.pid!;
    await waitFor(async () => (await hitsOf(server.url, run)) === 10, { timeoutMs: 60_000, intervalMs: 200, what: 'the first entries shipped' });
    const before = journalctls(pid);
    assert.equal(before.length, 2, 'two journalctl run');
    const first = before[0]!;
    process.kill(first, 'SIGTERM');
    await waitFor(() => agent.output().split('\n').some((l) => l.includes('LS_AGENT_JOURNALCTL_FAILED') && l.includes('journalctl exited with SIGTERM')), { timeoutMs: 30_000, intervalMs: 100, what: 'the failure said' });
    await waitFor(() => { const now = journalctls(pid); return now.length === 2 && !now.includes(first); }, { timeoutMs: 30_000, intervalMs: 100, what: 'journalctl restarted' });
    await appendJournal(journal, run, 10, 20);
    await waitFor(async () => (await hitsOf(server.url, run)) === 20, { timeoutMs: 60_000, intervalMs: 200, what: 'the entries after the restart' });
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    assert.doesNotMatch(agent.output().split('The agent is stopping.')[1] ?? '', /LS_AGENT_JOURNALCTL_FAILED/);
  });

  test('a stop during the one-time read of the journal\'s last entry (a checkpoint of an earlier agent) is quiet, and does not wait for it', async () => {
    const run = 'boundstop';
    const dir = join(root, run);
    const journal = join(dir, 'journal');
    await mkdir(journal, { recursive: true });
    await appendJournal(journal, run, 0, 10);
    const yaml = (journalctl: string): string => [
      'server:', `  url: ${server.url}`, `data_dir: ${join(dir, 'agent')}`, 'batch: { max_events: 50, max_age_ms: 100 }', 'sources:',
      '  - type: journald', '    name: journal', `    directory: ${journal}`, '    units: [app.service]', `    journalctl_path: ${journalctl}`, '',
    ].join('\n');
    const first = await startAgent(yaml('journalctl'), join(dir, 'agent.yaml'));
    await waitFor(async () => (await hitsOf(server.url, run)) === 10, { timeoutMs: 60_000, intervalMs: 200, what: 'the entries shipped' });
    assert.equal(await first.stop('SIGTERM'), 0, first.output());
    // As an agent before 2026-12-05 left it: its checkpoint file without id_form, so the next start asks journalctl once for the last entry.
    const checkpoints = join(dir, 'agent', 'checkpoints.json');
    const doc = JSON.parse(await readFile(checkpoints, 'utf8')) as Record<string, unknown>;
    delete doc.id_form;
    await writeFile(checkpoints, JSON.stringify(doc));

    // That read takes long on a journal of gigabytes: here it never ends (the one read runs `sleep`, as journalctl's pid); the follow is the real journalctl.
    for (const stop of ['group', 'journalctl first', 'agent alone'] as const) {
      const marks = join(dir, `marks-${stop.replace(/ /g, '-')}`);
      await mkdir(marks);
      const wrapper = join(dir, `journalctl-${stop.replace(/ /g, '-')}`);
      await writeFile(wrapper, `#!/bin/sh\ncase " $* " in *" --lines=1 "*) : > "${marks}/$$"; exec sleep 120;; esac\nexec /usr/bin/journalctl "$@"\n`, { mode: 0o755 });
      const agent = await startAgent(yaml(wrapper), join(dir, 'agent.yaml'), {}, { detached: true });
      const pid = agent.proc.pid!;
      const reading = Number(await waitFor(async () => (await readdir(marks))[0], { timeoutMs: 30_000, intervalMs: 100, what: 'the read of the last entry' }));
      if (stop === 'group') {
        // systemd's stop: SIGTERM to the unit's every process at once.
        process.kill(-pid, 'SIGTERM');
      } else if (stop === 'journalctl first') {
        // The same, the agent a moment slower to see its SIGTERM than the agent to see journalctl end.
        process.kill(reading, 'SIGTERM');
        await sleep(100);
        process.kill(pid, 'SIGTERM');
      } else {
        // The agent's SIGTERM alone (kill <pid>): the read is ended with it, not waited for.
        process.kill(pid, 'SIGTERM');
      }
      const code = await Promise.race([agent.exited, sleep(30_000).then(() => 'still running after 30 s')]);
      if (code !== 0) process.kill(-pid, 'SIGKILL');
      assert.equal(code, 0, `${stop}: ${agent.output()}`);
      assert.match(agent.output(), /The agent stopped\./);
      assert.doesNotMatch(agent.output(), /LS_AGENT_JOURNALCTL_FAILED|could not be read/, `${stop}: ${agent.output()}`);
    }
  });
});
