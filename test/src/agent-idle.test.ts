/**
 * 500 idle files watched by the real agent: once their lines are shipped,
 * the agent's CPU stays near zero and its memory flat over a minute, and it
 * releases the handles of idle files. (Resource bounds of a real process, not
 * a timing of the code under test.)
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, sleep, startAgent, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { agentYaml, handlesUnder, jsonLine, processStats, waitForCount } from './agent-support.js';

const FILES = 500;
const LINES = 4;

describe('agent: many idle files', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-agent-idle-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test(`${FILES} idle files: CPU near zero, memory flat over a minute, handles released`, async () => {
    const logs = join(root, 'logs');
    await mkdir(logs);
    for (let f = 0; f < FILES; f++) {
      let text = '';
      for (let i = 0; i < LINES; i++) text += jsonLine(f * LINES + i, 'idle') + '\n';
      await writeFile(join(logs, `svc-${f}.log`), text);
    }
    const agent = await startAgent(agentYaml({
      server: server.url, dataDir: join(root, 'agent'), include: [`${logs}/*.log`],
      source: '    close_idle_ms: 5000',
    }).replace('poll_interval_ms: 250', 'poll_interval_ms: 1000'), join(root, 'agent.yaml'));
    const pid = agent.proc.pid!;
    await waitForCount(server.url, 'idle', FILES * LINES);
    await waitFor(() => handlesUnder(pid, logs) === 0, { timeoutMs: 30_000, intervalMs: 500, what: 'idle handles released' });

    const before = processStats(pid);
    const samples: number[] = [];
    for (let s = 0; s < 12; s++) {
      await sleep(5000);
      samples.push(processStats(pid).rssBytes);
    }
    const afterStats = processStats(pid);
    const cpu = afterStats.cpuS - before.cpuS;
    const rssGrowth = Math.max(...samples) - before.rssBytes;
    console.log(`idle: ${cpu.toFixed(2)} CPU s over 60 s (${(cpu / 60 * 100).toFixed(2)} % of a core), RSS ${(before.rssBytes / 1048576).toFixed(1)} → max ${(Math.max(...samples) / 1048576).toFixed(1)} MiB`);
    assert.ok(cpu < 1.2, `CPU near zero: ${cpu.toFixed(2)} s of CPU in 60 s (< 2 % of a core)`);
    assert.ok(rssGrowth < 16 * 1048576, `memory flat: RSS grew by ${(rssGrowth / 1048576).toFixed(1)} MiB`);
    assert.equal(handlesUnder(pid, logs), 0);

    // Still watching: a line appended to one of them arrives.
    await writeFile(join(logs, 'svc-7.log'), jsonLine(FILES * LINES, 'idle') + '\n', { flag: 'a' });
    await waitForCount(server.url, 'idle', FILES * LINES + 1, 30_000);
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });
});
