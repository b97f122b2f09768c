/**
 * A log deleted or truncated, then written again, that starts with the
 * same first line as before (a banner, a CSV header) and is already longer
 * than what the agent had read of the old one when the agent looks at it:
 * written while the agent was stopped, or while it was held up (SIGSTOP
 * stands in for a busy host or a full spool). Its first line and its size
 * alone made it the old file, read from the old offset: its first lines
 * were lost. The real agent ships to the real server and the search API
 * counts.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, truncate, unlink, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, sleep, startAgent, startServer, stopAll, tempDir, waitFor, type AgentHandle, type ServerHandle } from './harness.js';
import { agentYaml, assertExactlyOnce, jsonLine, range, seqsOf, waitForCount } from './agent-support.js';

const BANNER = 'myapp 2.4.1 starting; log format v2\n';
const body = (run: string, n: number): string => range(0, n).map((i) => jsonLine(i, run) + '\n').join('');

describe('agent: a log created again with the same first line, longer than what was read of the old one', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-agent-recreated-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  async function setUp(name: string, source?: string): Promise<{ file: string; start: () => Promise<AgentHandle> }> {
    const logs = join(root, name);
    await mkdir(logs);
    const yaml = agentYaml({ server: server.url, dataDir: join(root, `agent-${name}`), include: [`${logs}/*.log`], extra: 'metrics: { listen: off }', source });
    return { file: join(logs, 'app.log'), start: () => startAgent(yaml, join(root, `${name}.yaml`)) };
  }

  /** The old file's 50 lines, then the new file's 200 (4 times as long), each exactly once. */
  async function check(old: string, recreated: string): Promise<void> {
    await waitForCount(server.url, recreated, 200, 60_000);
    await sleep(1000);
    assertExactlyOnce(await seqsOf(server.url, old), range(0, 50), `lines of the old file (${old})`);
    assertExactlyOnce(await seqsOf(server.url, recreated), range(0, 200), `lines of the new file (${recreated})`);
  }

  for (const how of ['deleted', 'truncated'] as const) {
    const rewrite = async (file: string, run: string): Promise<void> => {
      if (how === 'deleted') await unlink(file);
      else await truncate(file, 0);
      await appendFile(file, BANNER + body(run, 200));
    };

    test(`${how} and written again while the agent was stopped`, async () => {
      const run = `stopped${how}`;
      const { file, start } = await setUp(run);
      await writeFile(file, BANNER + body(`${run}old`, 50));
      let agent = await start();
      await waitForCount(server.url, `${run}old`, 50, 60_000);
      assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
      await rewrite(file, `${run}new`);
      agent = await start();
      await check(`${run}old`, `${run}new`);
      assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    });

    test(`${how} and written again while the agent was held up`, async () => {
      const run = `held${how}`;
      const { file, start } = await setUp(run);
      await writeFile(file, BANNER + body(`${run}old`, 50));
      const agent = await start();
      await waitForCount(server.url, `${run}old`, 50, 60_000);
      agent.proc.kill('SIGSTOP');
      await rewrite(file, `${run}new`);
      agent.proc.kill('SIGCONT');
      await check(`${run}old`, `${run}new`);
      assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    });
  }

  test('start_position: end, then deleted and written again while the agent was stopped before any line came', async () => {
    // The position taken at the file's end was checkpointed without the
    // mark of the bytes before it: the new file, longer by then, was read
    // from the old file's size, and its first lines were lost.
    const run = 'atend';
    const { file, start } = await setUp(run, '    start_position: end');
    await writeFile(file, BANNER + body(`${run}old`, 50));
    let agent = await start();
    // Stopped once the file's position (at its end) is checkpointed.
    const checkpoints = join(root, `agent-${run}`, 'checkpoints.json');
    await waitFor(async () => (await readFile(checkpoints, 'utf8').catch(() => '')).includes('"offset":'), { what: 'the position at the end' });
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    await unlink(file);
    await appendFile(file, BANNER + body(`${run}new`, 200));
    agent = await start();
    await waitForCount(server.url, `${run}new`, 200, 60_000);
    await sleep(1000);
    assertExactlyOnce(await seqsOf(server.url, `${run}new`), range(0, 200), 'lines of the new file');
    assert.deepEqual(await seqsOf(server.url, `${run}old`), [], 'the old lines were before the start position');
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });
});
