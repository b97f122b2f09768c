/**
 * One day's partition on the server is damaged (as agent-damaged-day.test.ts
 * damages it) and a file mixes lines of that day with today's. The agent
 * holds the damaged day's lines aside and keeps shipping: today's lines
 * written after them are searchable while the day is still damaged (before,
 * nothing after those lines was shipped until the file was replaced). The
 * file is rotated and the agent is killed (SIGKILL) while it holds them; once
 * the operator moves the damaged file aside, every line is stored exactly
 * once: the held lines arrive from the spool directory, and the restarted
 * agent sends nothing twice (the checkpoint moved past the held lines once
 * their file was durable; before, it stayed before them and a restart sent
 * every later line of the file again).
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { removeDir, startAgent, startServer, stopAll, tempDir, waitFor } from './harness.js';
import { agentYaml, countOf, ingestDuplicates, seqsOf } from './agent-support.js';
import { startWithDamagedDay } from './damaged-day.js';

after(stopAll);

function line(seq: number, at: number): string {
  return JSON.stringify({ '@timestamp': new Date(at).toISOString(), level: 'info', message: `held test seq=${seq}`, run: 'held', seq });
}

async function heldGauge(metricsUrl: string): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const m = /^logship_agent_lines_held (\d+)$/m.exec(text);
  if (!m) throw new Error(`no lines_held gauge in:\n${text}`);
  return Number(m[1]);
}

/** The offset checkpoints.json holds for the file source's one file (0 without one). */
function checkpointOffset(agentDir: string): number {
  try {
    const doc = JSON.parse(readFileSync(join(agentDir, 'checkpoints.json'), 'utf8')) as { positions: Record<string, { offset?: number }> };
    return Math.max(0, ...Object.values(doc.positions).map((p) => p.offset ?? 0));
  } catch {
    return 0;
  }
}

test('the agent: lines of a damaged day are held aside while later lines ship; after a rotation, a SIGKILL and the repair every line is stored once', { timeout: 240_000 }, async () => {
  const root = await tempDir('logship-held-lines-');
  try {
    const day = await startWithDamagedDay(root);
    const { port, dataDir, yesterdayNoon, damaged } = day;
    let server = day.server;

    // seq 0–9: even today, odd of the damaged day; then only today's lines.
    const today = day.today;
    const old = (seq: number): number => yesterdayNoon + 3_600_000 + seq;
    const logs = join(root, 'logs');
    mkdirSync(logs);
    const app = join(logs, 'app.log');
    writeFileSync(app, Array.from({ length: 10 }, (_, seq) => line(seq, seq % 2 === 0 ? today(seq) : old(seq))).join('\n') + '\n');
    let yaml = '';
    let agent = await startAgent((metricsPort) => (yaml = agentYaml({ server: server.url, dataDir: join(root, 'agent'), include: [join(logs, '*.log')], extra: `metrics: { listen: 127.0.0.1:${metricsPort} }` })), join(root, 'agent.yaml'));
    const metricsUrl = `http://127.0.0.1:${agent.metricsPort}`;
    await waitFor(async () => (await countOf(server.url, 'held')) === 5, { timeoutMs: 60_000, what: "today's first five lines" });

    // Written after the damaged day's lines, in the same file: shipped while the day is still damaged.
    appendFileSync(app, Array.from({ length: 10 }, (_, i) => line(10 + i, today(10 + i))).join('\n') + '\n');
    await waitFor(async () => (await countOf(server.url, 'held')) === 15, { timeoutMs: 60_000, what: "today's later lines while the day is damaged" });
    assert.equal(await heldGauge(metricsUrl), 5);
    assert.match(agent.output(), /were not stored for now.*held aside/);
    const health = (await (await fetch(`${metricsUrl}/health`)).json()) as { held: { lines: number; limit_reached: boolean } };
    assert.deepEqual([health.held.lines, health.held.limit_reached], [5, false]);

    // The held lines are in the spool directory (written durably first): the checkpoint
    // moves past them to the end of the file.
    await waitFor(() => checkpointOffset(join(root, 'agent')) === statSync(app).size, { timeoutMs: 60_000, what: 'the checkpoint at the end of the file' });

    // Killed while it holds them; more lines meanwhile. The restarted agent reads on from the
    // checkpoint: nothing it sent is sent again (the lines written later come after anything
    // read again, so their arrival means it would have been counted), and the held lines are
    // loaded from the spool directory, held once.
    assert.equal(await agent.stop('SIGKILL'), 'SIGKILL');
    const before = await ingestDuplicates(server.url);
    appendFileSync(app, Array.from({ length: 10 }, (_, i) => line(20 + i, today(20 + i))).join('\n') + '\n');
    agent = await startAgent(yaml, join(root, 'agent.yaml'));
    await waitFor(async () => (await countOf(server.url, 'held')) === 25, { timeoutMs: 60_000, what: 'lines written while the agent was down' });
    assert.equal((await ingestDuplicates(server.url)) - before, 0, 'nothing sent again after the restart');
    assert.equal(await heldGauge(metricsUrl), 5, 'held lines loaded from the spool directory');

    // Rotation by rename while they are held, and a new file.
    renameSync(app, join(logs, 'app.log.1'));
    writeFileSync(app, Array.from({ length: 10 }, (_, i) => line(30 + i, today(30 + i))).join('\n') + '\n');
    await waitFor(async () => (await countOf(server.url, 'held')) === 35, { timeoutMs: 60_000, what: "the new file's lines" });
    assert.equal(await heldGauge(metricsUrl), 5, 'held once');

    // The operator's fix: the damaged file moved aside, the server started again on the same port.
    assert.equal(await server.stop('SIGTERM'), 0);
    renameSync(damaged, `${damaged}.damaged`);
    server = await startServer({ dataDir, port });
    await waitFor(async () => (await heldGauge(metricsUrl)) === 0, { timeoutMs: 60_000, what: 'no line held' });
    await waitFor(async () => (await countOf(server.url, 'held')) === 40, { timeoutMs: 60_000, what: 'all forty lines' });
    const seqs = (await seqsOf(server.url, 'held')).sort((a, b) => a - b);
    assert.deepEqual(seqs, Array.from({ length: 40 }, (_, i) => i), 'every line once');
    assert.equal(await agent.stop('SIGTERM'), 0);
  } finally {
    await stopAll();
    await removeDir(root);
  }
});
