/**
 * The agent's two delivery guarantees, each tested so that breaking it fails
 * a test (both were once broken by hand without any test noticing):
 *
 * - the checkpoint moves only once ingest has answered 200: with ingest
 *   refusing (503) it stays where it was, and a SIGKILL with batches in
 *   memory, on disk and in flight loses nothing;
 * - a file renamed out of the include glob is read to its end: the writer
 *   keeps appending to its old handle after the rename until it reopens
 *   (logrotate's rename-and-create, Python's handlers).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, removeDir, sleep, startAgent, startServer, stopAll, tempDir, waitFor } from './harness.js';
import { agentYaml, assertExactlyOnce, jsonLine, LogWriter, range, seqsOf, waitForCount } from './agent-support.js';

/** Answers every request with 503, as an ingest that is shutting down or overloaded does. */
async function refusingIngest(port: number): Promise<{ server: Server; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable"}'));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** File offsets in the agent's checkpoint file (empty when it does not exist yet). */
async function checkpointOffsets(dataDir: string): Promise<number[]> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'checkpoints.json'), 'utf8');
  } catch {
    return [];
  }
  const doc = JSON.parse(text) as { positions: Record<string, { offset?: number }> };
  return Object.values(doc.positions).map((p) => p.offset ?? 0);
}

describe('agent: delivery guarantees', () => {
  let root: string;
  const closers: Array<() => Promise<void>> = [];

  before(async () => {
    root = await tempDir('logship-agent-guarantees-');
  });

  after(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await stopAll();
    await removeDir(root);
  });

  test('ingest refusing with 503: the checkpoint does not move; SIGKILL with batches in flight loses nothing', async () => {
    const port = await freePort();
    const refusing = await refusingIngest(port);
    closers.push(refusing.close);
    const logs = join(root, 'refused');
    await mkdir(logs);
    const dataDir = join(root, 'agent-refused');
    const yaml = agentYaml({
      server: `http://127.0.0.1:${port}`, dataDir, include: [`${logs}/*.log`],
      // Small batches and one in memory: some wait in memory, some on disk, one is in flight.
      extra: 'spool: { memory_batches: 1 }',
    }).replace('batch: { max_events: 2000, max_age_ms: 200 }', 'batch: { max_events: 500, max_age_ms: 200 }');
    const cfg = join(root, 'refused.yaml');
    let agent = await startAgent(yaml, cfg);
    const writer = new LogWriter(join(logs, 'app.log'));
    const total = 20_000;
    for (let seq = 0; seq < total; seq += 1000) {
      let text = '';
      for (let i = seq; i < seq + 1000; i++) text += jsonLine(i, 'refused') + '\n';
      await writer.write(text);
    }
    await waitFor(() => refusing.requests() >= 5, { timeoutMs: 30_000, what: 'five refused attempts' });
    // Past the checkpoint's write delay (100 ms) several times over.
    await sleep(1500);
    assert.deepEqual((await checkpointOffsets(dataDir)).filter((o) => o > 0), [], 'no checkpoint offset moved while ingest refused every batch');
    assert.equal(await agent.stop('SIGKILL'), 'SIGKILL');
    assert.deepEqual((await checkpointOffsets(dataDir)).filter((o) => o > 0), [], 'nor at the SIGKILL');

    // Ingest comes back on the same address; the restarted agent delivers every line once.
    await refusing.close();
    const server = await startServer({ dataDir: join(root, 'server-refused'), port });
    agent = await startAgent(yaml, cfg);
    await waitForCount(server.url, 'refused', total, 120_000);
    await sleep(1000);
    assertExactlyOnce(await seqsOf(server.url, 'refused'), range(0, total));
    await waitFor(async () => (await checkpointOffsets(dataDir)).some((o) => o > 0), { what: 'the checkpoint to move after delivery' });
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    await writer.close();
    await server.stop('SIGTERM');
  });

  test('renamed out of the glob while the writer still appends to its old handle: every line exactly once', async () => {
    const server = await startServer({ dataDir: join(root, 'server-detach') });
    const logs = join(root, 'detach');
    await mkdir(logs);
    // `*.log` does not match `app.log.N`: after the rename only the open handle reaches the old file.
    // At info, the agent's log says what it decided at each rotation, should a line go missing.
    const agent = await startAgent(agentYaml({ server: server.url, dataDir: join(root, 'agent-detach'), include: [`${logs}/*.log`], logLevel: 'info' }),
      join(root, 'detach.yaml'));
    const writer = new LogWriter(join(logs, 'app.log'));
    let seq = 0;
    const lines = async (n: number): Promise<void> => {
      let text = '';
      for (const end = seq + n; seq < end; seq++) text += jsonLine(seq, 'detach') + '\n';
      await writer.write(text);
    };
    await sleep(500);
    for (let r = 1; r <= 5; r++) {
      await lines(2000);
      await sleep(600);
      // The guarantee is for a file the agent follows: a file created and
      // renamed away while the agent never got to look (a loaded CI machine
      // starved it for the 600 ms) cannot be found by anyone, so the agent
      // has read this one before it moves.
      await waitForCount(server.url, 'detach', seq, 60_000);
      // logrotate's rename; the application has not reopened yet ...
      await rename(join(logs, 'app.log'), join(logs, `app.log.${r}`));
      // ... and the agent has noticed the rename (poll 250 ms, inotify) before these lines land in the renamed file.
      await sleep(1500);
      await lines(300);
      await sleep(300);
      await lines(200);
      await writer.reopen();
    }
    await lines(1000);
    await writer.close();
    await waitForCount(server.url, 'detach', seq, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\nagent log:\n${agent.output().slice(-20_000)}`);
    });
    await sleep(1000);
    assertExactlyOnce(await seqsOf(server.url, 'detach'), range(0, seq));
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    await server.stop('SIGTERM');
  });
});
