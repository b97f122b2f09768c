/**
 * The agent's /health through the real process: 503 `degraded` with the
 * reason while ingest has been unreachable for longer than
 * health.max_delivery_lag_s, healthy once the real server takes the lines;
 * SIGHUP moves the listener to a changed metrics.listen.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, removeDir, startAgent, startServer, stopAll, tempDir, waitFor } from './harness.js';
import { agentYaml, jsonLine, waitForCount } from './agent-support.js';

async function health(port: number): Promise<{ status: number; body: { status: string; reasons: string[] } } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    return { status: res.status, body: (await res.json()) as { status: string; reasons: string[] } };
  } catch {
    return null;
  }
}

describe('agent: health', () => {
  let root: string;

  before(async () => {
    root = await tempDir('logship-agent-health-');
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('503 degraded while ingest is unreachable, healthy after; SIGHUP applies a new metrics.listen', async () => {
    const logs = join(root, 'logs');
    await mkdir(logs);
    let text = '';
    for (let i = 0; i < 500; i++) text += jsonLine(i, 'health') + '\n';
    await writeFile(join(logs, 'app.log'), text);
    const ingestPort = await freePort();
    const yaml = (port: number): string => agentYaml({
      server: `http://127.0.0.1:${ingestPort}`, dataDir: join(root, 'agent'), include: [`${logs}/*.log`],
      extra: `metrics: { listen: "127.0.0.1:${port}" }\nhealth: { max_delivery_lag_s: 2 }`,
    }).replace('log_level: warn', 'log_level: info');
    const cfg = join(root, 'agent.yaml');
    const agent = await startAgent(yaml, cfg);
    // b: where SIGHUP moves the listener (the agent logs, not fails, if it is taken).
    const [a, b] = [agent.metricsPort!, await freePort()];
    const degraded = await waitFor(async () => {
      const h = await health(a);
      return h && h.status === 503 ? h : undefined;
    }, { timeoutMs: 20_000, what: '/health to answer 503' });
    assert.equal(degraded.body.status, 'degraded');
    assert.match(degraded.body.reasons.join('\n'), /ingest has not taken a batch for \d+ s/);

    await writeFile(cfg, yaml(b));
    agent.proc.kill('SIGHUP');
    await waitFor(async () => (await health(b)) !== null, { what: 'the listener on the new port' });
    assert.equal(await health(a), null, 'the old address no longer answers');

    const server = await startServer({ dataDir: join(root, 'server'), port: ingestPort });
    await waitForCount(server.url, 'health', 500, 60_000);
    const ok = await waitFor(async () => {
      const h = await health(b);
      return h && h.status === 200 ? h : undefined;
    }, { what: '/health to answer 200' });
    assert.deepEqual(ok.body.reasons, []);
    assert.equal(ok.body.status, 'healthy');
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    await server.stop('SIGTERM');
  });
});
