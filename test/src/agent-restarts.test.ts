/**
 * The agent and the server fail while a stream is written: the agent is
 * killed with SIGKILL 10 times and restarted; the server is stopped for 30
 * seconds while the agent spools under its cap. Every line arrives exactly
 * once (at-least-once delivery + ingest deduplication by event.id).
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, sleep, startAgent, startServer, stopAll, tempDir, type AgentHandle, type ServerHandle } from './harness.js';
import { agentYaml, assertExactlyOnce, jsonLine, LogWriter, range, seqsOf, waitForCount } from './agent-support.js';

/** Writes `total` lines in chunks, paced so the stream lasts about `ms`. */
async function stream(writer: LogWriter, run: string, total: number, chunk: number, ms: number, onChunk?: (done: number) => Promise<void>): Promise<void> {
  const pause = ms / (total / chunk);
  for (let seq = 0; seq < total; seq += chunk) {
    let text = '';
    for (let i = seq; i < seq + chunk; i++) text += jsonLine(i, run) + '\n';
    await writer.write(text);
    await onChunk?.(seq + chunk);
    await sleep(pause);
  }
}

// The two streams run side by side (their own servers, agents and folders):
// the outage test mostly waits out its 30 s, which the kill test's work fills.
describe('agent: failures during a stream', { concurrency: true }, () => {
  let root: string;

  before(async () => {
    root = await tempDir('logship-agent-fail-');
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('SIGKILL 10 times during a 200,000-line stream: every line exactly once', async () => {
    const server = await startServer({ dataDir: join(root, 'server-kill') });
    const logs = join(root, 'kill');
    await mkdir(logs);
    const yaml = agentYaml({ server: server.url, dataDir: join(root, 'agent-kill'), include: [`${logs}/app.log*`] });
    const cfg = join(root, 'kill.yaml');
    let agent: AgentHandle = await startAgent(yaml, cfg);
    const writer = new LogWriter(join(logs, 'app.log'));
    const total = 200_000;
    let kills = 0;
    const killer = (async () => {
      while (kills < 10) {
        await sleep(900 + Math.floor(Math.random() * 400));
        assert.equal(await agent.stop('SIGKILL'), 'SIGKILL');
        kills++;
        agent = await startAgent(yaml, cfg);
      }
    })();
    await stream(writer, 'kill', total, 1000, 12_000, async (done) => {
      if (done % 50_000 === 0 && done < total) await writer.rotateByRename(join(logs, `app.log.${done / 50_000}`));
    });
    await killer;
    await writer.close();
    assert.equal(kills, 10);
    await waitForCount(server.url, 'kill', total);
    await sleep(1500);
    assertExactlyOnce(await seqsOf(server.url, 'kill'), range(0, total));
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    await server.stop('SIGTERM');
  });

  test('server stopped for 30 s during a stream: the agent spools under its cap, then delivers every line once', async () => {
    const dataDir = join(root, 'server-outage');
    let server: ServerHandle = await startServer({ dataDir });
    const port = server.port;
    const logs = join(root, 'outage');
    await mkdir(logs);
    const spoolCap = 400_000;
    const agentData = join(root, 'agent-outage');
    const agent = await startAgent(agentYaml({
      server: server.url, dataDir: agentData, include: [`${logs}/*.log`],
      extra: `spool: { max_bytes: ${spoolCap}, memory_batches: 2 }`,
    }), join(root, 'outage.yaml'));
    const writer = new LogWriter(join(logs, 'app.log'));
    const total = 60_000;
    let maxSpool = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxSpool = Math.max(maxSpool, await dirBytes(join(agentData, 'spool')));
        await sleep(100);
      }
    })();
    const outage = (async () => {
      await sleep(3000);
      await server.stop('SIGTERM');
      await sleep(30_000);
      server = await startServer({ dataDir, port });
    })();
    await stream(writer, 'outage', total, 500, 36_000);
    await outage;
    await writer.close();
    await waitForCount(server.url, 'outage', total);
    sampling = false;
    await sampler;
    await sleep(1500);
    assertExactlyOnce(await seqsOf(server.url, 'outage'), range(0, total));
    assert.ok(maxSpool > 0, 'batches were spooled to disk during the outage');
    assert.ok(maxSpool <= spoolCap, `the spool stayed under spool.max_bytes (${maxSpool} <= ${spoolCap})`);
    console.log(`outage: the spool peaked at ${maxSpool} bytes (cap ${spoolCap})`);
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });
});

async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const f of names) {
    if (!f.endsWith('.batch')) continue;
    try { n += (await stat(join(dir, f))).size; } catch { /* delivered meanwhile */ }
  }
  return n;
}
