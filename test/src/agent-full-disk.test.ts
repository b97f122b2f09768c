/**
 * A full spool disk: the agent's data_dir is on a real 3 MiB tmpfs, ingest
 * is down while 200,000 lines are written, so the spool fills the disk and
 * writes fail with ENOSPC. A batch that cannot be spooled stays in memory
 * and reading pauses; no checkpoint passes it, and once ingest is back every
 * line arrives exactly once. The tmpfs needs root (tmpfs.ts).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, removeDir, sleep, startAgent, startServer, stopAll, tempDir, waitFor } from './harness.js';
import { mountTmpfs, unmountTmpfs } from './tmpfs.js';
import { agentYaml, assertExactlyOnce, jsonLine, LogWriter, range, seqsOf, waitForCount } from './agent-support.js';


describe('agent: a full spool disk', () => {
  let root: string;
  let mounted: string | null = null;

  before(async () => {
    root = await tempDir('logship-agent-fulldisk-');
  });

  after(async () => {
    await stopAll();
    if (mounted) unmountTmpfs(mounted);
    await removeDir(root);
  });

  test('data_dir on a 3 MiB tmpfs, ingest down while 200,000 lines are written: nothing lost, nothing twice', async (t) => {
    const small = join(root, 'small');
    await mkdir(small);
    if (!mountTmpfs(t, small, '3m')) return;
    mounted = small;
    const logs = join(root, 'logs');
    await mkdir(logs);
    const port = await freePort();
    const dataDir = join(small, 'agent');
    const yaml = agentYaml({ server: `http://127.0.0.1:${port}`, dataDir, include: [`${logs}/*.log`] });
    const agent = await startAgent(yaml, join(root, 'agent.yaml'));
    const writer = new LogWriter(join(logs, 'app.log'));
    const total = 200_000;
    for (let seq = 0; seq < total; seq += 2000) {
      let text = '';
      for (let i = seq; i < seq + 2000; i++) text += jsonLine(i, 'fulldisk') + '\n';
      await writer.write(text);
    }
    await writer.close();
    await waitFor(() => /could not be spooled to disk/.test(agent.output()), { timeoutMs: 60_000, what: 'the spool to fill the disk' });
    const df = execFileSync('df', ['-k', small], { encoding: 'utf8' });
    console.log(`full disk: ${df.trim().split('\n').pop()}`);
    assert.match(agent.output(), /ENOSPC/, 'the log names the error');
    // Ingest stays down a while longer with the disk full and reading paused.
    await sleep(5000);
    const server = await startServer({ dataDir: join(root, 'server'), port });
    await waitForCount(server.url, 'fulldisk', total, 180_000);
    await sleep(1500);
    assertExactlyOnce(await seqsOf(server.url, 'fulldisk'), range(0, total));
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    await server.stop('SIGTERM');
  });
});
