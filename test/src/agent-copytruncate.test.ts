/**
 * logrotate's copytruncate with the include users write for it, the live
 * file only (`app.log`, which does not match the copy `app.log.1`): the
 * lines the agent had not read when the file was truncated are only in the
 * copy. They must still arrive, while the agent runs (it was paused across
 * the rotation, as a loaded host or a full spool holds it back) and when it
 * was stopped across it. Real logrotate, agent and server; the search API counts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, startAgent, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';
import { agentYaml, assertExactlyOnce, jsonLine, LogWriter, range, seqsOf, waitForCount } from './agent-support.js';

const LOGROTATE = '/usr/sbin/logrotate';
const skip = existsSync(LOGROTATE) ? false : `${LOGROTATE} is missing (apt-get install logrotate)`;

/** Writes lines `from`…`to-1` of a run. */
async function lines(writer: LogWriter, run: string, from: number, to: number): Promise<void> {
  let text = '';
  for (let i = from; i < to; i++) text += jsonLine(i, run) + '\n';
  await writer.write(text);
}

describe('agent: copytruncate with an include that does not match the copy', { skip }, () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-agent-ct-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  async function setUp(run: string) {
    const logs = join(root, run);
    await mkdir(logs);
    const file = join(logs, 'app.log');
    const conf = join(root, `${run}.logrotate.conf`);
    await writeFile(conf, `${file} {\n  copytruncate\n  rotate 5\n  compress\n  delaycompress\n  missingok\n}\n`);
    const rotate = (): void => { execFileSync(LOGROTATE, ['-f', '-s', join(root, `${run}.logrotate.state`), conf]); };
    const yaml = agentYaml({ server: server.url, dataDir: join(root, `agent-${run}`), include: [file], extra: 'metrics: { listen: off }' });
    return { logs, file, rotate, start: () => startAgent(yaml, join(root, `${run}.yaml`)) };
  }

  test('paused across the rotation: what was not read yet is read from the copy', async () => {
    const run = 'ctpaused';
    const { file, rotate, start } = await setUp(run);
    const writer = new LogWriter(file);
    const agent = await start();
    await lines(writer, run, 0, 1000);
    await waitForCount(server.url, run, 1000, 60_000);
    for (let cycle = 1; cycle <= 2; cycle++) {
      agent.proc.kill('SIGSTOP');
      await lines(writer, run, cycle * 3000 - 2000, cycle * 3000);
      rotate();
      // The writer's descriptor is in append mode: it goes on at the new end.
      await lines(writer, run, cycle * 3000, cycle * 3000 + 1000);
      agent.proc.kill('SIGCONT');
      await waitForCount(server.url, run, 1000 + cycle * 3000, 60_000);
    }
    await writer.close();
    assertExactlyOnce(await seqsOf(server.url, run), range(0, 7000));
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });

  test('stopped across the rotation: at the next start what was not read yet is read from the copy', async () => {
    const run = 'ctstopped';
    const { file, rotate, start } = await setUp(run);
    const writer = new LogWriter(file);
    let agent = await start();
    await lines(writer, run, 0, 1000);
    await waitForCount(server.url, run, 1000, 60_000);
    assert.equal(await agent.stop('SIGKILL'), 'SIGKILL');
    await lines(writer, run, 1000, 3000);
    rotate();
    await lines(writer, run, 3000, 4000);
    agent = await start();
    await waitForCount(server.url, run, 4000, 60_000);
    await writer.close();
    assertExactlyOnce(await seqsOf(server.url, run), range(0, 4000));
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });
});
