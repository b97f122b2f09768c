/**
 * Rotation while the agent is down, with the include glob users write
 * (`*.log`, which does not match the rotated names): the agent is killed,
 * the file is rotated (and written to) while it is stopped, and at the next
 * start the checkpointed file is found again by device + inode + first line,
 * read to its end and released. The real agent ships to the real server and
 * the search API counts.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { removeDir, sleep, startAgent, startServer, stopAll, tempDir, type AgentHandle, type ServerHandle } from './harness.js';
import { agentYaml, assertExactlyOnce, countOf, jsonLine, LogWriter, range, seqsOf, waitForCount } from './agent-support.js';

/** Writes lines `from`…`from+n-1` of a run; returns the next seq. */
async function lines(writer: LogWriter, run: string, from: number, n: number): Promise<number> {
  let text = '';
  for (let i = from; i < from + n; i++) text += jsonLine(i, run) + '\n';
  await writer.write(text);
  return from + n;
}

describe('agent: rotation while the agent is down', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-agent-rotdown-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  async function setUp(name: string): Promise<{ logs: string; dataDir: string; start: () => Promise<AgentHandle> }> {
    const logs = join(root, name);
    await mkdir(logs);
    const dataDir = join(root, `agent-${name}`);
    const yaml = agentYaml({ server: server.url, dataDir, include: [`${logs}/*.log`] });
    const cfg = join(root, `${name}.yaml`);
    return { logs, dataDir, start: () => startAgent(yaml, cfg) };
  }

  test('rename rotation while killed, three times: every line exactly once', async () => {
    const run = 'downrename';
    const { logs, start } = await setUp(run);
    const writer = new LogWriter(join(logs, 'app.log'));
    let agent = await start();
    let seq = 0;
    for (let cycle = 1; cycle <= 3; cycle++) {
      seq = await lines(writer, run, seq, 3000);
      await waitForCount(server.url, run, seq, 60_000);
      seq = await lines(writer, run, seq, 1000);
      await sleep(Math.floor(Math.random() * 300));
      assert.equal(await agent.stop('SIGKILL'), 'SIGKILL');
      // While the agent is down: more lines, the rename, lines the
      // application writes to its old handle before it reopens, and lines in
      // the new file.
      seq = await lines(writer, run, seq, 1000);
      await rename(join(logs, 'app.log'), join(logs, `app.log.${cycle}`));
      seq = await lines(writer, run, seq, 500);
      await writer.reopen();
      seq = await lines(writer, run, seq, 1000);
      agent = await start();
    }
    seq = await lines(writer, run, seq, 1000);
    await writer.close();
    await waitForCount(server.url, run, seq, 60_000);
    await sleep(1000);
    assertExactlyOnce(await seqsOf(server.url, run), range(0, seq));
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });

  test("RotatingFileHandler's shift chain three times while stopped: the checkpointed file is found at app.log.3", async () => {
    const run = 'downshift';
    const { logs, start } = await setUp(run);
    const path = (i: number): string => join(logs, i === 0 ? 'app.log' : `app.log.${i}`);
    const writer = new LogWriter(path(0));
    let agent = await start();
    let seq = await lines(writer, run, 0, 3000);
    await waitForCount(server.url, run, seq, 60_000);
    assert.equal(await agent.stop('SIGKILL'), 'SIGKILL');
    seq = await lines(writer, run, seq, 1000);
    const expected = range(0, seq);
    // Files born and rotated out of the glob while the agent was down were
    // never known to it (nor to any peer): their lines are not expected.
    const bornWhileDown: number[] = [];
    for (let k = 1; k <= 3; k++) {
      for (let i = 3; i >= 1; i--) if (existsSync(path(i))) await rename(path(i), path(i + 1));
      await rename(path(0), path(1));
      await writer.reopen();
      const from = seq;
      seq = await lines(writer, run, seq, 500);
      (k < 3 ? bornWhileDown : expected).push(...range(from, seq));
    }
    agent = await start();
    const from = seq;
    seq = await lines(writer, run, seq, 500);
    expected.push(...range(from, seq));
    await writer.close();
    await waitForCount(server.url, run, expected.length, 60_000);
    await sleep(1500);
    const got = await seqsOf(server.url, run);
    const relevant = got.filter((s) => !bornWhileDown.includes(s));
    assertExactlyOnce(relevant, expected);
    assert.equal(new Set(got).size, got.length, 'no duplicates');
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });

  test('logrotate with delaycompress while stopped: the uncompressed app.log.1 is read to its end', async () => {
    const run = 'downdelay';
    const { logs, start } = await setUp(run);
    const writer = new LogWriter(join(logs, 'app.log'));
    let agent = await start();
    let seq = await lines(writer, run, 0, 2000);
    await waitForCount(server.url, run, seq, 60_000);
    // A rotation while the agent runs: app.log.1 is read to its end.
    await writer.rotateByRename(join(logs, 'app.log.1'));
    seq = await lines(writer, run, seq, 2000);
    await waitForCount(server.url, run, seq, 60_000);
    assert.equal(await agent.stop('SIGKILL'), 'SIGKILL');
    seq = await lines(writer, run, seq, 1000);
    // logrotate, delaycompress: compress the previous .1 (read already), rename app.log to .1.
    await writeFile(join(logs, 'app.log.2.gz'), gzipSync(await readFile(join(logs, 'app.log.1'))));
    await rm(join(logs, 'app.log.1'));
    await rename(join(logs, 'app.log'), join(logs, 'app.log.1'));
    seq = await lines(writer, run, seq, 300);
    await writer.reopen();
    seq = await lines(writer, run, seq, 1000);
    agent = await start();
    seq = await lines(writer, run, seq, 500);
    await writer.close();
    await waitForCount(server.url, run, seq, 60_000);
    await sleep(1000);
    assertExactlyOnce(await seqsOf(server.url, run), range(0, seq));
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });

  test('inode reuse: a checkpointed inode that now holds another file is not read as the old one', async () => {
    const run = 'downreuse';
    const { logs, dataDir, start } = await setUp(run);
    const writer = new LogWriter(join(logs, 'app.log'));
    let agent = await start();
    let seq = await lines(writer, run, 0, 2000);
    await waitForCount(server.url, run, seq, 60_000);
    await sleep(500);
    assert.equal(await agent.stop('SIGKILL'), 'SIGKILL');
    await writer.close();
    // app.log is deleted and its inode reused by a file outside the glob
    // with other content. Which inode the kernel reuses cannot be chosen, so
    // the checkpoint is pointed at the other file's inode: what the agent
    // sees is the same as after a real reuse.
    await rm(join(logs, 'app.log'));
    const other = new LogWriter(join(logs, 'other.data'));
    // Longer than app.log was: past its end the event ids are new, so ingest's deduplication would not hide a wrong read.
    for (let i = 0; i < 8000; i += 1000) await lines(other, `${run}other`, i, 1000);
    await other.close();
    const st = await stat(join(logs, 'other.data'));
    const file = join(dataDir, 'checkpoints.json');
    const doc = JSON.parse(await readFile(file, 'utf8')) as { positions: Record<string, { offset?: number; path?: string; dev?: number; ino?: number }> };
    const entries = Object.values(doc.positions).filter((p) => p.path === join(logs, 'app.log'));
    assert.equal(entries.length, 1, 'one checkpoint for app.log');
    Object.assign(entries[0]!, { dev: st.dev, ino: st.ino, offset: 1000 });
    await writeFile(file, JSON.stringify(doc));
    const fresh = new LogWriter(join(logs, 'app.log'));
    seq = await lines(fresh, run, seq, 500);
    await fresh.close();
    agent = await start();
    await waitForCount(server.url, run, seq, 60_000);
    await sleep(2000);
    assertExactlyOnce(await seqsOf(server.url, run), range(0, seq));
    assert.equal(await countOf(server.url, `${run}other`), 0, 'nothing of the file that reused the inode was shipped');
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });
});
