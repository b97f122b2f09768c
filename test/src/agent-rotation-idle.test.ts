/**
 * Rotation by rename (logrotate's default `create` mode) of a file whose
 * handle the agent released because it was idle (`close_idle_ms`), with the
 * include glob users write (`*.log`, which does not match the rotated name):
 * the lines appended just before the rename, and those the application
 * keeps writing to its descriptor of the renamed file, are still shipped,
 * exactly once. The real agent ships to the real server and the search API
 * counts.
 */
import assert from 'node:assert/strict';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, sleep, startAgent, startServer, stopAll, tempDir, waitFor, type AgentHandle, type ServerHandle } from './harness.js';
import { agentYaml, assertExactlyOnce, handlesUnder, jsonLine, LogWriter, range, seqsOf, waitForCount } from './agent-support.js';

/** Writes lines `from`…`from+n-1` of a run; returns the next seq. */
async function lines(writer: LogWriter, run: string, from: number, n: number): Promise<number> {
  let text = '';
  for (let i = from; i < from + n; i++) text += jsonLine(i, run) + '\n';
  await writer.write(text);
  return from + n;
}

describe('agent: rotation of a file whose handle was released while idle', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-agent-rotidle-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  /** Every line written so far stored exactly once (after at most 20 s; then which ones are missing). */
  async function allStored(run: string, seq: number): Promise<void> {
    await waitForCount(server.url, run, seq, 20_000).catch(() => undefined);
    await sleep(500);
    assertExactlyOnce(await seqsOf(server.url, run), range(0, seq));
  }

  async function setUp(name: string): Promise<{ logs: string; agent: AgentHandle; idle: () => Promise<void> }> {
    const logs = join(root, name);
    await mkdir(logs);
    const yaml = agentYaml({ server: server.url, dataDir: join(root, `agent-${name}`), include: [`${logs}/*.log`], source: '    close_idle_ms: 400' });
    const agent = await startAgent(yaml, join(root, `${name}.yaml`));
    const pid = agent.proc.pid!;
    // Idle: every handle under the directory released (the agent's own files are elsewhere).
    const idle = async (): Promise<void> => {
      await waitFor(() => handlesUnder(pid, logs) === 0, { timeoutMs: 30_000, intervalMs: 100, what: 'idle handles released' });
    };
    return { logs, agent, idle };
  }

  test('lines appended while the handle is released, then the rename at once: every line exactly once', async () => {
    const run = 'idleappend';
    const { logs, agent, idle } = await setUp(run);
    const writer = new LogWriter(join(logs, 'app.log'));
    let seq = 0;
    for (let cycle = 1; cycle <= 3; cycle++) {
      seq = await lines(writer, run, seq, 1000);
      await allStored(run, seq);
      await idle();
      // Appended while the handle is released, renamed before the agent
      // has looked at them; the application then reopens its file.
      seq = await lines(writer, run, seq, 500);
      await writer.rotateByRename(join(logs, `app.log.${cycle}`));
      seq = await lines(writer, run, seq, 200);
    }
    await writer.close();
    await allStored(run, seq);
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });

  test('renamed while the handle is released, the application still writing to its descriptor: every line exactly once', async () => {
    const run = 'idleoldfd';
    const { logs, agent, idle } = await setUp(run);
    const writer = new LogWriter(join(logs, 'app.log'));
    let seq = 0;
    for (let cycle = 1; cycle <= 3; cycle++) {
      seq = await lines(writer, run, seq, 1000);
      await allStored(run, seq);
      await idle();
      // logrotate `create`: rename, then a new empty file at the path. The
      // application's descriptor still points at the renamed file, and it
      // keeps writing there until it reopens (Python's FileHandler on a
      // signal that comes a little later).
      await rename(join(logs, 'app.log'), join(logs, `app.log.${cycle}`));
      await writeFile(join(logs, 'app.log'), '');
      for (let i = 0; i < 5; i++) {
        await sleep(100);
        seq = await lines(writer, run, seq, 100);
      }
      await writer.reopen();
      seq = await lines(writer, run, seq, 300);
    }
    await writer.close();
    await allStored(run, seq);
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });
});
